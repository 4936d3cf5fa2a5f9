"""Time each page of the load benchmark once per user, in-process, on the kept national network
(`seed_national`): the server's own time and queries per page, without the load.

It shows where a page's time goes before `./dev loadtest` shows what the server does under 200
users. Reads only; run it against the load database (DATABASE_URL).
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client
from django.urls import Resolver404, resolve
from django_scopes import scopes_disabled

from credits.models import Application, Loan
from miqua.accounts.models import User
from miqua.management.commands.bench_network import time_page
from miqua.management.commands.seed_national import ADVISOR_EMAIL, STAFF_EMAIL, VIEWER_EMAIL
from monitoring.models import MonthlyCheck


def _optional(url: str) -> str | None:
    """A page built on another branch: its address if this checkout has it."""
    try:
        resolve(url)
    except Resolver404:
        return None
    return url


class Command(BaseCommand):
    help = "Time the load benchmark's pages one by one on the kept national network."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--only", default="", help="only the pages whose label has this")

    def handle(self, *args: object, **options: object) -> None:
        with scopes_disabled():
            users = {
                kind: User.objects.filter(email=email.format(0)).first()
                for kind, email in (
                    ("staff", STAFF_EMAIL),
                    ("advisor", ADVISOR_EMAIL),
                    ("viewer", VIEWER_EMAIL),
                )
            }
            if not all(users.values()):
                raise CommandError("no national network here: run `manage.py seed_national`")
            advisor = users["advisor"]
            loan = Loan.objects.filter(quarter__advisors=advisor).order_by("pk").first()
            application = (
                Application.objects.filter(advisor=advisor).order_by("-updated_at").first()
            )
            check = MonthlyCheck.objects.order_by("-as_of").first()
            municipality_id = users["viewer"].municipality_id
        cases = [
            ("login page (anonymous)", None, "/accounts/login/"),
            ("staff: home", "staff", "/"),
            ("staff: applications", "staff", "/applications/"),
            ("staff: applications, submitted", "staff", "/applications/?status=submitted"),
            ("staff: search", "staff", "/applications/?q=Nachname1"),
            ("staff: loans", "staff", "/loans/"),
            ("staff: loans in arrears", "staff", "/loans/?arrears=on"),
            ("staff: loan", "staff", f"/loans/{loan.pk}/" if loan else None),
            ("staff: contacts", "staff", "/monitoring/contacts/"),
            ("staff: disrupted loans", "staff", "/monitoring/disrupted/"),
            ("staff: checks", "staff", "/monitoring/checks/"),
            ("staff: check", "staff", f"/monitoring/checks/{check.as_of}/" if check else None),
            ("staff: portfolio", "staff", _optional("/monitoring/portfolio/")),
            ("advisor: home", "advisor", "/"),
            ("advisor: applications", "advisor", "/applications/"),
            (
                "advisor: application",
                "advisor",
                f"/applications/{application.pk}/" if application else None,
            ),
            ("advisor: contacts", "advisor", "/monitoring/contacts/"),
            ("advisor: disrupted loans", "advisor", "/monitoring/disrupted/"),
            ("viewer: home", "viewer", "/"),
            (
                "viewer: municipality dashboard",
                "viewer",
                _optional(f"/monitoring/municipalities/{municipality_id}/"),
            ),
        ]
        only = str(options["only"])
        repeat = int(str(options["repeat"]))
        self.stdout.write(f"{'page':34} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        for label, kind, url in cases:
            if only not in label:
                continue
            if url is None:
                self.stdout.write(f"{label:34} (not in this checkout)")
                continue
            client = Client(SERVER_NAME="localhost")  # a host ALLOWED_HOSTS knows
            if kind:
                client.force_login(users[kind])
            median, longest, queries = time_page(client, url, repeat)
            self.stdout.write(f"{label:34} {median:10.1f} {longest:8.1f} {queries:8d}")
