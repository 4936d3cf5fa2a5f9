"""The municipality's report for the council as a PDF: the dashboard's tables for a year or a
period, in German whatever the reader's language (like the other documents, miqua/pdf.py)."""

import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from miqua.pdf import html_to_pdf

from .municipality_selectors import Dashboard, quarter_labels
from .suppression import SUPPRESSION_NOTE

TEMPLATE = "monitoring/pdf/municipality_report.html"


def render_report_html(*, board: Dashboard, today: datetime.date) -> str:
    with translation.override("de"):
        context = {
            "board": board,
            "columns": quarter_labels(board),
            "today": today,
            "note": str(SUPPRESSION_NOTE),
        }
        return render_to_string(TEMPLATE, context)


def render_report(*, board: Dashboard, today: datetime.date) -> bytes:
    return html_to_pdf(render_report_html(board=board, today=today))


def report_filename(board: Dashboard, today: datetime.date) -> str:
    period = board.period
    if (
        period.start
        and period.end
        and period.start.year == period.end.year
        and (
            (period.start.month, period.start.day, period.end.month, period.end.day)
            == (1, 1, 12, 31)
        )
    ):
        span = str(period.start.year)
    else:
        span = "-".join(d.isoformat() for d in (period.start, period.end) if d) or today.isoformat()
    return f"Bericht-{slugify(board.municipality.name)}-{span}.pdf"
