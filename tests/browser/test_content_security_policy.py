"""Every role's main pages work under the content security policy (issue 12): Chromium reports
no violation of it, neither as a `securitypolicyviolation` event nor in the console, and no
script fails; the charts are drawn, the API docs render from the schema, and what moved from
inline handlers to static files (the language picker, the question before removing a
guarantor, the step links that save first) still works.

tests/test_content_security_policy.py checks the header on every kind of response and scans
the templates this test does not open."""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from committees.models import Ballot
from credits.models import Application, Loan
from guarantors.models import Guarantee
from miqua.accounts.models import User
from quarters.models import Municipality, Quarter
from tests.demo_seed import seed_short_demo

from .test_advisor_sees_own_quarter import sign_in

pytestmark = pytest.mark.browser

# Reports each violation to the test, from before the page's first script runs.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
"""


LOGINS = {
    "admin": "admin@miqua.example",
    "staff": "staff@kiz.example",
    "advisor": "advisor.offenbach@miqua.example",
    "committee": "committee.offenbach@miqua.example",
    "municipality": "city.leipzig@miqua.example",
}


@dataclass
class Watch:
    violations: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.expose_function("cspViolation", lambda text: self.violations.append(text))
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda m: (
                self.violations.append(f"console: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        page.on("pageerror", lambda e: self.violations.append(f"script error: {e}"))


@pytest.fixture
def demo(transactional_db, monkeypatch):
    seed_short_demo(monkeypatch)


@pytest.fixture
def watched(page) -> tuple[object, Watch]:
    watch = Watch()
    watch.attach(page)
    return page, watch


def _offenbach() -> Quarter:
    return Quarter.objects.get(slug="offenbach-oestliche-innenstadt")


def _draft(advisor: str, *, with_guarantees: bool = False) -> Application:
    drafts = Application.objects.filter(
        advisor__email=advisor, status=Application.Status.DRAFT
    ).order_by("pk")
    if with_guarantees:
        drafts = drafts.filter(pk__in=Guarantee.objects.values("application"))
    return drafts.first()


def _pages(role: str) -> list[str]:
    """The main pages of a role in the demo: home, lists, a detail, a dashboard, the API docs."""
    with scopes_disabled():
        if role == "admin":
            admin = User.objects.get(email="admin@miqua.example")
            return [
                reverse("home"),
                reverse("user_list"),
                reverse("admin:index"),
                reverse("admin:accounts_user_changelist"),
                reverse("admin:accounts_user_change", args=[admin.pk]),
                reverse("api-docs"),
            ]
        if role == "staff":
            loan = Loan.objects.filter(status=Loan.Status.RUNNING).order_by("pk").first()
            submitted = Application.objects.exclude(status=Application.Status.DRAFT)
            return [
                reverse("home"),
                reverse("application_list"),
                reverse("application_detail", args=[submitted.order_by("pk").first().pk]),
                reverse("loan_list"),
                reverse("loan_detail", args=[loan.pk]),
                reverse("portfolio_dashboard"),
                reverse("check_list"),
                reverse("api-docs"),
            ]
        if role == "advisor":
            draft = _draft(LOGINS["advisor"])
            return [
                reverse("home"),
                reverse("application_list"),
                reverse("application_detail", args=[draft.pk]),
                reverse("application_edit", args=[draft.pk, "request"]),
                reverse("borrower_detail", args=[draft.borrower_id]),
                reverse("quarter_detail", args=[_offenbach().slug]),
            ]
        if role == "committee":
            ballot = Ballot.objects.filter(
                committee__quarter=_offenbach(), status=Ballot.Status.OPEN
            ).first()
            return [
                reverse("home"),
                reverse("ballot_list"),
                reverse("ballot_detail", args=[ballot.pk]),
            ]
        leipzig = Municipality.objects.get(name="Leipzig")
        return [
            reverse("home"),
            reverse("municipality_dashboard", args=[leipzig.pk]),
            reverse("quarter_detail", args=[leipzig.quarters.order_by("pk").first().slug]),
        ]


def _settle(page, path: str) -> None:
    """Wait for what the page's scripts do after loading: the charts drawn, the docs rendered."""
    page.wait_for_load_state("networkidle")
    if page.locator("table[data-chart]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('canvas')].some(c => window.Chart"
            " && Chart.getChart(c))"
        )
    if path == reverse("api-docs"):
        # Rendered from the schema it fetched; an operation opened shows its example answer.
        operation = page.locator(".swagger-ui .opblock").first
        operation.locator(".opblock-summary").click()
        operation.locator(".responses-wrapper").wait_for()


def test_the_main_pages_of_every_role_keep_the_policy(demo, live_server, watched):
    # One seed for all roles (each seed costs seconds): each signs in afresh in the same page.
    page, watch = watched
    base = live_server.url
    seen = {}
    for role in LOGINS:
        page.context.clear_cookies()
        sign_in(page, base, LOGINS[role])
        page.wait_for_url(f"{base}/")
        for path in _pages(role):
            response = page.goto(f"{base}{path}")
            assert response.status == 200, (role, path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            _settle(page, path)
            seen[(role, path)] = list(watch.violations)
            watch.violations.clear()
    assert {key: found for key, found in seen.items() if found} == {}


def test_the_login_and_error_pages_keep_the_policy(db, live_server, watched):
    page, watch = watched
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_load_state("networkidle")
    response = page.goto(f"{live_server.url}/no/such/page/")
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    assert watch.violations == []


def test_the_listener_hears_a_violation(db, live_server, watched):
    """The test above must be able to fail: an inline handler put back is reported."""
    page, watch = watched
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
            const button = document.createElement("button");
            button.setAttribute("onclick", "document.title = 'ran'");
            document.body.append(button);
            button.click();
        }"""
    )
    page.wait_for_timeout(200)
    assert page.title() != "ran"
    assert any("script-src" in v for v in watch.violations), watch.violations


def test_the_moved_scripts_still_work(demo, live_server, watched):
    """The advisor's step links save before they leave, removing a guarantor asks first, the
    language picker switches on choosing."""
    page, watch = watched
    base = live_server.url
    # The demo's draft with a guarantor is in Duisburg.
    sign_in(page, base, "advisor.duisburg@miqua.example")
    page.wait_for_url(f"{base}/")
    with scopes_disabled():
        draft = _draft("advisor.duisburg@miqua.example", with_guarantees=True)
        guarantors = Guarantee.objects.filter(application=draft).count()

    # A step link with unsaved changes saves them first.
    page.goto(f"{base}{reverse('application_edit', args=[draft.pk, 'request'])}")
    page.fill("textarea[name=purpose]", "Neue Kühltheke")
    page.locator(".steps a[data-step=business]").click()
    page.wait_for_url(re.compile(r"/edit/business/$"))
    with scopes_disabled():
        draft.refresh_from_db()
    assert draft.purpose == "Neue Kühltheke"

    # Removing a guarantor asks; "Cancel" keeps them.
    page.goto(f"{base}{reverse('application_detail', args=[draft.pk])}")
    questions = []

    def dismiss(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("form[data-confirm] button[type=submit]").first.click()
    page.wait_for_timeout(300)
    assert questions and questions[0].endswith("als Bürge/Bürgin dieses Antrags entfernen?")
    with scopes_disabled():
        assert Guarantee.objects.filter(application=draft).count() == guarantors

    # The language picker switches on choosing.
    page.select_option("#language-select", "en")
    page.wait_for_function("() => document.documentElement.lang === 'en'")

    assert watch.violations == []
