"""Writes about people: inviting users, their language."""

from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from miqua.audit.services import audit_record
from quarters.models import Municipality, Organisation, Quarter

from .models import Role, User
from .tasks import send_email


def _validate_role_links(
    *, role: str, quarters: list[Quarter], municipality: Municipality | None
) -> None:
    errors: dict[str, ValidationError] = {}
    if role == Role.ADVISOR and not quarters:
        errors["quarters"] = ValidationError(
            _("An advisor needs at least one quarter. Please choose their quarter(s)."),
            code="required",
        )
    if role != Role.ADVISOR and quarters:
        errors["quarters"] = ValidationError(
            _("Only advisors are assigned to quarters. Please remove the quarters."),
            code="not_advisor",
        )
    if role == Role.MUNICIPALITY_VIEWER and municipality is None:
        errors["municipality"] = ValidationError(
            _("A municipality viewer needs their municipality. Please choose it."),
            code="required",
        )
    if role != Role.MUNICIPALITY_VIEWER and municipality is not None:
        errors["municipality"] = ValidationError(
            _("Only municipality viewers belong to a municipality. Please clear the field."),
            code="not_viewer",
        )
    if errors:
        raise ValidationError(errors)


def invite_link(*, user: User, base_url: str) -> str:
    """The link with which an invited user sets their first password (allauth's reset flow)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def user_invite(
    *,
    email: str,
    full_name: str,
    role: str,
    quarters: Iterable[Quarter] = (),
    municipality: Municipality | None = None,
    organisation: Organisation | None = None,
    language: str = settings.LANGUAGE_CODE,
    base_url: str,
    actor: User,
) -> User:
    """Create an account without a password and email the person a link to set one.

    There is no public sign-up: only the back office brings people in.
    """
    if not actor.has_perm("accounts.invite_user"):
        raise PermissionDenied
    if role == Role.ADMINISTRATOR and not actor.has_perm("accounts.invite_administrator"):
        raise ValidationError(
            {"role": _("Only an administrator can invite another administrator.")}
        )
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("There is already an account with this email address.")})
    quarter_list = list(quarters)
    _validate_role_links(role=role, quarters=quarter_list, municipality=municipality)
    user = User.objects.create_user(
        email=email,
        full_name=full_name.strip(),
        role=role,
        municipality=municipality,
        organisation=organisation,
        language=language,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    user.advised_quarters.set(quarter_list)
    audit_record(
        actor=actor,
        action="user.invited",
        obj=user,
        changes={
            "email": email,
            "role": role,
            "quarters": [q.name for q in quarter_list],
            "municipality": municipality,
        },
    )
    link = invite_link(user=user, base_url=base_url)
    with translation.override(language):
        subject = _("Your MIQUA account")
        body = render_to_string(
            "accounts/email/invite.txt", {"user": user, "link": link, "actor": actor}
        )
    transaction.on_commit(
        lambda: send_email.delay(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=body, to=[email]
        )
    )
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("This language is not available.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- The second factor -------------------------------------------------------------------------
# allauth's MFA pages are the services by which people add and remove their own factors; its
# signals (connected in apps.py) leave the audit entries. An administrator removes a lost one in
# the admin, through `second_factor_remove`.


def second_factor_audit(
    *, user: User, authenticator: Authenticator, change: str, actor: User | None = None
) -> None:
    """One audit entry on the user: a factor of `authenticator.type` was added, removed or
    (recovery codes) renewed. The factor's secret is never part of it."""
    audit_record(
        actor=actor or user,
        action=f"user.second_factor_{change}",
        obj=user,
        changes={"factor": authenticator.type},
    )


@transaction.atomic
def second_factor_remove(*, authenticator: Authenticator, actor: User) -> None:
    """Remove a person's lost factor (a phone gone, a key broken); with their last one, their
    recovery codes go too. Where their role requires a second factor, they set up a new one at
    their next page."""
    if not actor.is_superuser:
        raise PermissionDenied
    user = authenticator.user
    deleted, _counts = Authenticator.objects.filter(pk=authenticator.pk).delete()
    if not deleted:
        return  # gone already, with the owner's last factor removed just before
    removed = [authenticator]
    others = Authenticator.objects.filter(user_id=user.pk)
    if not others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists():
        removed += list(others)
        others.delete()
    for factor in removed:
        second_factor_audit(user=user, authenticator=factor, change="removed", actor=actor)


def on_authenticator_added(
    sender: object, user: User, authenticator: Authenticator, **kw: object
) -> None:
    second_factor_audit(user=user, authenticator=authenticator, change="added")


def on_authenticator_removed(
    sender: object, user: User, authenticator: Authenticator, **kw: object
) -> None:
    second_factor_audit(user=user, authenticator=authenticator, change="removed")


def on_authenticator_reset(
    sender: object, user: User, authenticator: Authenticator, **kw: object
) -> None:
    second_factor_audit(user=user, authenticator=authenticator, change="renewed")
