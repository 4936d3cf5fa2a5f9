"""Build the demo network of DOMAIN.md: seven municipalities, their quarters and liability funds,
the partners' start capital, one award committee per quarter, one login per role, the network's
loan product, the loans of 2009 to 2012 and of today with their payments (the brochure's
figures: `miqua.demo.loan_history`), a handful of applications in every state of the workflow,
and the committees' votes: an open written procedure in Offenbach with a few votes cast, and a
closed meeting in Duisburg-Marxloh with its minutes.

The data lives in `miqua.demo` (network, users, loans, loan_history, applications, ballots), the
code that makes it in `miqua.demo.builders` and `loan_builders`: idempotent, so a second run
changes nothing.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django_scopes import scopes_disabled

from committees.models import CommitteeMembership
from miqua.accounts.models import Role, User
from miqua.accounts.scoping import visible_quarter_ids
from miqua.demo.builders import Seeder, build_demo
from miqua.demo.users import PASSWORD, SEES
from quarters.models import Quarter

DISCARD_MAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Build the demo network (municipalities, quarters, funds, committees, demo logins)."

    def handle(self, *args: Any, **options: Any) -> None:
        seeder = Seeder()
        # The demo's ballots are history, not news: the committee services mail every member
        # when a ballot opens and the back office when it closes, which in demo mode (tasks
        # in-process, console mail) would print a dozen mails over the table of logins. They
        # go nowhere here; with a Celery worker (REDIS_URL) its own mail settings apply.
        with scopes_disabled(), override_settings(EMAIL_BACKEND=DISCARD_MAIL):
            users = build_demo(seeder, warn=self.stderr.write)
            self._print_logins(users)
        if options["verbosity"] > 1:
            for label in sorted(seeder.created | seeder.present):
                self.stdout.write(
                    f"  {label}: {seeder.created[label]} created, "
                    f"{seeder.present[label]} already present"
                )
        created, present = seeder.created.total(), seeder.present.total()
        self.stdout.write(
            self.style.SUCCESS(f"created {created} objects, {present} already present")
        )

    def _print_logins(self, users: list[User]) -> None:
        quarters = {q.pk: str(q) for q in Quarter.objects.select_related("municipality")}
        chairs = set(
            CommitteeMembership.objects.filter(is_chair=True).values_list("member_id", flat=True)
        )
        rows = [("email", "role", "sees")]
        for user in users:
            ids = visible_quarter_ids(user)
            if ids is None:
                where = f"every quarter ({len(quarters)})"
            else:
                where = "; ".join(sorted(quarters[pk] for pk in ids)) or "no quarter"
            if user.pk in chairs:
                where += " (chairs the committee)"
            rows.append((user.email, str(Role(user.role).label), f"{SEES[user.role]} {where}"))
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        self.stdout.write("")
        self.stdout.write("Demo logins")
        for email, role, sees in rows:
            self.stdout.write(f"  {email.ljust(widths[0])}  {role.ljust(widths[1])}  {sees}")
        self.stdout.write(f"  password for all: {PASSWORD}")
        self.stdout.write("")
