"""The shared CSV mechanism (miqua/csv_export.py): what a German spreadsheet gets."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from miqua.csv_export import Column, batches, cell, csv_filename, csv_response, rows_of, wants_csv


def _read(response) -> tuple[str, list[list[str]]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


def test_file_has_bom_semicolons_crlf_and_translated_header():
    columns = [Column("Name", lambda r: r[0]), Column("Betrag", lambda r: r[1])]
    with translation.override("de"):
        response = csv_response(
            rows=[("Ayşe; Öztürk", Decimal("5700.5"))], columns=columns, name="Kredite"
        )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="Kredite-')
    assert response["Cache-Control"] == "private, no-store"
    body, rows = _read(response)
    assert body.startswith("\ufeffName;Betrag\r\n")
    assert rows == [["Name", "Betrag"], ["Ayşe; Öztürk", "5700,50"]]
    assert '"Ayşe; Öztürk"' in body  # the delimiter inside a value is quoted


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2012, 9, 15), "15.09.2012"),
        (Decimal("4252.3300000000000"), "4252,33"),
        (Decimal("5000"), "5000,00"),
        (Decimal("8.125"), "8,125"),
        (Decimal("-12.50"), "-12,50"),  # a negative number stays a number
        (12, "12"),
        (None, ""),
        ("Schneiderei", "Schneiderei"),
    ],
)
def test_cells_in_german_format(value, expected):
    assert cell(value) == expected


def test_yes_and_no_are_translated():
    with translation.override("de"):
        assert (cell(True), cell(False)) == ("ja", "nein")


def test_a_datetime_is_shown_in_local_time():
    moment = datetime.datetime(2012, 9, 14, 22, 30, tzinfo=datetime.UTC)
    assert cell(moment) == timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+49 69 1", "-1+1", "@SUM(A1)", "\t=1"])
def test_formula_injection_is_guarded(text):
    assert cell(text) == "'" + text


def test_the_header_is_guarded_too():
    _body, rows = _read(csv_response(rows=[], columns=[Column("=1", str)], name="x"))
    assert rows == [["'=1"]]


def test_filename_has_the_day_and_no_unsafe_character():
    assert csv_filename("Kredite/Anträge 1", datetime.date(2012, 9, 15)) == (
        "Kredite-Anträge-1-2012-09-15.csv"
    )


def test_wants_csv_reads_the_format_parameter():
    factory = RequestFactory()
    assert wants_csv(factory.get("/loans/", {"format": "csv", "q": "x"}))
    assert not wants_csv(factory.get("/loans/", {"format": "pdf"}))
    assert not wants_csv(factory.get("/loans/"))


class _Pages:
    """Something a paginator pages: a count and slices."""

    def __init__(self, items: list[int]) -> None:
        self.items = items
        self.slices: list[slice] = []

    def count(self) -> int:
        return len(self.items)

    def __getitem__(self, key: slice) -> list[int]:
        self.slices.append(key)
        return self.items[key]


def test_rows_are_read_in_batches_and_built_per_batch():
    source = _Pages(list(range(7)))
    built: list[list[int]] = []

    def build(batch: list[int]) -> list[int]:
        built.append(batch)
        return [x * 10 for x in batch]

    assert list(rows_of(source, build, size=3)) == [0, 10, 20, 30, 40, 50, 60]
    assert built == [[0, 1, 2], [3, 4, 5], [6]]
    assert source.slices == [slice(0, 3), slice(3, 6), slice(6, 9)]


@pytest.mark.django_db
def test_a_queryset_is_read_through_its_iterator(django_assert_num_queries):
    from quarters.models import Municipality

    from . import factories

    for _ in range(5):
        factories.MunicipalityFactory()
    # Batches of 2 from one server-side cursor (SQLite: one query read in chunks).
    with django_assert_num_queries(1):
        sizes = [len(batch) for batch in batches(Municipality.objects.order_by("pk"), size=2)]
    assert sizes == [2, 2, 1]
