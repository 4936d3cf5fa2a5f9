"""Fill in an admin page's form as a browser would send it back: what the page shows, plus the
changes a test makes."""

import datetime
from typing import Any

from django.forms import BaseForm
from django.http import HttpResponse


def _value(form: BaseForm, name: str) -> Any:
    value = form[name].value()
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, (list, tuple)):
        return [str(getattr(v, "pk", v)) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def _form_data(form: BaseForm) -> dict[str, Any]:
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = _value(form, name)
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def page_data(response: HttpResponse) -> dict[str, Any]:
    """The data of an admin add or change page's form and of its inlines."""
    assert response.status_code == 200, response.status_code
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_data(form))
    return data


def add_row(data: dict[str, Any], prefix: str, row: dict[str, Any]) -> None:
    """A new row in the inline with this prefix (an extra form, numbered after the others)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in row.items():
        data[f"{prefix}-{index}-{name}"] = value
