"""Run the monthly disruption check: `--as-of YYYY-MM-DD` (a 15th) for one month, else every
15th not yet checked up to today. The newest month checked is mailed to the advisors and staff
(once per month), unless `--no-mail`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from miqua.command_args import iso_date
from monitoring import mail_services, selectors, services
from monitoring.models import MonthlyCheck


class Command(BaseCommand):
    help = "Run the monthly disruption check as of the 15th (default: catch up to today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="A 15th, as YYYY-MM-DD.")
        parser.add_argument(
            "--no-mail", action="store_true", help="Send no mail to the advisors and staff."
        )

    def handle(self, *args: object, **options: object) -> None:
        with scopes_disabled():
            if options["as_of"]:
                as_of = iso_date(str(options["as_of"]))
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
                self._mail(check, options)
                return
            today = timezone.localdate()
            checks = services.monthly_checks_catch_up(today=today)
            if not checks:
                self.stdout.write(_("No month to check."))
            for check in checks:
                self._print(check)
            if not options["no_mail"]:
                # The newest month, if not mailed yet: as the scheduled task does.
                self._report_mails(mail_services.newest_check_mails_send(today=today), options)

    def _mail(self, check: MonthlyCheck, options: dict[str, object]) -> None:
        """The month asked for, once (a month mailed before is not mailed again)."""
        if not options["no_mail"]:
            self._report_mails(mail_services.monthly_check_mails_send(check=check), options)

    def _report_mails(self, sent: int, options: dict[str, object]) -> None:
        if int(str(options.get("verbosity", 1))) > 1:
            self.stdout.write(_("Mails sent: %(count)d.") % {"count": sent})

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
