"""`manage.py check --deploy` also asks about the second factor and idle staff sessions: both are
on by default in production, and switching either off should be a decision someone saw."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_and_idle_sessions(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    warnings: list[CheckMessage] = []
    if not settings.MIQUA_MFA_REQUIRED:
        warnings.append(
            Warning(
                "MIQUA_MFA_REQUIRED is off: staff and administrators sign in with a password "
                "alone.",
                hint="Leave MIQUA_MFA_REQUIRED unset (or true) in production.",
                id="accounts.W001",
            )
        )
    if not settings.MIQUA_STAFF_IDLE_MINUTES:
        warnings.append(
            Warning(
                "MIQUA_STAFF_IDLE_MINUTES is 0: staff sessions never end for idleness.",
                hint="Leave it unset (30 minutes) or set the minutes your office agreed on.",
                id="accounts.W002",
            )
        )
    return warnings
