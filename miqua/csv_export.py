"""The CSV export of a list: the rows of the page's own filtered query, all of them, streamed.

One convention for every list: the page's URL with `format=csv` added to its query (the CSV
link keeps the filters: `{% include "_csv_link.html" %}`). The view answers with
`csv_response` instead of rendering, after the same permission check, through the same
selector and filter set as the page, so the file can never show more than the page.

The file is made for a German spreadsheet: semicolons, UTF-8 with a byte order mark (Excel
reads the umlauts), dates as 15.09.2012, decimals with a comma and no thousands separator
(a spreadsheet reads "1234,56" as a number, "1.234,56" sometimes as a date). A cell that a
spreadsheet would take for a formula (=, +, -, @, a tab or a carriage return first) gets a
leading apostrophe: a borrower's name typed as "=HYPERLINK(...)" stays text.

Rows are read in batches (`batches`): 50,000 loans never sit in memory at once, and the number
of queries grows with the number of batches, not with the number of rows.
"""

import csv
import datetime
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from django.db.models import Choices, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_scopes import get_scope, scope

T = TypeVar("T")
Row = TypeVar("Row")

FORMAT_PARAMETER = "format"
CSV = "csv"
BATCH_SIZE = 2000
# What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_csv(request: HttpRequest) -> bool:
    """The list's page asked for as a CSV file (`?format=csv`)."""
    return request.GET.get(FORMAT_PARAMETER) == CSV


@dataclass(frozen=True)
class Column(Generic[Row]):
    """A column of the file: its header (translated) and what it shows of a row."""

    header: str | Promise
    value: Callable[[Row], object]


def cell(value: object) -> str:
    """A value as the German spreadsheet reads it, guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        # At least two places (money), more where the figure has them (a rate of 8.125 %);
        # trailing zeros of a database's arithmetic dropped. Negative numbers stay numbers:
        # the guard below is for text.
        places = max(2, -int(value.normalize().as_tuple().exponent))
        return f"{value:.{places}f}".replace(".", ",")
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    return guard(str(value))


def labels(choices: type[Choices]) -> Callable[[str], str]:
    """The label of a choice, looked up in a dict made once in the request's language:
    `get_FOO_display()` hashes the lazy choices on every call, a second of CPU for 30,000 rows."""
    by_value = {str(value): str(label) for value, label in choices.choices}
    return lambda value: by_value.get(value, value)


def guard(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made plain text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Slicable(Protocol):
    def count(self) -> int: ...

    def __getitem__(self, key: slice) -> Any: ...


def batches(source: QuerySet | _Slicable | Sequence, size: int = BATCH_SIZE) -> Iterator[list]:
    """The rows of `source` in lists of at most `size`: a queryset through a server-side
    cursor (`iterator`, prefetches per batch), anything else a paginator could page (a
    `count()` and slices, in a stable order) slice by slice; a list (already read) in slices too."""
    if isinstance(source, QuerySet):
        iterator = source.iterator(chunk_size=size)
        while batch := list(itertools.islice(iterator, size)):
            yield batch
        return
    total = len(source) if isinstance(source, list | tuple) else source.count()
    for start in range(0, total, size):
        yield list(source[start : start + size])


def rows_of(
    source: QuerySet | _Slicable | Sequence,
    build: Callable[[list], Iterable[Row]] | None = None,
    size: int = BATCH_SIZE,
) -> Iterator[Row]:
    """Every row of `source`, batch by batch, each batch through `build` (what the page does
    with its one page of objects: the figures that take a query per batch)."""
    for batch in batches(source, size):
        yield from (build(batch) if build is not None else batch)


class _Echo:
    """csv.writer writes to this and gets each line back (no buffer of the whole file)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Row], columns: Sequence[Column[Row]]) -> Iterator[str]:
    """The file line by line: the byte order mark and the header first."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([guard(str(column.header)) for column in columns])
    for row in rows:
        yield writer.writerow([cell(column.value(row)) for column in columns])


def csv_filename(name: str | Promise, today: datetime.date | None = None) -> str:
    """ "Kredite-2012-09-15.csv": the list's name and the day, no character a file system or
    a Content-Disposition header would stumble over."""
    day = today or timezone.localdate()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(name))
    return f"{safe}-{day:%Y-%m-%d}.csv"


def csv_response(
    *, rows: Iterable[Row], columns: Sequence[Column[Row]], name: str | Promise
) -> StreamingHttpResponse:
    """The rows as a streamed CSV download. The rows are read while the file is sent, after the
    view has returned: the generator enters the request's quarter scope and language again,
    so a lazy query sees exactly what the page saw."""
    kept_scope = dict(get_scope())
    language = translation.get_language()

    def content() -> Iterator[bytes]:
        with scope(**kept_scope), translation.override(language):
            for line in csv_lines(rows, columns):
                yield line.encode("utf-8")

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=csv_filename(name)
    )
    response["Cache-Control"] = "private, no-store"
    return response
