import datetime
import math
import time
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext


def login_retry_at(request: HttpRequest, *, key: str) -> tuple[float, bool] | None:
    """When the failed-login limits let this login be tried again (a timestamp), and whether
    it is the account's own limit that holds it (rather than the network address's); None if
    no limit holds it.

    Reads allauth's own bookkeeping: per rate, the times of the recent failures, newest first.
    A rate holds while it has `amount` failures within its window; it frees up when the
    `amount`-th newest of them leaves the window.
    """
    now = time.time()
    held: list[tuple[float, bool]] = []
    for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate, key=key
        )
        recent = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
        if len(recent) >= rate.amount:
            held.append((recent[rate.amount - 1] + rate.duration, rate.per == "key"))
    if not held:
        return None
    return max(held)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # No public sign-up: the back office invites people (see accounts.services.user_invite).
        return False

    def is_safe_url(self, url: str | None) -> bool:
        """allauth's check (this site's hosts only), and on a page served over HTTPS no step
        down to plain HTTP: the own host over http is another site to a man in the middle
        (allauth leaves out Django's `require_https`, which the site's other redirects use)."""
        if not url or not super().is_safe_url(url):
            return False
        host = urlsplit(url.strip()).netloc
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={host} if host else set(), require_https=context.request.is_secure()
        )

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth's "Try again later" says when: at 14:35, in 12 minutes; and whether the
        account is locked or the whole network address (an office behind one router)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            retry = login_retry_at(request, key=key)
            if retry is None:
                raise
            raise ValidationError(_retry_message(*retry), code="too_many_login_attempts") from None


def _retry_message(retry_at: float, for_account: bool) -> str:
    minutes = max(1, math.ceil((retry_at - time.time()) / 60))
    when = formats.time_format(
        timezone.localtime(datetime.datetime.fromtimestamp(retry_at, tz=datetime.UTC)),
        "TIME_FORMAT",
    )
    if for_account:
        text = ngettext(
            "Too many failed sign-in attempts for this account. Please try again at %(time)s "
            "(in %(minutes)s minute), or reset your password.",
            "Too many failed sign-in attempts for this account. Please try again at %(time)s "
            "(in %(minutes)s minutes), or reset your password.",
            minutes,
        )
    else:
        text = ngettext(
            "Too many failed sign-in attempts from your network. Please try again at %(time)s "
            "(in %(minutes)s minute).",
            "Too many failed sign-in attempts from your network. Please try again at %(time)s "
            "(in %(minutes)s minutes).",
            minutes,
        )
    return text % {"time": when, "minutes": minutes}
