"""Dates must be plausible for what they are: no contribution paid in the year 1, no business
founded in 9999, no borrower aged 3 or 250; a partner pays only into its own municipality's
funds; digits of other scripts are read on purpose."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from credits.forms import BorrowerForm, BusinessForm
from guarantors.forms import GuaranteeForm
from miqua.forms import BirthDateField, DateField, years_after, years_before
from quarters.forms import ContributionForm
from quarters.models import FundContribution, Organisation
from quarters.services import contribution_record

TODAY = timezone.localdate


def _field_error(form, name: str) -> list[str]:
    assert not form.is_valid()
    return [e.code for e in form.errors.as_data()[name]]


# --- the shared fields ---------------------------------------------------------------------


def test_a_date_field_refuses_a_date_outside_its_range_with_the_bounds_in_the_message():
    field = DateField(earliest=datetime.date(2000, 1, 1), latest=datetime.date(2020, 12, 31))
    with override("en"):
        with pytest.raises(ValidationError) as early:
            field.clean("1999-12-31")
        with pytest.raises(ValidationError) as late:
            field.clean("2021-01-01")
        assert field.clean("2000-01-01") == datetime.date(2000, 1, 1)
        assert field.clean("2020-12-31") == datetime.date(2020, 12, 31)
    assert early.value.code == "too_early"
    assert "01.01.2000" in early.value.messages[0]
    assert late.value.code == "too_late"
    assert "31.12.2020" in late.value.messages[0]


def test_the_range_messages_speak_german_on_german_pages():
    field = DateField(earliest=datetime.date(2000, 1, 1), latest=datetime.date(2020, 12, 31))
    with override("de"):
        with pytest.raises(ValidationError) as early:
            field.clean("1999-12-31")
        with pytest.raises(ValidationError) as late:
            field.clean("2021-01-01")
    assert early.value.messages == [
        "Bitte prüfen Sie das Datum: Es kann nicht vor dem 01.01.2000 liegen."
    ]
    assert late.value.messages == [
        "Bitte prüfen Sie das Datum: Es kann nicht nach dem 31.12.2020 liegen."
    ]


def test_the_date_picker_offers_only_the_plausible_range():
    field = DateField(earliest=datetime.date(2000, 1, 1), latest=TODAY)
    html = field.widget.render("day", None)
    assert 'min="2000-01-01"' in html
    assert f'max="{TODAY().isoformat()}"' in html
    assert 'type="date"' in html


# Arabic-Indic digits, the way a phone set to Arabic types them.
ARABIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))
FULLWIDTH = str.maketrans(
    "0123456789-.", "".join(chr(0xFF10 + d) for d in range(10)) + "\uff0d\uff0e"
)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "typed",
    [
        "15.02.1980".translate(ARABIC),
        "1980-02-15".translate(ARABIC),
        "1980-02-15".translate(FULLWIDTH),
        "15.02.1980".translate(FULLWIDTH),
    ],
)
def test_dates_in_the_digits_of_other_scripts_are_read_on_purpose(language, typed):
    assert not typed.isascii()
    with override(language):
        assert DateField().clean(typed) == datetime.date(1980, 2, 15)


@pytest.mark.parametrize("typed", ["15.02.1980\u00b2", "\u2160\u2161.02.1980", "1980-02-1x"])
def test_characters_that_are_no_decimal_digits_still_make_a_date_invalid(typed):
    with pytest.raises(ValidationError) as excinfo:
        DateField().clean(typed)
    assert excinfo.value.code == "invalid"


def test_years_before_handles_the_29th_of_february():
    assert years_before(datetime.date(2024, 2, 29), 1) == datetime.date(2023, 2, 28)
    assert years_after(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("age_days", "code"),
    [
        (-1, "future"),
        (0, "future"),
        ("17y364d", "too_young"),
        ("18y", None),
        ("100y", None),
        ("101y", "too_old"),
    ],
)
def test_a_date_of_birth_must_give_an_adult_of_a_plausible_age(age_days, code):
    today = TODAY()
    if isinstance(age_days, int):
        born = today - datetime.timedelta(days=age_days)
    elif age_days == "17y364d":
        born = years_before(today, 18) + datetime.timedelta(days=1)
    else:
        born = years_before(today, int(age_days[:-1]))
    field = BirthDateField()
    if code is None:
        assert field.clean(born.isoformat()) == born
    else:
        with pytest.raises(ValidationError) as excinfo:
            field.clean(born.isoformat())
        assert excinfo.value.code == code


@pytest.mark.parametrize("typed", ["0001-01-01", "01.01.0001", "9999-12-31", "31.12.9999"])
def test_a_date_of_birth_in_year_1_or_9999_is_refused(typed):
    with override("de"), pytest.raises(ValidationError) as excinfo:
        BirthDateField().clean(typed)
    assert excinfo.value.code in {"too_old", "future"}


# --- applications: the borrower, the business, the guarantor ------------------------------


def _borrower_form(born: str) -> BorrowerForm:
    return BorrowerForm(data={"first_name": "Ayşe", "last_name": "Öztürk", "date_of_birth": born})


def test_a_borrower_of_sixteen_is_refused():
    born = years_before(TODAY(), 16)
    assert _field_error(_borrower_form(born.isoformat()), "date_of_birth") == ["too_young"]


def test_the_borrowers_date_of_birth_is_refused_in_year_1():
    assert _field_error(_borrower_form("0001-01-01"), "date_of_birth") == ["too_old"]


def test_a_guarantors_date_of_birth_is_checked_too(network):
    with scopes_disabled():
        form = GuaranteeForm(
            data={
                "first_name": "Hakan",
                "last_name": "Öztürk",
                "date_of_birth": "9999-12-31",
                "relation": "Bruder",
                "amount": "1.000",
            },
            application=network.own_application,
        )
        assert "future" in _field_error(form, "date_of_birth")


@pytest.mark.parametrize(
    ("founded", "code"),
    [
        ("0001-01-01", "too_early"),
        ("1899-12-31", "too_early"),
        ("1900-01-01", None),
        ("today", None),
        ("in 2 years", None),
        ("in 2 years and a day", "too_late"),
        ("9999-12-31", "too_late"),
    ],
)
def test_a_founding_date_lies_between_1900_and_a_start_up_planned_two_years_ahead(founded, code):
    in_two_years = years_after(TODAY(), 2)
    day = {
        "today": TODAY().isoformat(),
        "in 2 years": in_two_years.isoformat(),
        "in 2 years and a day": (in_two_years + datetime.timedelta(days=1)).isoformat(),
    }.get(founded, founded)
    form = BusinessForm(data={"founded_on": day})
    if code is None:
        assert form.is_valid(), form.errors
    else:
        assert _field_error(form, "founded_on") == [code]


def test_the_business_step_refuses_the_year_9999_and_says_why(network):
    client = Client()
    client.force_login(network.advisor)

    response = client.post(
        reverse("application_edit", args=[network.own_application.pk, "business"]),
        {"business_name": "Kiosk", "founded_on": "9999-12-31"},
    )

    assert response.status_code == 400
    assert "founded_on" in response.context["form"].errors
    assert "Jahr" in response.context["form"].errors["founded_on"][0]


# --- fund contributions ----------------------------------------------------------------------


@pytest.fixture
def partners(network):
    """A partner of Offenbach (the own quarter's municipality), one of Duisburg (the foreign
    one) and one that works network-wide."""
    with scopes_disabled():
        own = Organisation.objects.create(
            name="Sparkasse Offenbach",
            kind=Organisation.Kind.SAVINGS_BANK,
            municipality=network.own_quarter.municipality,
        )
        foreign = Organisation.objects.create(
            name="Sparkasse Duisburg",
            kind=Organisation.Kind.SAVINGS_BANK,
            municipality=network.foreign_quarter.municipality,
        )
        network_wide = Organisation.objects.create(
            name="Stiftung Mikrokredit", kind=Organisation.Kind.OTHER, municipality=None
        )
    return own, foreign, network_wide


def _contribution_form(network, partner, paid_on="2012-09-14") -> ContributionForm:
    return ContributionForm(
        data={"partner": str(partner.pk), "paid_on": paid_on, "amount": "5.000", "note": ""},
        quarter=network.own_quarter,
    )


def test_the_form_offers_own_and_network_wide_partners_only(network, partners):
    own, foreign, network_wide = partners
    offered = set(ContributionForm(quarter=network.own_quarter).fields["partner"].queryset)
    assert own in offered
    assert network_wide in offered
    assert foreign not in offered


def test_the_form_refuses_a_partner_of_another_municipality(network, partners):
    _own, foreign, _network_wide = partners
    assert _field_error(_contribution_form(network, foreign), "partner") == ["invalid_choice"]


@pytest.mark.parametrize(
    ("paid_on", "code"),
    [
        ("0001-01-01", "too_early"),
        ("01.01.0001", "too_early"),
        ("1999-12-31", "too_early"),
        ("9999-12-31", "too_late"),
        ("31.12.9999", "too_late"),
    ],
)
def test_the_form_refuses_an_implausible_payment_date(network, partners, paid_on, code):
    own, _foreign, _network_wide = partners
    with override("de"):
        assert _field_error(_contribution_form(network, own, paid_on), "paid_on") == [code]


def test_the_form_accepts_the_first_day_of_2000_and_today(network, partners):
    own, _foreign, _network_wide = partners
    assert _contribution_form(network, own, "2000-01-01").is_valid()
    assert _contribution_form(network, own, TODAY().isoformat()).is_valid()


def _record(network, partner, paid_on=datetime.date(2012, 9, 14)):
    with scope(quarter=None):
        return contribution_record(
            fund=network.own_fund,
            partner=partner,
            paid_on=paid_on,
            amount="5000.00",
            actor=network.staff,
        )


def test_the_service_refuses_a_partner_of_another_municipality(network, partners):
    _own, foreign, _network_wide = partners
    with override("en"), pytest.raises(ValidationError) as excinfo:
        _record(network, foreign)

    assert excinfo.value.error_dict["partner"][0].code == "foreign_partner"
    message = excinfo.value.message_dict["partner"][0]
    assert "Sparkasse Duisburg" in message
    assert "Duisburg" in message
    with scopes_disabled():
        assert not FundContribution.objects.filter(partner=foreign).exists()


def test_the_service_accepts_own_and_network_wide_partners(network, partners):
    own, _foreign, network_wide = partners
    assert _record(network, own).partner == own
    assert _record(network, network_wide).partner == network_wide


def test_the_service_refuses_a_payment_in_year_1(network, partners):
    own, _foreign, _network_wide = partners
    with pytest.raises(ValidationError) as excinfo:
        _record(network, own, paid_on=datetime.date(1, 1, 1))
    assert excinfo.value.error_dict["paid_on"][0].code == "too_early"


def test_the_quarter_page_offers_no_foreign_partner_and_refuses_one_posted(network, partners):
    _own, foreign, _network_wide = partners
    client = Client()
    client.force_login(network.staff)
    url = reverse("quarter_detail", args=[network.own_quarter.slug])

    page = client.get(url).content.decode()
    assert "Sparkasse Offenbach" in page
    assert "Sparkasse Duisburg" not in page

    response = client.post(
        reverse("contribution_create", args=[network.own_quarter.slug]),
        {"partner": foreign.pk, "paid_on": "2012-09-14", "amount": "5.000"},
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not FundContribution.objects.filter(partner=foreign).exists()
