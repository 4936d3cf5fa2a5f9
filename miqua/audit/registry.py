"""How the audit trail names what the apps above it record, without importing them.

Each app registers, in its `AppConfig.ready()`, the labels of the actions its services write
("application.status_changed" -> "Status changed") and the choices whose stored values may
appear among an entry's changes (a status "before_committee" -> "Before the committee"), so
the trail speaks the page's language. An action nobody registered shows as its code.
"""

from collections.abc import Iterable, Mapping

from django.db.models import Choices
from django.utils.functional import Promise

_action_labels: dict[str, Promise | str] = {}
_value_choices: list[type[Choices]] = []


def register_action_labels(labels: Mapping[str, Promise | str]) -> None:
    _action_labels.update(labels)


def register_value_choices(choices: Iterable[type[Choices]]) -> None:
    """Idempotent: `ready()` may run more than once (tests, autoreload)."""
    for choice in choices:
        if choice not in _value_choices:
            _value_choices.append(choice)


def action_label(action: str) -> str:
    return str(_action_labels.get(action, action))


def value_labels() -> dict[str, str]:
    """Stored choice values -> their label in the active language."""
    labels: dict[str, str] = {}
    for choices in _value_choices:
        labels.update({value: str(label) for value, label in choices.choices})
    return labels
