"""The monthly checks' pages: the history of every 15th against the standard (a quarter's
months on demand), the check's settings, one month's rates and loans in arrears, and its
quality measures.

A check is the network's: its totals are shown to everyone who may see the checks, labelled
as the network's figure; the rows per quarter and the loans come through the scope (an
advisor sees their quarters'). A quarter picked that the user may not see answers 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from miqua.audit.read_cache import KeptPage, cached_read
from miqua.csv_export import Column, csv_response, rows_of, wants_csv
from miqua.forms import apply_validation_error
from quarters.models import Quarter

from . import selectors
from .check_forms import CheckSettingsForm, QualityMeasureForm
from .models import LoanSnapshot, MonthlyCheck, QualityMeasure
from .quality_services import check_settings_update, quality_measure_close, quality_measure_record
from .quarter_param import picked_quarter, picker_quarters
from .services import disruption_standard_percent

ARREARS_PAGE_SIZE = 50
# The check page's table of quarters (`?format=csv&table=quarters`); the loans in arrears are
# the default table of its file.
QUARTERS_TABLE = "quarters"


def _check_may_see_checks(request: HttpRequest) -> None:
    if not request.user.has_perm("monitoring.view_checks"):
        raise PermissionDenied


def _sees_every_quarter(request: HttpRequest) -> bool:
    return bool(request.user.is_network_staff)


def _rate_columns(first: str) -> list[Column[selectors.Rate]]:
    """A table of rates (per quarter, per month), as the page shows it."""
    return [
        Column(first, lambda rate: rate.label),
        Column(_("Active loans"), lambda rate: rate.active),
        Column(_("Disrupted"), lambda rate: rate.disrupted),
        Column(_("Rate (%)"), lambda rate: rate.percent),
        Column(_("Standard (%)"), lambda rate: rate.standard),
        Column(_("Above the standard"), lambda rate: rate.above),
    ]


def _month_rate(as_of: datetime.date, rate: selectors.Rate) -> selectors.Rate:
    return selectors.Rate(
        date_format(as_of, "SHORT_DATE_FORMAT"), rate.active, rate.disrupted, rate.standard
    )


def _check_list_csv(request: HttpRequest, quarter: Quarter | None) -> HttpResponse:
    """The months of the list as a file: the picked quarter's rates, else the rates the page
    shows (the network's for the back office, the own quarters' for an advisor) with the
    month's quality measures."""
    if quarter is not None:
        months = selectors.quarter_rate_history(quarter=quarter)
        return csv_response(
            rows=[_month_rate(month.check.as_of, month.rate) for month in months],
            columns=_rate_columns(_("As of")),
            name=f"{_('Monthly checks')} {quarter.name}",
        )
    rows = selectors.checks_overview(own_quarters=not _sees_every_quarter(request))
    columns: list[Column[selectors.CheckRow]] = [
        Column(_("As of"), lambda row: row.check.as_of),
        *[
            Column(column.header, lambda row, column=column: column.value(row.own or row.total))
            for column in _rate_columns("")[1:]
        ],
        Column(_("Rate of the whole network (%)"), lambda row: row.total.percent),
        Column(_("Quality measures"), lambda row: row.measures),
        Column(_("Open quality measures"), lambda row: row.open_measures),
    ]
    return csv_response(rows=rows, columns=columns, name=_("Monthly checks"))


def _settings_form() -> CheckSettingsForm:
    kept = selectors.check_settings()
    return CheckSettingsForm(
        initial={
            "standard_percent": disruption_standard_percent(),
            "start_month": kept.start_month if kept else None,
        }
    )


def render_check_list(
    request: HttpRequest, *, status: int = 200, settings_form: CheckSettingsForm | None = None
) -> HttpResponse:
    _check_may_see_checks(request)
    every_quarter = _sees_every_quarter(request)
    quarter = picked_quarter(request)
    if wants_csv(request) and settings_form is None:
        return _check_list_csv(request, quarter)
    may_change_settings = request.user.has_perm("monitoring.change_check_settings")
    if may_change_settings and settings_form is None:
        settings_form = _settings_form()
    # The months checked change once a month: read once per scope and change.
    figures = cached_read(
        "check-list",
        lambda: {
            "rows": selectors.checks_overview(own_quarters=not every_quarter),
            "quarter_months": selectors.quarter_rate_history(quarter=quarter) if quarter else None,
            "ever_disrupted_share": selectors.ever_disrupted_share(),
            "closed_repaid_share": selectors.closed_repaid_share(),
        },
        day=timezone.localdate(),
        parts=(every_quarter, quarter.pk if quarter else ""),
    )
    return render(
        request,
        "monitoring/check_list.html",
        {
            **figures,
            "every_quarter": every_quarter,
            "quarters": picker_quarters(),
            "quarter": quarter,
            "settings_form": settings_form if may_change_settings else None,
            "standard_percent": disruption_standard_percent(),
        },
        status=status,
    )


@login_required
@require_safe
def check_list(request: HttpRequest) -> HttpResponse:
    """Every 15th checked, newest first, against the standard; `?quarter=<id>` shows that
    quarter's months."""
    return render_check_list(request)


@login_required
@require_POST
def check_settings(request: HttpRequest) -> HttpResponse:
    """Staff set the standard and the first month to check; a bad input shows the list again
    with what was typed."""
    if not request.user.has_perm("monitoring.change_check_settings"):
        raise PermissionDenied
    form = CheckSettingsForm(request.POST)
    if form.is_valid():
        try:
            check_settings_update(
                standard_percent=form.cleaned_data["standard_percent"],
                start_month=form.cleaned_data["start_month"],
                actor=request.user,
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(request, _("The settings of the monthly check are saved."))
            return redirect(reverse("check_list") + "#settings")
    return render_check_list(request, status=400, settings_form=form)


def _check_for(as_of: object) -> MonthlyCheck:
    check = selectors.check_for_month(as_of=as_of)  # type: ignore[arg-type]
    if check is None:
        raise Http404
    return check


def _check_figures(*, check: MonthlyCheck, every_quarter: bool, page: str) -> dict[str, object]:
    quarter_rates = selectors.rates_by_quarter(check=check)
    municipalities = selectors.rates_by_municipality(check=check) if every_quarter else None
    arrears = Paginator(selectors.arrears_of_check(check=check), ARREARS_PAGE_SIZE).get_page(page)
    return {
        "total": selectors.rate_total(check=check),
        "own": None if every_quarter else selectors.own_rate(check=check),
        "inside_outside": list(selectors.rates_inside_outside(check=check))
        if every_quarter
        else None,
        "municipalities": municipalities,
        "quarter_rates": quarter_rates,
        "quarter_rows": render_to_string(RATE_ROWS, {"rates": quarter_rates}),
        "municipality_rows": render_to_string(RATE_ROWS, {"rates": municipalities or []}),
        "arrears": KeptPage.of(arrears),
    }


RATE_ROWS = "monitoring/_rate_rows.html"


def render_check_detail(
    request: HttpRequest,
    check: MonthlyCheck,
    *,
    status: int = 200,
    measure_form: QualityMeasureForm | None = None,
    close_error: tuple[int, list[str]] | None = None,
) -> HttpResponse:
    every_quarter = _sees_every_quarter(request)
    may_record = request.user.has_perm("monitoring.record_quality_measure")
    if may_record and measure_form is None and check.requires_qa:
        measure_form = QualityMeasureForm()
    page = request.GET.get("page", "")
    page = page if page.isdigit() and len(page) <= 6 else ""
    # A check's figures stay as they were on its 15th: read and rendered once per scope (the
    # back office's table has a row for each of the network's quarters).
    figures = cached_read(
        "check",
        lambda: _check_figures(check=check, every_quarter=every_quarter, page=page),
        day=timezone.localdate(),
        parts=(check.pk, every_quarter, page),
    )
    return render(
        request,
        "monitoring/check_detail.html",
        {
            "check": check,
            "every_quarter": every_quarter,
            **figures,
            "page_obj": figures["arrears"].page(),
            "measures": selectors.measures_of_check(check=check),
            "measure_form": measure_form if may_record else None,
            "may_close": may_record,
            "close_error": close_error,
        },
        status=status,
    )


@login_required
@require_safe
def check_detail(request: HttpRequest, as_of: object) -> HttpResponse:
    """One 15th: the rates against the standard, the loans in arrears that day and the
    month's quality measures."""
    _check_may_see_checks(request)
    check = _check_for(as_of)
    if wants_csv(request):
        return _check_detail_csv(request, check)
    return render_check_detail(request, check)


def _check_detail_csv(request: HttpRequest, check: MonthlyCheck) -> HttpResponse:
    """One of the check's tables as a file: `table=quarters`, the rate of each quarter of the
    scope; else the loans in arrears that day (of the scope), every one of them."""
    day = date_format(check.as_of, "SHORT_DATE_FORMAT")
    if request.GET.get("table") == QUARTERS_TABLE:
        return csv_response(
            rows=selectors.rates_by_quarter(check=check),
            columns=_rate_columns(_("Quarter")),
            name=f"{_('Rates per quarter')} {day}",
        )
    columns: list[Column[LoanSnapshot]] = [
        Column(_("Contract"), lambda snapshot: snapshot.loan.contract_number),
        Column(_("Borrower"), lambda snapshot: snapshot.loan.borrower.full_name),
        Column(
            _("Quarter"),
            lambda snapshot: (
                snapshot.quarter.name if snapshot.quarter else _("outside the quarters")
            ),
        ),
        Column(_("In arrears"), lambda snapshot: snapshot.amount_in_arrears),
        Column(_("Oldest unpaid due on"), lambda snapshot: snapshot.oldest_unpaid_due_on),
        Column(_("Days past due"), lambda snapshot: snapshot.days_past_due),
    ]
    return csv_response(
        rows=rows_of(selectors.arrears_of_check(check=check)),
        columns=columns,
        name=f"{_('Loans in arrears')} {day}",
    )


def _detail_url(check: MonthlyCheck, anchor: str = "") -> str:
    return reverse("check_detail", kwargs={"as_of": check.as_of}) + anchor


@login_required
@require_POST
def quality_measure_record_view(request: HttpRequest, as_of: object) -> HttpResponse:
    _check_may_see_checks(request)
    check = _check_for(as_of)
    if not request.user.has_perm("monitoring.record_quality_measure"):
        raise PermissionDenied
    form = QualityMeasureForm(request.POST)
    if form.is_valid():
        try:
            quality_measure_record(check=check, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(request, _("The quality measure is recorded."))
            return redirect(_detail_url(check, "#measures"))
    return render_check_detail(request, check, status=400, measure_form=form)


@login_required
@require_POST
def quality_measure_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    _check_may_see_checks(request)
    measure = get_object_or_404(QualityMeasure.objects.select_related("check_run"), pk=pk)
    if not request.user.has_perm("monitoring.record_quality_measure"):
        raise PermissionDenied
    check = measure.check_run
    try:
        quality_measure_close(measure=measure, actor=request.user)
    except ValidationError as e:
        return render_check_detail(request, check, status=400, close_error=(pk, e.messages))
    messages.success(request, _("The quality measure is closed."))
    return redirect(_detail_url(check, "#measures"))
