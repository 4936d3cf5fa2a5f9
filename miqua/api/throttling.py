"""The API's rate limits: DRF's throttles with the rates read from the settings at each request
(MIQUA_API_RATE_USER, MIQUA_API_RATE_ANON), not once at import as DRF's own classes do, so that a
test or a changed setting takes effect without a restart."""

from django.conf import settings
from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """Per signed-in user, whether by token or by session (the anonymous per address)."""

    def get_rate(self) -> str:
        return settings.MIQUA_API_RATE_USER


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Per network address, for requests without credentials."""

    def get_rate(self) -> str:
        return settings.MIQUA_API_RATE_ANON
