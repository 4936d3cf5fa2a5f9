"""Free text: how long it may be, checked the same way in forms and services.

A limit lives on the model field (`models.TextField(max_length=...)`): ModelForms and the
admin honour it there, the hand-written forms take it from there (`model_max_length`), and a
service checks what it writes with `text_length_errors`, so no path stores more. The limits
also bound the documents made of the texts: a decision template with every text at its
limit renders in about a second, while 100,000 characters in one field took WeasyPrint
10 to 40 seconds.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _


def model_max_length(model: type[models.Model], name: str) -> int:
    """The limit of a model's text field, for the form field that edits it."""
    limit = model._meta.get_field(name).max_length
    if limit is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return int(limit)


def too_long_message(limit: int, length: int) -> str:
    return _("Please shorten this text to at most %(limit)s characters (it has %(length)s).") % {
        "limit": formats.number_format(limit, force_grouping=True),
        "length": formats.number_format(length, force_grouping=True),
    }


def text_length_errors(
    model: type[models.Model], values: Mapping[str, Any]
) -> dict[str, ValidationError]:
    """The texts among `values` longer than their model field allows, as errors per field."""
    errors: dict[str, ValidationError] = {}
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        limit = model._meta.get_field(name).max_length
        if limit is not None and len(value) > limit:
            errors[name] = ValidationError(too_long_message(limit, len(value)), code="max_length")
    return errors
