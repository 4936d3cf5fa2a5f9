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
    "vote.recorded": _("Vote at the meeting recorded"),
}


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Award committees")

    def ready(self) -> None:
        from credits.extensions import register_application_part
        from credits.permissions import register_application_reader
        from miqua.accounts.models import Role
        from miqua.accounts.scoping import register_visible_quarters
        from miqua.audit import registry as audit_registry
        from miqua.personal_data import register_personal_data

        from . import permissions  # (registers the rules)
        from .models import Ballot, BallotCase
        from .parts import COMMITTEE
        from .personal_data import HOLDINGS
        from .selectors import member_quarter_ids

        audit_registry.register_action_labels(AUDIT_ACTIONS)
        audit_registry.register_value_choices([Ballot.Kind, BallotCase.Result])
        # What a committee member may see and read is known here, not in the apps below:
        # the quarters of their committees, and the applications before those committees.
        register_visible_quarters(Role.COMMITTEE_MEMBER, member_quarter_ids)
        register_application_reader(permissions.reads_case_before_their_committee)
        # credits does not import committees: the ballots show on the application's page
        # through its registry.
        register_application_part(COMMITTEE)
        # What it holds about a borrower, for the GDPR duties (miqua.personal_data).
        register_personal_data(holdings=HOLDINGS)
