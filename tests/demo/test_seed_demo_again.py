"""`manage.py seed_demo` run again: a second run changes nothing, edits and a network already
partly there survive; and the seed's own commit sends no mail. Each test seeds for itself (the
tests that only read one seed share it in test_seed_demo.py)."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django_scopes import scopes_disabled

from committees.models import Ballot
from credits.models import Application, LoanProduct
from guarantors.models import Guarantee
from miqua.accounts.models import User
from quarters.models import LiabilityFund, Municipality, Quarter
from tests.demo.test_seed_demo import QUARTERS
from tests.demo_seed import shorten_history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_loan_history(monkeypatch):
    """The whole loan history takes half a minute to seed and is measured on its own
    (test_loan_history.py); here the demo has a short one (tests/demo_seed.py)."""
    shorten_history(monkeypatch)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _models():
    for label in ("quarters", "accounts", "committees", "audit", "credits", "guarantors"):
        # include_auto_created: the advisors' quarters live in a many-to-many table.
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def row_counts() -> dict[str, int]:
    with scopes_disabled():
        return {m._meta.label: m._base_manager.count() for m in _models()}


def snapshot() -> dict[str, list[tuple]]:
    """Every value of every row, in primary key order."""
    with scopes_disabled():
        return {
            m._meta.label: list(m._base_manager.order_by("pk").values_list()) for m in _models()
        }


def test_seed_demo_sends_no_mail_for_its_ballots(transactional_db):
    # Transactional: the seed's own transaction commits, and with it the ballots' mail would
    # leave.
    seed()

    with scopes_disabled():
        # The two ballots of the demo and the three meetings that decided applications.
        assert Ballot.objects.count() == 5
    assert mail.outbox == []


def test_seed_demo_twice_changes_nothing():
    first = seed()
    counts, values = row_counts(), snapshot()
    for label in (
        "credits.Application",
        "credits.Borrower",
        "credits.Loan",
        "credits.LoanProduct",
        "credits.ApplicationTransition",
        "guarantors.Guarantor",
        "guarantors.Guarantee",
        "audit.AuditEntry",
        "committees.Ballot",
        "committees.BallotCase",
        "committees.Vote",
        "credits.CapacityReservation",
    ):
        assert counts[label] > 0, label

    second = seed()

    assert row_counts() == counts
    assert snapshot() == values
    created = int(re.search(r"created (\d+) objects, 0 already present", first).group(1))
    assert f"created 0 objects, {created} already present" in second


def test_seed_demo_keeps_a_changed_password_and_edited_data():
    seed()
    with scopes_disabled():
        user = User.objects.get(email="advisor.offenbach@miqua.example")
        user.set_password("my-own-password")
        user.full_name = "Julia Brandt-Özdemir"
        user.save()
        fund = LiabilityFund.objects.get(quarter__slug="kiel-gaarden")
        fund.name = "Haftungsfonds Gaarden"
        fund.save()

    seed()

    assert authenticate(email=user.email, password="my-own-password") is not None
    assert authenticate(email=user.email, password="miqua-demo") is None
    with scopes_disabled():
        assert User.objects.get(pk=user.pk).full_name == "Julia Brandt-Özdemir"
        assert LiabilityFund.objects.get(pk=fund.pk).name == "Haftungsfonds Gaarden"


def test_seed_demo_completes_a_network_that_already_has_some_of_it(network):
    # The conftest network already holds Offenbach, Duisburg-Hochfeld, a staff user, the
    # network's loan product and a draft in each of the two quarters.
    seed()

    with scopes_disabled():
        assert Municipality.objects.filter(slug="offenbach").count() == 1
        assert Quarter.objects.filter(slug="duisburg-hochfeld").count() == 1
        assert set(QUARTERS["duisburg"]) <= set(Quarter.objects.values_list("slug", flat=True))
        assert LoanProduct.objects.filter(quarter__isnull=True, is_active=True).count() == 1
        assert Application.objects.filter(pk=network.own_application.pk).exists()
        assert Application.objects.filter(loan__isnull=True).count() == 2 + 11
    counts = row_counts()

    seed()

    assert row_counts() == counts


def test_seed_demo_skips_an_application_that_exists_and_brings_back_a_deleted_one():
    seed()
    with scopes_disabled():
        draft = Application.objects.get(business_name="Fahrradwerkstatt Kowalczyk")
        services_made = Guarantee.objects.filter(application=draft).count()
        draft.guarantees.all().delete()
        draft.delete()
        kept = Application.objects.get(business_name="Kiosk am Wilhelmsplatz")
        kept.purpose = "Geändert von Hand"
        kept.save()

    out = seed()

    with scopes_disabled():
        again = Application.objects.get(business_name="Fahrradwerkstatt Kowalczyk")
        assert Guarantee.objects.filter(application=again).count() == services_made
        assert Application.objects.get(pk=kept.pk).purpose == "Geändert von Hand"
        # The person was known: the new draft is theirs, not a second record of them.
        assert again.borrower_id == draft.borrower_id
    assert re.search(r"created 1 objects, \d+ already present", out)
