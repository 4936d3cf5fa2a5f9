"""The tenant boundary, walked: every URL of the project against every role.

Each URL name must be described in PAGES (or be an admin URL, walked generically). A URL that
carries a quarter's object is requested with a quarter the role may not see and must answer 404;
the same URL with the role's own quarter must work, so the 404 is not an accident of a broken
URL. Pages with personal data never answer 200 to a municipality viewer or a committee member.
Adding a URL without describing it here fails `test_every_url_is_covered`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from committees.models import Ballot, BallotCase, Committee
from credits.models import Application, ApplicationDocument
from guarantors.models import Guarantee
from miqua.accounts.models import Role, User
from miqua.audit.models import AuditEntry
from quarters.models import Organisation, Quarter

from . import factories
from .conftest import Network

# What the guarantee form takes for a new guarantor (see credits/forms.py).
GUARANTEE_FORM_DATA: dict[str, object] = {
    "first_name": "Fatma",
    "last_name": "Demir",
    "relation": "Schwester",
    "amount": "1.000",
}

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, "advisor", "committee_member", "municipality_viewer", "staff", "administrator"]
NETWORK_ROLES = frozenset({"staff", "administrator"})
ALL_SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}


@dataclass(frozen=True)
class Target:
    """One quarter's objects: what the arguments of a URL point at."""

    quarter: Quarter
    application: Application  # a complete draft with two guarantees
    submitted: Application  # waiting for the back office
    guarantee: Guarantee
    document: ApplicationDocument
    ballot: Ballot  # open, of the quarter's committee, with `submitted` as its case
    closed_ballot: Ballot


@dataclass(frozen=True)
class Page:
    # Builds the URL kwargs from one quarter's objects (None: the URL carries no object).
    kwargs: Callable[[Target], dict[str, object]] | None = None
    method: str = "get"
    data: Callable[[Target], dict[str, object]] | None = None
    # Roles that may use the page on what they can see; others get 403/404 (or the login).
    allowed: frozenset[str] = ALL_SIGNED_IN
    personal_data: bool = False
    # Account pages of allauth: reached by everyone, they carry no quarter's data.
    account_page: bool = False


def _slug(target: Target) -> dict[str, object]:
    return {"slug": target.quarter.slug}


def _application(target: Target) -> dict[str, object]:
    return {"pk": target.application.pk}


def _contribution(target: Target) -> dict[str, object]:
    with scopes_disabled():
        partner = Organisation.objects.first()
    return {
        "partner": str(partner.pk),
        "paid_on": date(2010, 1, 4).isoformat(),
        "amount": "1.000,00",
    }


def _pdf_upload(target: Target) -> dict[str, object]:
    return {"file": SimpleUploadedFile("Ausweis.pdf", TINY_PDF), "kind": "identity"}


def _ballot(target: Target) -> dict[str, object]:
    return {"pk": target.ballot.pk}


def _case(target: Target) -> dict[str, object]:
    with scopes_disabled():
        return {"pk": target.ballot.pk, "case_pk": target.ballot.cases.get().pk}


BALLOT_READERS = frozenset({"committee_member", "staff", "administrator"})
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ADVISOR_ONLY = frozenset({"advisor"})
APPLICATION_READERS = frozenset({"advisor"}) | NETWORK_ROLES
PERSONAL = {"personal_data": True}

ACCOUNT = Page(account_page=True)

PAGES: dict[str, Page] = {
    "home": Page(),
    "quarter_detail": Page(
        kwargs=_slug,
        allowed=frozenset({"advisor", "municipality_viewer", "staff", "administrator"}),
    ),
    "contribution_create": Page(
        kwargs=_slug,
        method="post",
        data=_contribution,
        allowed=frozenset(NETWORK_ROLES),
    ),
    "user_list": Page(allowed=frozenset(NETWORK_ROLES), personal_data=True),
    "user_invite": Page(allowed=frozenset(NETWORK_ROLES), personal_data=True),
    "language_set": Page(method="post", data=lambda target: {"language": "en", "next": "/"}),
    "application_list": Page(allowed=APPLICATION_READERS, **PERSONAL),
    "application_create": Page(allowed=ADVISOR_ONLY, **PERSONAL),
    "application_detail": Page(kwargs=_application, allowed=APPLICATION_READERS, **PERSONAL),
    "application_edit": Page(
        kwargs=lambda t: {"pk": t.application.pk, "step": "business"},
        allowed=ADVISOR_ONLY,
        **PERSONAL,
    ),
    "guarantee_add": Page(
        kwargs=_application,
        method="post",
        data=lambda t: GUARANTEE_FORM_DATA,
        allowed=ADVISOR_ONLY,
        **PERSONAL,
    ),
    "guarantee_remove": Page(
        kwargs=lambda t: {"pk": t.application.pk, "guarantee_pk": t.guarantee.pk},
        method="post",
        allowed=ADVISOR_ONLY,
        **PERSONAL,
    ),
    "document_upload": Page(
        kwargs=_application,
        method="post",
        data=_pdf_upload,
        allowed=APPLICATION_READERS,
        **PERSONAL,
    ),
    "document_download": Page(
        kwargs=lambda t: {"pk": t.application.pk, "document_pk": t.document.pk},
        allowed=APPLICATION_READERS,
        **PERSONAL,
    ),
    "application_transition": Page(
        kwargs=lambda t: {"pk": t.application.pk, "name": "submit"},
        method="post",
        allowed=ADVISOR_ONLY,
        **PERSONAL,
    ),
    "application_prepare": Page(
        kwargs=lambda t: {"pk": t.submitted.pk}, allowed=NETWORK_ROLES, **PERSONAL
    ),
    "ballot_list": Page(allowed=BALLOT_READERS),
    "ballot_create": Page(allowed=NETWORK_ROLES, **PERSONAL),
    "ballot_detail": Page(kwargs=_ballot, allowed=BALLOT_READERS),
    "vote_cast": Page(
        kwargs=_case,
        method="post",
        data=lambda t: {"choice": "approve", "comment": "Tragfähig."},
        allowed=frozenset({"committee_member"}),
    ),
    "case_recuse": Page(
        kwargs=_case,
        method="post",
        data=lambda t: {"reason": "Nachbar"},
        allowed=frozenset({"committee_member"}),
    ),
    "ballot_attendance": Page(
        kwargs=_ballot, method="post", data=lambda t: {"attendees": []}, allowed=NETWORK_ROLES
    ),
    "ballot_close": Page(kwargs=_ballot, method="post", allowed=NETWORK_ROLES),
    "ballot_minutes_pdf": Page(kwargs=lambda t: {"pk": t.closed_ballot.pk}, allowed=BALLOT_READERS),
    "decision_template_pdf": Page(kwargs=_application, allowed=APPLICATION_READERS, **PERSONAL),
    "account_login": ACCOUNT,
    "account_logout": ACCOUNT,
    "account_inactive": ACCOUNT,
    "account_signup": ACCOUNT,
    "account_reauthenticate": ACCOUNT,
    "account_email": ACCOUNT,
    "account_email_verification_sent": ACCOUNT,
    "account_change_password": ACCOUNT,
    "account_set_password": ACCOUNT,
    "account_reset_password": ACCOUNT,
    "account_confirm_login_code": ACCOUNT,
    "account_confirm_email": ACCOUNT,
    "account_reset_password_from_key_done": ACCOUNT,
    "account_reset_password_from_key": ACCOUNT,
    "account_reset_password_done": ACCOUNT,
}

# Dummy values for the path arguments of account pages (their own checks handle bad keys).
ACCOUNT_KWARGS = {
    "account_confirm_email": {"key": "not-a-key"},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "not-a-key"},
}


def _url_names(resolver: URLResolver, namespace: str | None = None) -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _url_names(pattern, ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                # An unnamed pattern cannot be reversed, so it cannot be walked either.
                yield f"{namespace or ''}:<unnamed {pattern.pattern}>"
            else:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _project_url_names() -> set[str]:
    return set(_url_names(get_resolver()))


def _is_admin(name: str) -> bool:
    return name.startswith("admin:")


def test_every_url_is_covered():
    names = {n for n in _project_url_names() if not _is_admin(n)}
    assert names - PAGES.keys() == set(), "describe these URLs in PAGES of test_isolation.py"
    assert PAGES.keys() - names == set(), "these PAGES entries no longer exist"


def _client_for(role: str, network: Network) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(network.users_by_role()[role])
    return client


def _request(client: Client, page: Page, target: Target):
    url = reverse(page_name(page), kwargs=page.kwargs(target) if page.kwargs else {})
    data = page.data(target) if page.data else {}
    return client.post(url, data) if page.method == "post" else client.get(url)


def page_name(page: Page) -> str:
    return next(name for name, p in PAGES.items() if p is page)


def _target(quarter: Quarter, advisor: User) -> Target:
    """A quarter's objects: a complete draft (two guarantees, a document) and a submitted
    application."""
    application = factories.ApplicationFactory(quarter=quarter, advisor=advisor)
    guarantee = factories.GuaranteeFactory(application=application)
    factories.GuaranteeFactory(application=application)
    submitted = factories.ApplicationFactory(
        quarter=quarter, advisor=advisor, status=Application.Status.SUBMITTED
    )
    document = ApplicationDocument(
        application=application,
        quarter=quarter,
        kind=ApplicationDocument.Kind.IDENTITY,
        original_name="Ausweis.pdf",
        content_type="application/pdf",
        size=len(TINY_PDF),
        uploaded_by=advisor,
    )
    document.file.save("Ausweis.pdf", ContentFile(TINY_PDF), save=True)
    committee = Committee.objects.filter(quarter=quarter).first() or factories.CommitteeFactory(
        quarter=quarter
    )
    ballots = []
    for closed in (False, True):
        ballot = Ballot.objects.create(
            committee=committee,
            kind=Ballot.Kind.WRITTEN,
            title=f"Umlaufverfahren {quarter.name}",
            deadline=timezone.now() + timedelta(days=7),
            opened_by=User.objects.filter(role=Role.STAFF).first(),
            status=Ballot.Status.CLOSED if closed else Ballot.Status.OPEN,
            closed_at=timezone.now() if closed else None,
        )
        BallotCase.objects.create(ballot=ballot, application=submitted, quarter=quarter)
        ballots.append(ballot)
    return Target(quarter, application, submitted, guarantee, document, *ballots)


@pytest.fixture
def targets(network, settings, tmp_path) -> dict[str, Target]:
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        sibling_advisor = factories.UserFactory(
            role=Role.ADVISOR, quarters=[network.sibling_quarter]
        )
        return {
            "own": _target(network.own_quarter, network.advisor),
            "sibling": _target(network.sibling_quarter, sibling_advisor),
            "foreign": _target(network.foreign_quarter, network.foreign_advisor),
        }


def _foreign_targets(role: str, targets: dict[str, Target]) -> list[Target]:
    """Quarters the role must not reach: the other municipality's always, and for an advisor
    or a committee member also the quarter of their own city that is not theirs."""
    if role in {"advisor", "committee_member"}:
        return [targets["foreign"], targets["sibling"]]
    return [targets["foreign"]]


# The back office sees every quarter: nothing is foreign to it, so it is walked in
# test_each_role_gets_exactly_its_pages only.
@pytest.mark.parametrize("role", [r for r in ROLES if r not in NETWORK_ROLES])
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.kwargs))
def test_foreign_quarter_objects_answer_404(name, role, network, targets):
    page = PAGES[name]
    client = _client_for(role, network)
    if role == ANONYMOUS:
        response = _request(client, page, targets["foreign"])
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        return
    for target in _foreign_targets(role, targets):
        response = _request(client, page, target)
        assert response.status_code == 404, f"{role} reached {name} of {target.quarter}"
        assert target.quarter.name.encode() not in response.content
        assert target.application.borrower.last_name.encode() not in response.content


@pytest.mark.parametrize("role", sorted(ALL_SIGNED_IN))
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if not p.account_page))
def test_each_role_gets_exactly_its_pages(name, role, network, targets):
    page = PAGES[name]
    response = _request(_client_for(role, network), page, targets["own"])
    if role in page.allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert reverse("account_login") not in response["Location"]
    else:
        assert response.status_code in (403, 404), f"{role} opened {name}"


# Switching the language is for everyone, signed in or not.
@pytest.mark.parametrize(
    "name", sorted(n for n, p in PAGES.items() if not p.account_page and n != "language_set")
)
def test_anonymous_is_sent_to_login(name, network, targets):
    response = _request(Client(), PAGES[name], targets["own"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["municipality_viewer", "committee_member"])
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.personal_data))
def test_personal_data_pages_stay_closed(name, role, network, targets):
    response = _request(_client_for(role, network), PAGES[name], targets["own"])
    assert response.status_code in (403, 404)
    # And the people themselves do not appear, even in an error page.
    assert network.advisor.email.encode() not in response.content
    assert targets["own"].application.borrower.last_name.encode() not in response.content


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.account_page))
def test_account_pages_work_and_carry_no_quarter_data(name, role, network):
    client = _client_for(role, network)
    response = client.get(reverse(name, kwargs=ACCOUNT_KWARGS.get(name, {})))
    assert response.status_code < 500
    for quarter in (network.own_quarter, network.foreign_quarter):
        assert quarter.name.encode() not in response.content


def _admin_urls(network: Network) -> list[str]:
    """Every named admin URL, its object arguments pointing at the foreign quarter's objects."""
    from django.contrib import admin

    with scopes_disabled():
        object_ids = {
            "quarters_quarter": network.foreign_quarter.pk,
            "quarters_liabilityfund": network.foreign_fund.pk,
            "quarters_fundcontribution": network.foreign_fund.contributions.first().pk,
            "quarters_municipality": network.foreign_quarter.municipality_id,
            "accounts_user": network.advisor.pk,
            "auth_user": network.advisor.pk,  # UserAdmin names its password URL so
            "credits_loanproduct": network.own_application.product_id,
            "credits_application": network.foreign_application.pk,
            "credits_loan": factories.LoanFactory(borrower=network.foreign_application.borrower).pk,
            "audit_auditentry": AuditEntry.objects.create(
                action="test", object_type="x", object_id="1", object_repr="x"
            ).pk,
            "committees_committee": Committee.objects.get().pk,
            "quarters_organisation": Organisation.objects.first().pk,
            "account_emailaddress": EmailAddress.objects.create(
                user=network.advisor, email=network.advisor.email
            ).pk,
        }
    urls = []
    for name, route in _named_patterns(admin.site.get_urls()):
        groups = route.pattern.regex.groupindex
        # The catch-all; logout (a POST action); "view on site" (a redirect, not a page).
        if "url" in groups or "content_type_id" in groups or name == "logout":
            continue
        object_id = next((pk for key, pk in object_ids.items() if name.startswith(key + "_")), None)
        kwargs = {}
        for group in groups:
            if group == "app_label":
                kwargs[group] = "quarters"
            elif group in ("object_id", "id"):
                assert object_id is not None, f"add an object for admin:{name} to object_ids"
                kwargs[group] = str(object_id)
        urls.append(reverse(f"admin:{name}", kwargs=kwargs))
    return urls


def _named_patterns(patterns: list) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name, pattern


@pytest.mark.parametrize("role", [r for r in ROLES if r not in NETWORK_ROLES])
def test_admin_is_closed_to_everyone_but_the_back_office(role, network):
    client = _client_for(role, network)
    for url in _admin_urls(network):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith(("/admin/login/", reverse("account_login")))


@pytest.mark.parametrize("role", sorted(NETWORK_ROLES))
def test_admin_pages_work_for_the_back_office(role, network):
    client = _client_for(role, network)
    for url in _admin_urls(network):
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)


def test_a_former_committee_member_sees_no_quarter(network):
    with scopes_disabled():
        network.committee_member.committee_memberships.update(ends_on=date(2021, 12, 31))
    client = _client_for("committee_member", network)
    response = client.get(reverse("home"))
    assert network.own_quarter.name.encode() not in response.content
