"""The tenant boundary, walked: every URL of the project against every role.

Each URL name must be described in PAGES (or be an admin URL, walked generically). A URL that
carries a quarter's object is requested with a quarter the role may not see and must answer 404;
the same URL with the role's own quarter must work, so the 404 is not an accident of a broken
URL. Pages with personal data never answer 200 to a municipality viewer or a committee member.
Adding a URL without describing it here fails `test_every_url_is_covered`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from committees.models import Committee
from miqua.audit.models import AuditEntry
from quarters.models import Organisation

from .conftest import Network

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, "advisor", "committee_member", "municipality_viewer", "staff", "administrator"]
NETWORK_ROLES = {"staff", "administrator"}
ALL_SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}


@dataclass(frozen=True)
class Page:
    # Builds the URL kwargs for a given quarter slug (None: the URL carries no quarter object).
    quarter_kwargs: Callable[[str], dict[str, str]] | None = None
    method: str = "get"
    data: Callable[[Network], dict[str, str]] | None = None
    # Roles that may use the page on what they can see; others get 403/404 (or the login).
    allowed: frozenset[str] = ALL_SIGNED_IN
    personal_data: bool = False
    # Account pages of allauth: reached by everyone, they carry no quarter's data.
    account_page: bool = False


def _slug(slug: str) -> dict[str, str]:
    return {"slug": slug}


def _contribution(net: Network) -> dict[str, str]:
    with scopes_disabled():
        partner = Organisation.objects.first()
    return {
        "partner": str(partner.pk),
        "paid_on": date(2010, 1, 4).isoformat(),
        "amount": "1.000,00",
    }


ACCOUNT = Page(account_page=True)

PAGES: dict[str, Page] = {
    "home": Page(),
    "quarter_detail": Page(
        quarter_kwargs=_slug,
        allowed=frozenset({"advisor", "municipality_viewer", "staff", "administrator"}),
    ),
    "contribution_create": Page(
        quarter_kwargs=_slug,
        method="post",
        data=_contribution,
        allowed=frozenset(NETWORK_ROLES),
    ),
    "user_list": Page(allowed=frozenset(NETWORK_ROLES), personal_data=True),
    "user_invite": Page(allowed=frozenset(NETWORK_ROLES), personal_data=True),
    "language_set": Page(method="post", data=lambda net: {"language": "en", "next": "/"}),
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


def _request(client: Client, page: Page, url: str, network: Network):
    data = page.data(network) if page.data else {}
    return client.post(url, data) if page.method == "post" else client.get(url)


def _own_quarter_slug(role: str, network: Network) -> str:
    return network.own_quarter.slug


def _foreign_quarter_slugs(role: str, network: Network) -> list[str]:
    """Quarters the role must not reach: the other municipality's always, and for an advisor
    also the quarter of their own city that they do not advise."""
    slugs = [network.foreign_quarter.slug]
    if role in {"advisor", "committee_member"}:
        slugs.append(network.sibling_quarter.slug)
    return slugs


# The back office sees every quarter: nothing is foreign to it, so it is walked in
# test_each_role_gets_exactly_its_pages only.
@pytest.mark.parametrize("role", [r for r in ROLES if r not in NETWORK_ROLES])
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.quarter_kwargs))
def test_foreign_quarter_objects_answer_404(name, role, network):
    page = PAGES[name]
    client = _client_for(role, network)
    if role == ANONYMOUS:
        response = _request(client, page, reverse(name, kwargs=page.quarter_kwargs("x")), network)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        return
    for slug in _foreign_quarter_slugs(role, network):
        url = reverse(name, kwargs=page.quarter_kwargs(slug))
        response = _request(client, page, url, network)
        assert response.status_code == 404, f"{role} reached {url}"
        assert network.foreign_quarter.name.encode() not in response.content


@pytest.mark.parametrize("role", sorted(ALL_SIGNED_IN))
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if not p.account_page))
def test_each_role_gets_exactly_its_pages(name, role, network):
    page = PAGES[name]
    kwargs = page.quarter_kwargs(_own_quarter_slug(role, network)) if page.quarter_kwargs else {}
    response = _request(_client_for(role, network), page, reverse(name, kwargs=kwargs), network)
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
def test_anonymous_is_sent_to_login(name, network):
    page = PAGES[name]
    kwargs = page.quarter_kwargs(network.own_quarter.slug) if page.quarter_kwargs else {}
    response = _request(Client(), page, reverse(name, kwargs=kwargs), network)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["municipality_viewer", "committee_member"])
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.personal_data))
def test_personal_data_pages_stay_closed(name, role, network):
    response = _client_for(role, network).get(reverse(name))
    assert response.status_code in (403, 404)
    # And the people themselves do not appear, even in an error page.
    assert network.advisor.email.encode() not in response.content


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
