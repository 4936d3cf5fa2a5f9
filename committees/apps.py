from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the committee services write into the audit trail, as the pages name it.
AUDIT_ACTIONS = {
    "ballot.opened": _("Committee vote opened"),
    "ballot.attendance": _("Attendance recorded"),
    "ballot.closed": _("Committee vote closed"),
    "vote.cast": _("Vote cast"),
    "vote.changed": _("Vote changed"),
    "vote.recused": _("Conflict of interest declared"),
}


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Award committees")

    def ready(self) -> None:
        from miqua.audit import registry as audit_registry

        from . import permissions  # noqa: F401  (registers the rules)
        from .models import Ballot, BallotCase

        audit_registry.register_action_labels(AUDIT_ACTIONS)
        audit_registry.register_value_choices([Ballot.Kind, BallotCase.Result])
