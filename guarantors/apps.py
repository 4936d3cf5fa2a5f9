from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuarantorsConfig(AppConfig):
    name = "guarantors"
    verbose_name = _("Guarantors")
