"""What an administration change did, kept in an audit entry's `changes` and read back in words.

Kept as data, in the way Django's own admin log keeps its messages: field and model names as
their untranslated msgids, values as text (related objects by their name), so that the trail
reads in the reader's language ("Vorsitz: nein → ja" or "chair: no → yes"):

    {"fields": [{"field": "name", "kind": "text", "old": "A", "new": "B"},
                {"field": "quarters advised", "kind": "many", "added": [...], "removed": [...]}],
     "rows": [{"model": "committee membership", "object": "Anna – Ausschuss",
               "action": "added" | "changed" | "removed", "fields": [...]}],
     "password": "set" | "disabled",
     "deleted_with": [{"model": "committee membership", "object": "Anna – Ausschuss"}],
     "deleted_with_more": 3}

Secrets never enter it: no password, no hash, only that one was set.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router
from django.db.models.deletion import Collector
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Fields whose values never go into the trail (the user's password hash).
SECRET_FIELDS = frozenset({"password"})

# Objects deleted along with the one deleted, named one by one up to this many.
DELETED_WITH_NAMED = 50

ADMIN_KEYS = ("fields", "rows", "password", "deleted_with")


def _msgid(text: Any) -> str:
    """A lazy translation as its msgid, to be translated when read."""
    with translation.override(None):
        return str(text)


def _kind_and_value(field: models.Field, value: Any) -> tuple[str, Any]:
    if value is None or value == "":
        kind = "bool" if isinstance(field, models.BooleanField) else "text"
        return kind, None
    if field.is_relation:
        if not isinstance(value, models.Model):
            value = field.related_model._base_manager.filter(pk=value).first()
        return "text", str(value) if value is not None else None
    if field.flatchoices:
        label = dict(field.flatchoices).get(value, value)
        return "choice", _msgid(label)
    if isinstance(field, models.BooleanField):
        return "bool", bool(value)
    if isinstance(field, models.DateTimeField):
        return "datetime", value.isoformat()
    if isinstance(field, models.DateField):
        return "date", value.isoformat()
    if isinstance(field, models.DecimalField):
        # As the database keeps it: 60 typed is 60.00, like the 50.00 it replaced.
        return "number", str(Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(field, (models.FloatField, models.IntegerField)):
        return "number", str(value)
    if isinstance(field, models.FileField):
        return "text", getattr(value, "name", str(value))
    return "text", str(value)


def _names(objects: Iterable[models.Model]) -> list[str]:
    return sorted(str(obj) for obj in objects)


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    if name in SECRET_FIELDS:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a form's own field (password1, usable_password)
        return None
    if not isinstance(field, models.Field) or field.primary_key:
        return None
    return field


def form_changes(
    form: forms.ModelForm, *, added: bool, exclude: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """The fields a saved model form changed, old → new. For a new object, every field given
    a value (a default left as it is is still what the object was created with)."""
    instance = form.instance
    names = [n for n in form.fields if n not in exclude] if added else form.changed_data
    changes: list[dict[str, Any]] = []
    for name in names:
        field = _model_field(type(instance), name)
        if field is None or name in exclude:
            continue
        label = _msgid(field.verbose_name)
        if field.many_to_many:
            old = {obj.pk: obj for obj in form.initial.get(name) or []} if not added else {}
            new = {obj.pk: obj for obj in form.cleaned_data.get(name) or []}
            entry = {
                "field": label,
                "kind": "many",
                "added": _names(obj for pk, obj in new.items() if pk not in old),
                "removed": _names(obj for pk, obj in old.items() if pk not in new),
            }
            if entry["added"] or entry["removed"]:
                changes.append(entry)
            continue
        kind, new_value = _kind_and_value(field, getattr(instance, field.name))
        if added:
            if new_value is not None:
                changes.append({"field": label, "kind": kind, "new": new_value})
            continue
        _kind, old_value = _kind_and_value(field, form.initial.get(name))
        if old_value != new_value:
            changes.append({"field": label, "kind": kind, "old": old_value, "new": new_value})
    return changes


def formset_changes(formset: forms.BaseModelFormSet) -> list[dict[str, Any]]:
    """The rows a saved inline formset added, changed and removed (after `formset.save()`)."""
    model_label = _msgid(formset.model._meta.verbose_name)
    parent_key = [formset.fk.name] if getattr(formset, "fk", None) is not None else []
    forms_by_instance = {id(form.instance): form for form in formset.forms}
    saved = [(obj, "added") for obj in formset.new_objects]
    saved += [(obj, "changed") for obj, _fields in formset.changed_objects]
    rows: list[dict[str, Any]] = [
        {
            "model": model_label,
            "object": str(obj),
            "action": action,
            "fields": form_changes(
                forms_by_instance[id(obj)], added=action == "added", exclude=parent_key
            ),
        }
        for obj, action in saved
    ]
    for obj in formset.deleted_objects:
        rows.append({"model": model_label, "object": str(obj), "action": "removed"})
    return rows


def object_fields(obj: models.Model) -> list[dict[str, Any]]:
    """Every field of an object as it is: what a deletion took away."""
    changes = []
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name in SECRET_FIELDS:
            continue
        kind, value = _kind_and_value(field, getattr(obj, field.name))
        if value is not None:
            changes.append({"field": _msgid(field.verbose_name), "kind": kind, "old": value})
    return changes


def deleted_with(obj: models.Model) -> dict[str, Any]:
    """What a deletion of `obj` takes along (rows deleted by cascade), named. The rows of
    many-to-many tables are left out: the fields of the deleted object name them."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    collector.collect([obj])
    others: list[models.Model] = [
        other
        for model, instances in collector.data.items()
        if not model._meta.auto_created
        for other in instances
        if other != obj
    ]
    fast = [qs for qs in collector.fast_deletes if not qs.model._meta.auto_created]
    total = len(others) + sum(queryset.count() for queryset in fast)
    for queryset in fast:
        room = DELETED_WITH_NAMED - len(others)
        if room <= 0:
            break
        others.extend(queryset[:room])
    named = sorted(
        ({"model": _msgid(other._meta.verbose_name), "object": str(other)} for other in others),
        key=lambda item: (item["model"], item["object"]),
    )[:DELETED_WITH_NAMED]
    result: dict[str, Any] = {"deleted_with": named} if named else {}
    if total > len(named):
        result["deleted_with_more"] = total - len(named)
    return result


# --- In words ----------------------------------------------------------------------------------


def _value_words(kind: str, value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if kind == "bool":
        return _("yes") if value else _("no")
    if kind == "choice":
        return _(str(value))
    if kind == "date":
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if kind == "datetime":
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if kind == "number":
        try:
            return formats.number_format(Decimal(value), use_l10n=True, force_grouping=True)
        except (InvalidOperation, TypeError):
            return str(value)
    return str(value)


def _field_words(change: Mapping[str, Any]) -> str:
    label = capfirst(_(str(change.get("field", ""))))
    kind = str(change.get("kind", "text"))
    if kind == "many":
        parts = [_("%(name)s added") % {"name": name} for name in change.get("added", [])]
        parts += [_("%(name)s removed") % {"name": name} for name in change.get("removed", [])]
        return f"{label}: {', '.join(parts)}"
    if "old" in change and "new" in change:
        old, new = _value_words(kind, change["old"]), _value_words(kind, change["new"])
        return f"{label}: {old} → {new}"
    value = change["new"] if "new" in change else change.get("old")
    return f"{label}: {_value_words(kind, value)}"


def _row_words(row: Mapping[str, Any]) -> str:
    names = {"model": capfirst(_(str(row.get("model", "")))), "object": row.get("object", "")}
    action = row.get("action")
    if action == "added":
        text = _("%(model)s “%(object)s” added") % names
    elif action == "removed":
        text = _("%(model)s “%(object)s” removed") % names
    else:
        text = _("%(model)s “%(object)s” changed") % names
    fields = row.get("fields") or []
    if fields:
        text += f" ({'; '.join(_field_words(change) for change in fields)})"
    return text


def recorded_in_words(changes: object) -> bool:
    """Kept in the form `in_words` reads. Administration entries written before it kept
    `{field: value}` and are shown as values, like a service's."""
    return isinstance(changes, Mapping) and any(key in changes for key in ADMIN_KEYS)


def in_words(changes: Mapping[str, Any]) -> str:
    """An administration change in the active language, one line."""
    parts = [_field_words(change) for change in changes.get("fields", [])]
    parts += [_row_words(row) for row in changes.get("rows", [])]
    if changes.get("password") == "set":
        parts.append(_("Password set"))
    elif changes.get("password") == "disabled":
        parts.append(_("Sign-in by password disabled"))
    deleted = [
        _("%(model)s “%(object)s”")
        % {"model": capfirst(_(str(item.get("model", "")))), "object": item.get("object", "")}
        for item in changes.get("deleted_with", [])
    ]
    more = changes.get("deleted_with_more") or 0
    if more:
        deleted.append(ngettext("%(count)s more", "%(count)s more", more) % {"count": more})
    if deleted:
        parts.append(_("Deleted with it: %(objects)s") % {"objects": ", ".join(deleted)})
    return " · ".join(parts)
