"""The services' refusals as API answers: a Django `ValidationError` (a rule of the service,
with a message a person can act on) becomes 400 with its messages by field, a Django
`PermissionDenied` 403 (DRF's own handler already does that) and `Http404` 404. Too many
requests answer 429 with a `Retry-After` header and a `detail` that says how long to wait."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import ngettext
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def as_drf_error(error: DjangoValidationError) -> ValidationError:
    """The service's messages in the shape of a serializer's errors: by field, the messages
    that concern no field under `non_field_errors`."""
    if hasattr(error, "error_dict"):
        detail: dict[str, list[str]] = {}
        for field, messages in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            detail[key] = list(messages)
        return ValidationError(detail)
    return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_error(exc)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, Throttled) and response is not None:
        # DRF's own words ("Request was throttled. Expected available in 3 seconds.") have no
        # polite German; the wait is DRF's, also in the Retry-After header.
        seconds = int(response.get("Retry-After", 1))
        response.data = {
            "detail": ngettext(
                "Too many requests. Please wait %(seconds)s second before the next one.",
                "Too many requests. Please wait %(seconds)s seconds before the next one.",
                seconds,
            )
            % {"seconds": seconds}
        }
    return response
