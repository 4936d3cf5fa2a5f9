"""Erase the personal data whose periods ended (Art. 17 GDPR), as the nightly job does:
`--as-of YYYY-MM-DD` for the day to count from (default: today), `--dry-run` to list who is
due without erasing anyone."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from miqua.command_args import iso_date
from miqua.privacy import selectors, services


class Command(BaseCommand):
    help = "Erase the personal data whose periods ended (Art. 17 GDPR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="The day, as YYYY-MM-DD.")
        parser.add_argument("--dry-run", action="store_true", help="List who is due; erase nobody.")

    def handle(self, *args: object, **options: object) -> None:
        today = iso_date(str(options["as_of"])) if options["as_of"] else timezone.localdate()
        if options["dry_run"]:
            with scopes_disabled():
                due = selectors.upcoming_erasures(today=today, days=0, limit=None).rows
            for row in due:
                self.stdout.write(
                    f"{row.pseudonym} ({row.kind_label}, {', '.join(row.references)}): "
                    f"{formats.date_format(row.due_on, 'SHORT_DATE_FORMAT')}, {row.reason}"
                )
            self.stdout.write(_("Due for erasure: %(count)d.") % {"count": len(due)})
            return
        erasures = services.erasures_run(today=today)
        for erasure in erasures:
            self.stdout.write(f"{erasure.pseudonym}: {erasure.reason_label}")
        self.stdout.write(_("Persons erased: %(count)d.") % {"count": len(erasures)})
