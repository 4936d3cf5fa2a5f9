"""Import bank statements of the repayment account from files (CAMT.053 .001.02 / .001.08 or
the bank's CSV export), the same way as the upload page: one line per file with what it
booked. Each file stands alone: a refused file books nothing, the others are still imported,
and the command ends with exit code 1 if any was refused."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from credits.banking.importer import result_message, statement_import
from credits.banking.parsers import StatementError
from miqua.accounts.models import Role, User


class Command(BaseCommand):
    help = "Import bank statements (CAMT.053 .001.02/.001.08 or the bank's CSV export)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="The staff member the import is recorded for (default: the first active one).",
        )

    def _actor(self, email: str | None) -> User:
        users = User.objects.filter(is_active=True)
        if email:
            actor = users.filter(email__iexact=email).first()
            if actor is None:
                raise CommandError(_("No active user with the email %(email)s.") % {"email": email})
        else:
            actor = users.filter(role=Role.STAFF).order_by("pk").first()
            if actor is None:
                raise CommandError(
                    _("There is no active staff member to record the import for: use --user.")
                )
        if not actor.has_perm("credits.import_statement"):
            raise CommandError(
                _("%(email)s may not import bank statements.") % {"email": actor.email}
            )
        return actor

    def handle(self, *args: object, **options: object) -> None:
        actor = self._actor(options["user"])  # type: ignore[arg-type]
        refused = 0
        for name in options["files"]:  # type: ignore[attr-defined]
            path = Path(name)
            try:
                content = path.read_bytes()
            except OSError as error:
                self.stderr.write(f"{name}: {error.strerror or error}")
                refused += 1
                continue
            try:
                result = statement_import(content=content, file_name=path.name, actor=actor)
            except StatementError as error:
                self.stderr.write(
                    _("%(file)s: refused, nothing booked. %(reason)s")
                    % {"file": name, "reason": error.message}
                )
                refused += 1
                continue
            self.stdout.write(f"{name}: {result_message(result)}")
        if refused:
            raise CommandError(
                _("%(count)s of %(total)s files refused.")
                % {"count": refused, "total": len(options["files"])},  # type: ignore[arg-type]
                returncode=1,
            )
