"""The load benchmark: simulated staff, advisors and municipality viewers against a running
MIQUA (gunicorn on PostgreSQL with the national network of `manage.py seed_national`).

Run by `./dev loadtest`, which starts the server and prints the table; by hand:

    locust -f bench/locustfile.py --headless -u 200 -r 5 --run-time 10m \
        --host http://127.0.0.1:8000

Not part of the app (nothing imports it): it speaks HTTP only, as a browser would. It signs in
once per simulated user through the allauth form (with its CSRF token), as the users that
`seed_national` creates. Requests are named by page ("staff: loans"), so the figures are per
page; links (a loan, an application, a check) are followed from the list the user saw.

The server is run as in production behind a TLS proxy: each request carries the proxy's
X-Forwarded-Proto (so the secure cookies and the CSRF check behave as over HTTPS) and
X-Forwarded-For with the simulated user's own address (so the sign-in rate limits, which are
per address, count each office separately, as they would behind the proxy).

Think times: people read the page they asked for before the next click: a list is scanned, a
loan's schedule or a dashboard read, a name typed into the search. 2 to 10 s (5.5 s on average
in between, uniformly) is brisk for that: real users read longer and leave tabs open for
minutes. 200 such users send about 35 requests a second, more than a national network of a
few dozen staff, a few hundred advisors and the municipalities' viewers would send together
at its busiest hour.
"""

import itertools
import os
import random
import re
from urllib.parse import urlsplit

import gevent
import requests
from locust import HttpUser, between, constant, events, task

PASSWORD = "miqua-load-test"  # noqa: S105 (seed_national's default --password)
STAFF_USERS = 10
NETWORK_MUNICIPALITIES = 100  # one advisor and one viewer each (seed_national)
# The dashboards come from other branches: probed at the start, skipped if absent.
PORTFOLIO = "/monitoring/portfolio/"
MUNICIPALITY_DASHBOARD = "/monitoring/municipalities/{}/"

# Pages to leave out, by name, comma-separated (e.g. LOADTEST_SKIP="staff: contacts,advisor:
# contacts" while the contact worklist still renders every due row): said in the output.
SKIP = {name.strip() for name in os.environ.get("LOADTEST_SKIP", "").split(",") if name.strip()}

# The figures are of the pages, not of the sign-ins: 200 people do not sign in within the same
# minute, and each sign-in hashes a password (on purpose about half a second of CPU). So the
# statistics start afresh once every simulated user has signed in and the server has settled
# (below), and the run ends LOADTEST_MEASURE seconds (default 120) later.
MEASURE_S = int(os.environ.get("LOADTEST_MEASURE", "120"))
# ... after the server has worked off the sign-ins: 200 password hashes within 40 s keep both
# cores busy, and the requests queued behind them were still waiting when the last user had
# signed in (their wait is the sign-ins', not the pages'). LOADTEST_SETTLE seconds (default
# 30) of browsing first, then the statistics start afresh.
SETTLE_S = int(os.environ.get("LOADTEST_SETTLE", "30"))

_numbers = itertools.count()
_signed_in = itertools.count(1)
_present: dict[str, bool] = {}

LOAN = re.compile(r'href="/loans/(\d+)/"')
APPLICATION = re.compile(r'href="/applications/(\d+)/"')
CHECK = re.compile(r'href="/monitoring/checks/(\d{4}-\d{2}-\d{2})/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MUNICIPALITY = re.compile(r'href="/monitoring/municipalities/(\d+)/"')


@events.test_start.add_listener
def _probe_dashboards(environment: object, **kwargs: object) -> None:
    """An address Django does not know answers 404 before any sign-in; a known one sends an
    anonymous visitor to the sign-in page."""
    host = environment.host  # type: ignore[attr-defined]
    for label, path in (
        ("portfolio dashboard", PORTFOLIO),
        ("municipality dashboard", MUNICIPALITY_DASHBOARD.format(1)),
    ):
        response = requests.get(
            host + path,
            allow_redirects=False,
            headers={"X-Forwarded-Proto": "https"},
            timeout=30,
        )
        _present[label] = response.status_code != 404
        if not _present[label]:
            print(f"locustfile: {path} is not in this checkout: the {label} is left out")
    for name in sorted(SKIP):
        print(f"locustfile: {name!r} is left out (LOADTEST_SKIP)")


class _SignedIn(HttpUser):
    abstract = True
    wait_time = between(2, 10)
    email_pattern = ""
    accounts = 1

    def on_start(self) -> None:
        self.number = next(_numbers)
        https = urlsplit(self.host)._replace(scheme="https").geturl()
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.{self.number // 250}.{self.number % 250}.1",
                "Referer": https + "/accounts/login/",
                "Accept-Language": "de",
            }
        )
        self.email = self.email_pattern.format(self.number % self.accounts)
        self.links: dict[str, list[str]] = {}
        page = self.client.get("/accounts/login/", name="sign-in form")
        self.behind_the_proxy()
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="sign-in",
            catch_response=True,
            # Not followed here: the session cookie it sets is a secure one (see below).
            allow_redirects=False,
        ) as response:
            target = response.headers.get("Location", "")
            if response.status_code != 302 or target.startswith("/accounts/login/"):
                response.failure(f"{self.email} could not sign in ({response.status_code})")
        self.behind_the_proxy()
        self.measure_once_all_signed_in()

    def measure_once_all_signed_in(self) -> None:
        runner = self.environment.runner
        if runner is None:
            return
        if next(_signed_in) == runner.target_user_count - TrivialProbe.fixed_count:

            def measure() -> None:
                runner.stats.reset_all()
                print(f"locustfile: settled; measuring for {MEASURE_S} s from now")

            print(f"locustfile: all users signed in; settling for {SETTLE_S} s")
            gevent.spawn_later(SETTLE_S, measure)
            gevent.spawn_later(SETTLE_S + MEASURE_S, runner.quit)

    def behind_the_proxy(self) -> None:
        """Send the secure cookies (session, CSRF) back over the plain connection to the
        server, as the TLS proxy this benchmark stands in for would."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str, **links: re.Pattern[str]) -> str:
        """GET a page; remember the links of the given kinds on it for the next clicks."""
        if name in SKIP:
            return ""
        with self.client.get(path, name=name, catch_response=True) as response:
            # A page may set the session cookie again (the staff's activity stamp, once a
            # minute: miqua/accounts/middleware.py), secure as ever.
            self.behind_the_proxy()
            if response.status_code != 200:
                response.failure(f"{path}: {response.status_code}")
                return ""
            if urlsplit(response.url).path.startswith("/accounts/login/"):
                response.failure(f"{path}: signed out")
                return ""
            for kind, pattern in links.items():
                found = pattern.findall(response.text)
                if found:
                    self.links[kind] = found
            return response.text

    def follow(self, kind: str, template: str, name: str) -> None:
        """Open one of the links of this kind seen last (a loan in the list, say)."""
        if self.links.get(kind):
            self.page(template.format(random.choice(self.links[kind])), name)  # noqa: S311


class Staff(_SignedIn):
    """The microfinancier's back office: the lists of the whole network."""

    weight = 3
    email_pattern = "load.staff.{}@miqua.example"
    accounts = STAFF_USERS

    @task(3)
    def home(self) -> None:
        self.page("/", "staff: home", applications=APPLICATION)

    @task(4)
    def applications(self) -> None:
        status = random.choice(["", "", "submitted", "prepared", "all"])  # noqa: S311
        query = f"?status={status}" if status else ""
        self.page(f"/applications/{query}", "staff: applications", applications=APPLICATION)

    @task(1)
    def applications_next_page(self) -> None:
        self.page("/applications/?page=2", "staff: applications", applications=APPLICATION)

    @task(2)
    def search(self) -> None:
        text = random.choice(  # noqa: S311
            [
                f"Nachname{random.randint(1, 600)}",  # noqa: S311
                f"Vorname{random.randint(1, 59)}",  # noqa: S311
                f"Betrieb {random.randint(1, 29999)}",  # noqa: S311
                f"MQ-{random.randint(1, 30000):06d}",  # noqa: S311
            ]
        )
        self.page(f"/applications/?q={text}", "staff: search", applications=APPLICATION)

    @task(2)
    def loans(self) -> None:
        query = random.choice(["", "", "?arrears=on"])  # noqa: S311
        self.page(f"/loans/{query}", "staff: loans", loans=LOAN)

    @task(3)
    def loan(self) -> None:
        self.follow("loans", "/loans/{}/", "staff: loan")

    @task(1)
    def application(self) -> None:
        self.follow("applications", "/applications/{}/", "staff: application")

    @task(1)
    def contacts(self) -> None:
        self.page("/monitoring/contacts/", "staff: contacts", loans=LOAN)

    @task(1)
    def checks(self) -> None:
        self.page("/monitoring/checks/", "staff: checks", checks=CHECK)

    @task(1)
    def check(self) -> None:
        self.follow("checks", "/monitoring/checks/{}/", "staff: check")

    @task(2)
    def portfolio(self) -> None:
        if _present.get("portfolio dashboard"):
            self.page(PORTFOLIO, "staff: portfolio dashboard")


class Advisor(_SignedIn):
    """A quarter advisor: their own quarters only (each simulated advisor is another one)."""

    weight = 5
    email_pattern = "load.advisor.{}@miqua.example"
    accounts = NETWORK_MUNICIPALITIES

    @task(3)
    def home(self) -> None:
        self.page("/", "advisor: home")

    @task(3)
    def applications(self) -> None:
        self.page("/applications/", "advisor: applications", applications=APPLICATION)

    @task(4)
    def application(self) -> None:
        self.follow("applications", "/applications/{}/", "advisor: application")

    @task(1)
    def contacts(self) -> None:
        self.page("/monitoring/contacts/", "advisor: contacts", loans=LOAN)

    @task(1)
    def disrupted(self) -> None:
        self.page("/monitoring/disrupted/", "advisor: disrupted loans", loans=LOAN)

    @task(2)
    def loan(self) -> None:
        self.follow("loans", "/loans/{}/", "advisor: loan")


class MunicipalityViewer(_SignedIn):
    """A municipality's viewer: its quarters' figures, never a name."""

    weight = 2
    email_pattern = "load.city.{}@miqua.example"
    accounts = NETWORK_MUNICIPALITIES

    @task(1)
    def home(self) -> None:
        self.page("/", "viewer: home", municipality=MUNICIPALITY)

    @task(2)
    def dashboard(self) -> None:
        if _present.get("municipality dashboard"):
            self.follow("municipality", MUNICIPALITY_DASHBOARD, "viewer: municipality dashboard")


class TrivialProbe(HttpUser):
    """The trivial view in the same run: an anonymous visitor fetches the sign-in form once a
    second. What it waits is the server's queue, not work: the yardstick for the pages."""

    fixed_count = 2
    wait_time = constant(1)

    def on_start(self) -> None:
        self.client.headers.update({"X-Forwarded-Proto": "https"})

    @task
    def login_page(self) -> None:
        self.client.cookies.clear()
        self.client.get("/accounts/login/", name="trivial: login page")
