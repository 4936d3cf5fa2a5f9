from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "miqua.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.signals import user_logged_in

        from miqua.audit import registry as audit_registry

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            middleware,
            permissions,  # noqa: F401  (registers the rules)
            services,
        )

        user_logged_in.connect(
            middleware.stamp_activity_at_sign_in, dispatch_uid="accounts.stamp_activity"
        )

        # The second factor's changes in the audit trail (allauth's MFA pages make them).
        mfa_signals.authenticator_added.connect(
            services.on_authenticator_added, dispatch_uid="accounts.second_factor_added"
        )
        mfa_signals.authenticator_removed.connect(
            services.on_authenticator_removed, dispatch_uid="accounts.second_factor_removed"
        )
        mfa_signals.authenticator_reset.connect(
            services.on_authenticator_reset, dispatch_uid="accounts.second_factor_renewed"
        )
        audit_registry.register_action_labels(
            {
                "user.second_factor_added": _("Second factor set up"),
                "user.second_factor_removed": _("Second factor removed"),
                "user.second_factor_renewed": _("Recovery codes renewed"),
            }
        )
        audit_registry.register_value_choices([Authenticator.Type])
