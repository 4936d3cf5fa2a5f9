from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "miqua.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from . import read_cache

        request_started.connect(read_cache.request_started, dispatch_uid="read_cache_started")
        request_finished.connect(read_cache.request_finished, dispatch_uid="read_cache_finished")
