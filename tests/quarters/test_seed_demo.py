"""`manage.py seed_demo` builds the demo network of DOMAIN.md, and a second run changes nothing."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django_scopes import scopes_disabled

from committees.models import Committee, CommitteeMembership
from miqua.accounts.models import Role, User
from miqua.accounts.scoping import visible_quarter_ids
from quarters.models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter
from quarters.selectors import fund_figures_for

pytestmark = pytest.mark.django_db

QUARTERS = {
    "offenbach": {"offenbach-oestliche-innenstadt"},
    "duisburg": {"duisburg-hochfeld", "duisburg-marxloh"},
    "gelsenkirchen": {"gelsenkirchen-sued-ost"},
    "leipzig": {"leipzig-eisenbahnstrasse", "leipzig-gruenau"},
    "kiel": {"kiel-gaarden"},
    "nuernberg": {"nuernberg-suedstadt"},
    "pforzheim": {"pforzheim-weststadt"},
}

FUND_PARTNERS = {
    "offenbach-oestliche-innenstadt": {
        "Stadt Offenbach",
        "Sparkasse Offenbach",
        "IHK Offenbach",
        "GBO",
    },
    "duisburg-hochfeld": {"Stadt Duisburg", "Sparkasse Duisburg", "EG DU"},
    "duisburg-marxloh": {"Stadt Duisburg", "Sparkasse Duisburg", "EG DU"},
    "gelsenkirchen-sued-ost": {"Stadt Gelsenkirchen"},
    "leipzig-eisenbahnstrasse": {"Stadt Leipzig", "Sparkasse Leipzig"},
    "leipzig-gruenau": {"Stadt Leipzig", "Sparkasse Leipzig"},
    "kiel-gaarden": {"Landeshauptstadt Kiel"},
    "nuernberg-suedstadt": {"Stadt Nürnberg"},
    "pforzheim-weststadt": {"Sparkasse Pforzheim", "GBE"},
}

USERS = {
    "admin@miqua.example": Role.ADMINISTRATOR,
    "staff@kiz.example": Role.STAFF,
    "advisor.offenbach@miqua.example": Role.ADVISOR,
    "advisor.duisburg@miqua.example": Role.ADVISOR,
    "committee.offenbach@miqua.example": Role.COMMITTEE_MEMBER,
    "city.leipzig@miqua.example": Role.MUNICIPALITY_VIEWER,
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _models():
    for label in ("quarters", "accounts", "committees", "audit"):
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


def test_seed_demo_creates_the_seven_municipalities_and_their_quarters():
    seed()

    with scopes_disabled():
        found = {
            m.slug: set(m.quarters.values_list("slug", flat=True))
            for m in Municipality.objects.all()
        }
        names = set(Municipality.objects.values_list("name", flat=True))
        oestliche = Quarter.objects.get(slug="offenbach-oestliche-innenstadt")
    assert found == QUARTERS
    assert "Offenbach am Main" in names
    assert "Nürnberg" in names
    assert oestliche.name == "Östliche Innenstadt"


def test_seed_demo_gives_every_quarter_a_fund_with_leverage_five_and_a_committee():
    seed()

    with scopes_disabled():
        for quarter in Quarter.objects.all():
            assert quarter.fund.leverage_factor == Decimal("5.00")
            assert quarter.fund.name.startswith("Lokaler Haftungsfonds ")
            assert Committee.objects.filter(quarter=quarter).count() == 1
        assert not Committee.objects.filter(quarter__isnull=True).exists()


def test_seed_demo_funds_hold_the_partners_contributions_from_2009():
    seed()

    with scopes_disabled():
        for slug, partners in FUND_PARTNERS.items():
            contributions = FundContribution.objects.filter(fund__quarter__slug=slug)
            assert set(contributions.values_list("partner__name", flat=True)) == partners
            assert {c.paid_on.year for c in contributions} == {2009}
        first = FundContribution.objects.order_by("paid_on").first()
    assert first.fund.quarter.slug == "offenbach-oestliche-innenstadt"
    assert (first.paid_on.year, first.paid_on.month) == (2009, 2)


def test_seed_demo_has_the_microfinancier_and_the_bank_network_wide():
    seed()

    with scopes_disabled():
        kiz = Organisation.objects.get(name="KIZ")
        gls = Organisation.objects.get(name="GLS Bank")
    assert (kiz.kind, kiz.municipality) == (Organisation.Kind.MICROFINANCIER, None)
    assert (gls.kind, gls.municipality) == (Organisation.Kind.BANK, None)


def test_seed_demo_every_fund_has_20_to_25_thousand_capital_and_five_times_capacity():
    seed()

    with scopes_disabled():
        funds = list(LiabilityFund.objects.all())
        figures = fund_figures_for(funds=funds)
    assert len(funds) == 9
    for fund in funds:
        f = figures[fund.pk]
        assert Decimal("20000.00") <= f.paid_in_capital <= Decimal("25000.00"), fund.name
        assert isinstance(f.paid_in_capital, Decimal)
        assert f.lending_capacity == 5 * f.paid_in_capital
        assert f.available_capacity == f.lending_capacity


def test_seed_demo_creates_the_six_users_with_their_roles():
    seed()

    with scopes_disabled():
        users = {u.email: u for u in User.objects.all()}
    assert {email: users[email].role for email in USERS} == USERS
    assert set(users) == set(USERS)
    for user in users.values():
        assert user.language == "de"
        assert len(user.full_name.split()) >= 2
    assert users["admin@miqua.example"].is_superuser
    assert not users["staff@kiz.example"].is_superuser
    assert users["staff@kiz.example"].organisation.name == "KIZ"


@pytest.mark.parametrize("email", USERS)
def test_seed_demo_users_log_in_with_the_demo_password(email):
    seed()

    user = authenticate(email=email, password="miqua-demo")

    assert user is not None
    assert user.email == email
    assert authenticate(email=email, password="wrong-password") is None


def test_seed_demo_users_see_what_their_role_promises():
    seed()

    with scopes_disabled():
        users = {u.email: u for u in User.objects.all()}
        slugs = dict(Quarter.objects.values_list("pk", "slug"))

    def sees(email):
        ids = visible_quarter_ids(users[email])
        return None if ids is None else {slugs[pk] for pk in ids}

    assert sees("admin@miqua.example") is None
    assert sees("staff@kiz.example") is None
    assert sees("advisor.offenbach@miqua.example") == {"offenbach-oestliche-innenstadt"}
    assert sees("advisor.duisburg@miqua.example") == QUARTERS["duisburg"]
    assert sees("committee.offenbach@miqua.example") == {"offenbach-oestliche-innenstadt"}
    assert sees("city.leipzig@miqua.example") == QUARTERS["leipzig"]


def test_seed_demo_committee_member_sits_for_sparkasse_offenbach_since_2009():
    seed()

    with scopes_disabled():
        membership = CommitteeMembership.objects.select_related(
            "member", "organisation", "committee__quarter"
        ).get()
    assert membership.member.email == "committee.offenbach@miqua.example"
    assert membership.member.organisation.name == "Sparkasse Offenbach"
    assert membership.organisation.name == "Sparkasse Offenbach"
    assert membership.committee.quarter.slug == "offenbach-oestliche-innenstadt"
    assert str(membership.starts_on) == "2009-01-01"
    assert membership.ends_on is None


def test_seed_demo_prints_the_logins_and_the_password():
    out = seed()

    for email in USERS:
        assert email in out
    assert "miqua-demo" in out
    assert re.search(r"created \d+ objects, 0 already present", out)


def test_seed_demo_twice_changes_nothing():
    first = seed()
    counts, values = row_counts(), snapshot()

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
    # The conftest network already holds Offenbach, Duisburg-Hochfeld and a staff user.
    seed()

    with scopes_disabled():
        assert Municipality.objects.filter(slug="offenbach").count() == 1
        assert Quarter.objects.filter(slug="duisburg-hochfeld").count() == 1
        assert set(QUARTERS["duisburg"]) <= set(Quarter.objects.values_list("slug", flat=True))
    counts = row_counts()

    seed()

    assert row_counts() == counts
