"""Run the monthly disruption check: `--as-of YYYY-MM-DD` (a 15th) for one month, else every
15th not yet checked up to today."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from monitoring import selectors, services
from monitoring.models import MonthlyCheck


class Command(BaseCommand):
    help = "Run the monthly disruption check as of the 15th (default: catch up to today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="A 15th, as YYYY-MM-DD.")

    def handle(self, *args: object, **options: object) -> None:
        with scopes_disabled():
            if options["as_of"]:
                as_of = self._date(str(options["as_of"]))
                already = MonthlyCheck.objects.filter(
                    as_of=as_of, status=MonthlyCheck.Status.DONE
                ).exists()
                try:
                    check = services.monthly_check_run(as_of=as_of)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
                if already:
                    self.stdout.write(
                        _("%(day)s was already checked; nothing booked.")
                        % {"day": formats.date_format(as_of, "SHORT_DATE_FORMAT")}
                    )
                self._print(check)
                return
            checks = services.monthly_checks_catch_up(today=timezone.localdate())
            if not checks:
                self.stdout.write(_("No month to check."))
            for check in checks:
                self._print(check)

    def _date(self, value: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(
                _("%(value)s is not a date; please give it as YYYY-MM-DD, e.g. 2025-03-15.")
                % {"value": repr(value)}
            ) from error

    def _print(self, check: MonthlyCheck) -> None:
        self.stdout.write(
            _("Check as of %(day)s:")
            % {"day": formats.date_format(check.as_of, "SHORT_DATE_FORMAT")}
        )
        for rate in selectors.rates_by_quarter(check=check):
            self.stdout.write(f"  {self._rate_line(rate)}")
        line = _("%(rate)s, standard %(standard)s %%") % {
            "rate": self._rate_line(selectors.rate_total(check=check)),
            "standard": formats.localize(check.standard_percent),
        }
        if check.requires_qa:
            line += " " + _("- above the standard, quality measures required")
        self.stdout.write(f"  {line}")

    @staticmethod
    def _rate_line(rate: selectors.Rate) -> str:
        return _("%(label)s: %(disrupted)s of %(active)s disrupted (%(percent)s %%)") % {
            "label": rate.label,
            "disrupted": rate.disrupted,
            "active": rate.active,
            "percent": formats.localize(rate.percent),
        }
