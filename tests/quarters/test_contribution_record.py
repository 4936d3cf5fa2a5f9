"""Recording a partner's liability capital: the service `contribution_record` and the form that
feeds it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from miqua.audit.models import AuditEntry
from quarters.forms import ContributionForm
from quarters.models import FundContribution, Organisation
from quarters.services import contribution_record
from tests import factories

PAID_ON = datetime.date(2012, 9, 14)


@pytest.fixture
def partner(db) -> Organisation:
    with scopes_disabled():
        return factories.OrganisationFactory(
            name="Sparkasse Offenbach", kind=Organisation.Kind.SAVINGS_BANK
        )


def _record(network, partner, *, actor=None, amount="5000.00", paid_on=PAID_ON, note=""):
    with scope(quarter=None):
        return contribution_record(
            fund=network.own_fund,
            partner=partner,
            paid_on=paid_on,
            amount=amount,
            note=note,
            actor=actor or network.staff,
        )


def _counts() -> tuple[int, int]:
    with scopes_disabled():
        return FundContribution.objects.count(), AuditEntry.objects.count()


def test_staff_records_a_contribution(network, partner):
    contribution = _record(network, partner, amount="7500.50", note="Zweite Rate")

    with scopes_disabled():
        contribution.refresh_from_db()
    assert contribution.fund == network.own_fund
    assert contribution.partner == partner
    assert contribution.paid_on == PAID_ON
    assert contribution.amount == Decimal("7500.50")
    assert contribution.note == "Zweite Rate"
    assert contribution.recorded_by == network.staff


def test_recording_writes_an_audit_entry_with_actor_action_and_quarter(network, partner):
    contribution = _record(network, partner, amount=Decimal("7500.50"))

    with scopes_disabled():
        entry = AuditEntry.objects.get()
    assert entry.actor == network.staff
    assert entry.action == "fund.contribution_recorded"
    assert entry.quarter == network.own_quarter
    assert entry.object_type == "quarters.liabilityfund"
    assert entry.object_id == str(contribution.fund_id)
    assert entry.changes["amount"] == "7500.50"
    assert entry.changes["partner"] == "Sparkasse Offenbach"
    assert entry.changes["paid_on"] == "2012-09-14"


def test_the_audit_entry_stays_in_the_funds_quarter(network, partner):
    _record(network, partner)

    with scope(quarter=[network.foreign_quarter.pk]):
        assert not AuditEntry.objects.exists()
    with scope(quarter=[network.own_quarter.pk]):
        assert AuditEntry.objects.count() == 1


def test_administrator_may_record_too(network, partner):
    contribution = _record(network, partner, actor=network.administrator)

    assert contribution.recorded_by == network.administrator


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "not_positive"),
        ("-1", "not_positive"),
        ("0.001", "too_many_decimals"),
        ("12.345", "too_many_decimals"),
        (Decimal("0.00"), "not_positive"),
        ("abc", "invalid"),
    ],
)
def test_it_refuses_an_amount_that_is_not_positive_euros_and_cents(network, partner, amount, code):
    before = _counts()

    with override("en"), pytest.raises(ValidationError) as excinfo:
        _record(network, partner, amount=amount)

    assert set(excinfo.value.error_dict) == {"amount"}
    assert excinfo.value.error_dict["amount"][0].code == code
    message = excinfo.value.message_dict["amount"][0]
    # A sentence for a person, not an exception's repr.
    assert message.endswith(".")
    assert "Decimal" not in message
    assert "InvalidOperation" not in message
    assert _counts() == before


def test_it_says_why_a_third_decimal_is_refused(network, partner):
    with override("en"), pytest.raises(ValidationError) as excinfo:
        _record(network, partner, amount="12.345")

    assert "two decimal places" in excinfo.value.message_dict["amount"][0]


def test_it_refuses_a_future_date(network, partner):
    before = _counts()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with override("en"), pytest.raises(ValidationError) as excinfo:
        _record(network, partner, paid_on=tomorrow)

    assert set(excinfo.value.error_dict) == {"paid_on"}
    assert excinfo.value.error_dict["paid_on"][0].code == "future"
    assert "future" in excinfo.value.message_dict["paid_on"][0]
    assert _counts() == before


def test_it_accepts_today(network, partner):
    contribution = _record(network, partner, paid_on=timezone.localdate())

    assert contribution.paid_on == timezone.localdate()


def test_it_reports_amount_and_date_together(network, partner):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        _record(network, partner, amount="0", paid_on=tomorrow)

    assert set(excinfo.value.message_dict) == {"amount", "paid_on"}


@pytest.mark.parametrize("who", ["advisor", "municipality_viewer", "committee_member"])
def test_it_refuses_non_staff_and_writes_nothing(network, partner, who):
    before = _counts()

    with pytest.raises(PermissionDenied):
        _record(network, partner, actor=getattr(network, who))

    assert _counts() == before


# --- the form ------------------------------------------------------------------------------


def _form(partner, amount: str) -> ContributionForm:
    with scopes_disabled():
        quarter = factories.QuarterFactory()
    return ContributionForm(
        data={"partner": str(partner.pk), "paid_on": "2012-09-14", "amount": amount, "note": ""},
        quarter=quarter,
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5.000,00", "5000.00"),
        ("5.000", "5000.00"),
        ("499,99", "499.99"),
        ("5.000,00 €", "5000.00"),
    ],
)
def test_form_reads_german_amounts(partner, typed, expected):
    with override("de"):
        form = _form(partner, typed)
        assert form.is_valid(), form.errors

    amount = form.cleaned_data["amount"]
    assert amount == Decimal(expected)
    assert str(amount) == expected
    assert form.cleaned_data["paid_on"] == PAID_ON
    assert form.cleaned_data["partner"] == partner


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        # 12.345 EUR in German, twelve thousand in English: refused, not guessed
        ("12,345", "ambiguous"),
        ("abc", "invalid"),
        ("0", "not_positive"),
        ("-5", "not_positive"),
        ("1,000.50", "invalid"),  # English grouping in a German form
    ],
)
def test_form_refuses_amounts_on_the_amount_field_and_keeps_what_was_typed(partner, typed, code):
    with override("de"):
        form = _form(partner, typed)
        assert not form.is_valid()

        assert set(form.errors) == {"amount"}
        assert [e.code for e in form.errors.as_data()["amount"]] == [code]
        assert form.errors["amount"][0]
        assert form.data["amount"] == typed
        assert form["amount"].value() == typed
        assert f'value="{typed}"' in form["amount"].as_widget()


def test_form_says_why_a_third_decimal_is_refused(partner):
    # English, because the German catalog may translate the message; "12.345" is 12.345 there.
    with override("en"):
        form = _form(partner, "12.345")
        assert not form.is_valid()

        assert "two decimal places" in form.errors["amount"][0]
