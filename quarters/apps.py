from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuartersConfig(AppConfig):
    name = "quarters"
    verbose_name = _("Network")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
