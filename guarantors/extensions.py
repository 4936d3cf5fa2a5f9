"""Panels that apps standing on guarantors add to a guarantor's page, as credits does for the
borrower's page (`credits.extensions`): the app registers a panel in its `AppConfig.ready()`,
guarantors never imports it."""

from typing import Any

from django.http import HttpRequest

from credits.extensions import PagePanel, PanelRegistry

GuarantorPanel = PagePanel

_guarantor_panels = PanelRegistry("guarantor", "guarantor_panels")


def register_guarantor_panel(panel: GuarantorPanel) -> None:
    _guarantor_panels.register(panel)


def add_guarantor_panels(context: dict[str, Any], request: HttpRequest, guarantor: Any) -> None:
    """Add the registered panels to the guarantor page's `context`: their keys, and
    `guarantor_panels`, the templates to include."""
    _guarantor_panels.add(context, request, guarantor)
