"""`manage.py verify_audit`: recompute the audit trail's hash chain and name every entry that
was changed or removed behind the application's back. Exit status 1 when anything is wrong, so
that a cron job or a monitoring check can alert on it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from miqua.audit import registry
from miqua.audit.verify import ChainCheck, EntryRef, Problem


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _when(entry: EntryRef) -> str:
    return formats.date_format(timezone.localtime(entry.created_at), "SHORT_DATETIME_FORMAT")


def _named(entry: EntryRef) -> str:
    return _("entry %(id)s of %(when)s (%(action)s)") % {
        "id": entry.id,
        "when": _when(entry),
        "action": registry.action_label(entry.action),
    }


def describe(problem: Problem) -> str:
    if problem.kind == "changed":
        return _(
            "Changed: %(entry)s no longer matches its hash: its content was changed after it "
            "was written."
        ) % {"entry": _named(problem.entry)}
    if problem.previous is None:
        text = _(
            "Gap before %(entry)s: it is the first entry, yet it links to an entry before it: "
            "the first entries were removed."
        ) % {"entry": _named(problem.entry)}
    else:
        text = _(
            "Gap before %(entry)s: it does not link to entry %(previous)s before it: entries "
            "in between were removed, or entry %(previous)s was rewritten."
        ) % {"entry": _named(problem.entry), "previous": problem.previous.id}
    if problem.missing is not None:
        first, last = problem.missing
        missing = str(first) if first == last else f"{first}–{last}"
        text += " " + _("Missing ids: %(ids)s.") % {"ids": missing}
    return text


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain and report every entry changed or removed "
        "since it was written (exit status 1 if any)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the report (default: %(default)s).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            help="Entries read from the database at a time (default: %(default)s).",
        )

    def handle(self, *args: object, language: str, chunk_size: int, **options: object) -> None:
        with translation.override(language):
            self._verify(chunk_size=chunk_size)

    def _verify(self, *, chunk_size: int) -> None:
        check = ChainCheck(chunk_size=chunk_size)
        for problem in check:
            self.stdout.write(describe(problem))
        checked = ngettext(
            "%(count)s entry checked", "%(count)s entries checked", check.checked
        ) % {"count": _number(check.checked)}
        if not check.intact:
            found = []
            if check.changed:
                found.append(
                    ngettext("%(count)s entry changed", "%(count)s entries changed", check.changed)
                    % {"count": _number(check.changed)}
                )
            if check.gaps:
                found.append(
                    ngettext("%(count)s gap", "%(count)s gaps", check.gaps)
                    % {"count": _number(check.gaps)}
                )
            raise CommandError(
                _("%(checked)s: %(found)s. The chain is broken.")
                % {"checked": checked, "found": ", ".join(found)},
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(_("%(checked)s, the chain is complete.") % {"checked": checked})
        )
        if check.last is not None:
            # The chain cannot show entries removed at its end: the last entry and its hash,
            # noted by an auditor, can.
            self.stdout.write(
                _("Last entry: %(entry)s, hash %(hash)s.")
                % {"entry": _named(check.last), "hash": check.last_hash}
            )
