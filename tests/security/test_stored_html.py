"""Stored HTML/JS in every text field a person can fill, on every page and in every PDF that
shows it; and every GET parameter of every page given HTML/JS (reflected).

tests/security/world.py writes `<script>x12r3</script><img src=https://evil.example/12 ...>"'`
into every text column (field 12, row 3). Every page each role may open is then read: the
payload's markup must never appear as markup (RAW), and where a field is shown (escaped, SHOWN)
the pair field x page is counted. Each PDF is rendered for real: WeasyPrint may fetch nothing
but inline data, and every field its HTML shows must come out of the PDF as literal text (a
tag that WeasyPrint took for markup would vanish from the text).
"""

import io
import re
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from credits.models import BankEntry
from credits.views.context import STEPS
from miqua.pdf import ExternalReferenceError, html_to_pdf
from tests.clients import client_for
from tests.test_isolation import ACCOUNT_PAGES, ANONYMOUS, EXPECTED, REQUESTS, ROLES, Request

from . import world as stored
from .walk import client_as, query_fields

SIGNED_IN = ROLES[1:]


def _pages(world: stored.World) -> list[tuple[str, str]]:
    """(name, URL) of every page of the walk, on the world's objects, plus pages that show more
    of them: every step of the application form, the decided ballot and its minutes, the
    running loan (with its proposed schedule), every application (not only the open ones)."""
    own = world.own
    pages = []
    for name in EXPECTED:
        request = REQUESTS.get(name, Request())
        # The uploaded file itself is no page (its download: tests/security/test_uploads.py).
        if request.method != "get" or name == "document_download":
            continue
        url = reverse(name, kwargs=request.kwargs(own) if request.kwargs else {})
        if request.data:
            url += "?" + urlencode(request.data(own))
        pages.append((name, url))
    with scopes_disabled():
        decided_case = world.decided.cases.get()
    pages += [
        *[
            ("application_edit", reverse("application_edit", args=[own.application.pk, s]))
            for s in STEPS
        ],
        ("ballot_detail", reverse("ballot_detail", args=[world.decided.pk])),
        ("ballot_minutes_pdf", reverse("ballot_minutes_pdf", args=[world.decided.pk])),
        ("application_detail", reverse("application_detail", args=[decided_case.application_id])),
        (
            "decision_template_pdf",
            reverse("decision_template_pdf", args=[decided_case.application_id]),
        ),
        ("application_detail", reverse("application_detail", args=[own.submitted.pk])),
        ("loan_detail", reverse("loan_detail", args=[world.running_loan.pk])),
        ("loan_schedule_pdf", reverse("loan_schedule_pdf", args=[world.running_loan.pk])),
        ("application_list", reverse("application_list") + "?status=all"),
        ("loan_list", reverse("loan_list") + "?status=all"),
    ]
    return pages


def _admin_pages() -> list[tuple[str, str]]:
    """Every admin list and the change page of its first object."""
    pages = []
    with scopes_disabled():
        for model in admin.site._registry:
            info = (model._meta.app_label, model._meta.model_name)
            pages.append(("admin", reverse("admin:{}_{}_changelist".format(*info))))
            first = model._base_manager.order_by("pk").first()
            if first is not None:
                pages.append(
                    ("admin", reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
                )
    return pages


def _raw(body: str, fields: dict[int, str]) -> list[str]:
    found = set()
    for match in stored.RAW.finditer(body):
        number = int(next(g for g in match.groups() if g))
        found.add(f"{fields.get(number, number)}: {match.group(0)!r}")
    return sorted(found)


def _shown(body: str) -> set[int]:
    return {int(n) for n in stored.SHOWN.findall(body)}


class _Fetches:
    """What WeasyPrint asked for while rendering: nothing is allowed but inline data."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.html: list[str] = []


@pytest.fixture
def pdf_spy(monkeypatch) -> _Fetches:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    spy = _Fetches()
    fetch, init = URLFetcher.fetch, HTML.__init__

    def recording_fetch(self, url, *args, **kwargs):
        spy.urls.append(url)
        return fetch(self, url, *args, **kwargs)

    def recording_init(self, *args, **kwargs):
        spy.html.append(kwargs.get("string") or "")
        init(self, *args, **kwargs)

    monkeypatch.setattr(URLFetcher, "fetch", recording_fetch)
    monkeypatch.setattr(HTML, "__init__", recording_init)
    return spy


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_stored_html_in_every_typed_field_stays_text_on_every_page_and_pdf(
    network, settings, tmp_path, pdf_spy, tally
):
    settings.MEDIA_ROOT = tmp_path
    # The spy sees what WeasyPrint would fetch (and miqua.pdf refuses it).
    with pytest.raises(ExternalReferenceError):
        html_to_pdf('<img src="https://evil.example/spy.png">')
    assert pdf_spy.urls == ["https://evil.example/spy.png"]
    pdf_spy.urls.clear()
    pdf_spy.html.clear()
    world = stored.build(network)
    fields = world.fields
    failures: list[str] = []
    shown_on: dict[str, set[int]] = {}  # page name -> fields it showed
    pdfs: dict[str, bytes] = {}
    requests = 0
    visits = [(role, name, url) for role in SIGNED_IN for name, url in _pages(world)]
    visits += [("administrator", name, url) for name, url in _admin_pages()]
    for role, name, url in visits:
        if name != "admin" and EXPECTED[name][ROLES.index(role)] != 200:
            continue
        if url in pdfs:
            continue  # a PDF is the same for everyone who may read it: rendered once
        response = client_as(world.network, role).get(url)
        requests += 1
        if response.status_code != 200:
            failures.append(f"{role} {url}: {response.status_code}")
            continue
        if response["Content-Type"] == "application/pdf":
            pdfs.setdefault(url, response.content)
            continue
        if response["Content-Type"].startswith("application/json"):
            # Data, not a page (the GDPR information as a file): the text as stored, which no
            # browser renders: a download, never sniffed into HTML.
            if "attachment" not in response.get("Content-Disposition", ""):
                failures.append(f"{role} {url}: JSON not sent as a download")
            if response.get("X-Content-Type-Options") != "nosniff":
                failures.append(f"{role} {url}: JSON without nosniff")
            continue
        body = response.content.decode()
        failures += [f"{role} {url}: raw {raw}" for raw in _raw(body, fields)]
        shown_on.setdefault(name, set()).update(_shown(body))

    # The PDFs: the HTML WeasyPrint got is escaped, and what it shows comes out as text.
    assert pdf_spy.html, "no PDF was rendered"
    pdf_pairs = 0
    for html in pdf_spy.html:
        failures += [f"PDF: raw {raw}" for raw in _raw(html, fields)]
    for url, content in pdfs.items():
        text = _pdf_text(content)
        in_text = {int(n) for n in re.findall(r"<(?:script|b)>x(\d+)r", text)}
        pdf_pairs += len(in_text)
        shown_on.setdefault(url, set()).update(in_text)
    html_shown = set().union(*(_shown(html) for html in pdf_spy.html))
    pdf_shown = set().union(*(shown_on[url] for url in pdfs))
    failures += [
        f"PDF HTML shows {fields[n]} but no PDF has it as text" for n in html_shown - pdf_shown
    ]
    fetched = [url for url in pdf_spy.urls if not url.startswith("data:")]
    failures += [f"WeasyPrint fetched {url}" for url in fetched]

    assert not failures, "\n".join(failures)
    shown = set().union(*shown_on.values())
    pairs = sum(len(n) for n in shown_on.values())
    never = sorted(fields[n] for n in fields.keys() - shown)
    tally(
        "stored HTML/JS",
        f"{len(fields)} typed text fields, {requests} page requests by 5 roles "
        f"({len({n for _r, n, _u in visits})} page kinds incl. the admin), {len(pdfs)} PDFs; "
        f"{pairs} field x page pairs shown, {pdf_pairs} of them in PDFs as literal text; "
        f"0 raw; WeasyPrint asked for {len(pdf_spy.urls)} URLs (its spy saw a control's); "
        f"never shown: {', '.join(never) or 'none'}",
    )
    # A check that finds nothing must have looked: the main texts are on the pages.
    assert pairs > len(fields)


REFLECTED = "<script>x0r0</script><img src=https://evil.example/0 onerror=alert(0)>\"'"


@pytest.mark.usefixtures("no_pdf_layout")
def test_html_in_every_get_parameter_is_not_reflected_as_markup(network, settings, tmp_path, tally):
    """Every page, with every field of its GET forms (and next, q, page) set to the payload."""
    settings.MEDIA_ROOT = tmp_path
    world = stored.build(network)
    failures, requests, parameters, paths = [], 0, 0, 0
    asked: set[str] = set()
    for name, url in _pages(world):
        if name in asked:
            continue
        # The role that sees the most of the page: the back office, else the page's own role;
        # the sign-in pages anonymously.
        row = EXPECTED[name]
        order = (ANONYMOUS, *SIGNED_IN) if name in ACCOUNT_PAGES else ("staff", *SIGNED_IN)
        role = next((r for r in order if row[ROLES.index(r)] == 200), None)
        if role is None:
            continue
        asked.add(name)
        client = client_as(world.network, role)
        page = client.get(url)
        if page["Content-Type"] == "application/pdf" or page["Content-Type"].startswith(
            "application/json"
        ):
            continue
        names = query_fields(page.content.decode()) | {"next", "q", "page"}
        base = url.split("?")[0]
        response = client.get(base + "?" + urlencode(dict.fromkeys(sorted(names), REFLECTED)))
        requests += 1
        parameters += len(names)
        if response.status_code >= 500:
            failures.append(f"{role} {url}: {response.status_code}")
        body = response.content.decode(errors="replace")
        failures += [
            f"{role} {base}: raw {raw}"
            for raw in _raw(body, {0: "a GET parameter", **world.fields})
        ]
    # Addresses that do not exist: the error page names no part of them as markup.
    for path in ("/" + REFLECTED + "/", "/applications/" + REFLECTED + "/", "/api/v1/" + REFLECTED):
        for client in (Client(), client_as(world.network, "staff")):
            response = client.get(path)
            paths += 1
            body = response.content.decode(errors="replace")
            failures += [f"{path}: raw {raw}" for raw in _raw(body, {0: "the path"})]
    assert not failures, "\n".join(failures)
    assert requests > 30
    tally(
        "reflected HTML/JS",
        f"{requests} pages (HTML) with {parameters} GET parameters given the payload, and "
        f"{paths} requests for made-up addresses with it in the path; 0 raw, 0 server errors",
    )


CAMT = Path(__file__).parent.parent / "credits" / "fixtures" / "camt053_001_08.xml"
# The payer's names and the transfers' texts of a bank statement, as a bank writes markup in
# XML (escaped): the parser hands it on as text.
CAMT_TEXTS = {
    "<Nm>Marco Rossi</Nm>": 1,
    "<Ustrd>Rate April KV 0004712</Ustrd>": 2,
    "<Nm>Ayse Yilmaz</Nm>": 3,
    "<Ustrd>Rueckzahlung</Ustrd>": 4,
}


def test_html_in_an_imported_bank_statement_stays_text(network, tally):
    content = CAMT.read_text()
    for element, number in CAMT_TEXTS.items():
        tag = element[1 : element.index(">")]
        text = escape(stored.payload(number, 1, None))
        assert element in content
        content = content.replace(element, f"<{tag}>{text}</{tag}>")
    client = client_for(network.staff)
    upload = SimpleUploadedFile("camt.xml", content.encode(), "text/xml")
    imported = client.post(reverse("statement_upload"), {"file": upload})
    assert imported.status_code == 302, imported.content.decode()
    labels = {n: f"bank statement text {n}" for n in CAMT_TEXTS.values()}
    failures, shown = [], set()
    pages = [imported["Location"], reverse("review_queue"), reverse("statement_list")]
    with scopes_disabled():
        pages += [reverse("entry_review", args=[e.pk]) for e in BankEntry.objects.all()]
    for url in pages:
        body = client.get(url).content.decode()
        failures += [f"{url}: raw {raw}" for raw in _raw(body, labels)]
        shown |= _shown(body)
    assert not failures, "\n".join(failures)
    assert shown == set(CAMT_TEXTS.values())
    tally(
        "stored HTML/JS: CAMT import",
        f"{len(CAMT_TEXTS)} payer names and transfer texts with markup imported from a CAMT.053 "
        f"file, read on {len(pages)} pages (statement, review queue, list, each entry): all "
        "shown, as text",
    )
