"""The checks an attacker would run (issue 12), as tests that count what they tried.

Each test of this folder loops over everything of one kind (URLs, text fields x pages, upload
types, redirect targets), collects the failures and asserts there are none; what it tried is
recorded with `tally` and printed in a section "security checks" at the end of the run, so the
figures of the note come from the run itself.
"""

import pytest

# The walks are about who gets what and where it leads, not about a PDF's layout: the
# checks that ask for PDFs to read them (test_stored_html.py) do not use it.
from tests.test_isolation import no_pdf_layout  # noqa: F401 (a fixture)

_TALLY: dict[str, str] = {}


@pytest.fixture
def tally():
    """`tally(kind, text)`: what a check tried and found, one line in the run's summary."""

    def record(kind: str, text: str) -> None:
        _TALLY[kind] = text

    return record


def pytest_terminal_summary(terminalreporter):
    if not _TALLY:
        return
    terminalreporter.section("security checks")
    for kind, text in sorted(_TALLY.items()):
        terminalreporter.write_line(f"{kind}: {text}")
