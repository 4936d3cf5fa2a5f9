from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = _("Credit applications and loans")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
