"""What the management commands read from their command line, with the message a person
running them needs when it cannot be read."""

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def iso_date(value: str) -> datetime.date:
    """A day given as YYYY-MM-DD (`--as-of 2025-03-15`)."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("%(value)s is not a date; please give it as YYYY-MM-DD, e.g. 2025-03-15.")
            % {"value": repr(value)}
        ) from error
