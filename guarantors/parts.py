"""The guarantees as a part of an application (see `credits.extensions`): the panel on the
application page, the section of the decision template and the prepare page, and the rule that
keeps a draft without enough guarantees from being submitted."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from credits.extensions import ApplicationPart
from credits.models import Application
from miqua.audit.read_cache import cached_for
from miqua.money import format_eur

from . import selectors
from .forms import GuaranteeForm


def panel_context(request: HttpRequest, application: Application) -> Mapping[str, Any]:
    can_manage = request.user.has_perm("guarantors.manage_guarantees", application)
    # Kept until the data changes (miqua/audit/read_cache.py).
    cover = cached_for(
        application, "guarantee-cover", lambda: selectors.guarantee_cover(application=application)
    )
    return {
        "guarantees": cached_for(
            application,
            "guarantees",
            lambda: selectors.guarantees_with_open_totals(application=application),
        ),
        "cover": cover,
        "missing_guarantors": cover.missing_count,
        "can_manage_guarantees": can_manage,
        "guarantee_form": GuaranteeForm(application=application) if can_manage else None,
    }


def section_context(application: Application) -> Mapping[str, Any]:
    return {
        "guarantees": selectors.guarantees_of(application=application),
        "cover": selectors.guarantee_cover(application=application),
    }


def missing_items(application: Application) -> list[str]:
    """The product's rule: at least so many guarantors, together standing for its share of the
    amount. Without an amount there is nothing to measure the guarantees against yet."""
    if not application.amount:
        return []
    cover = selectors.guarantee_cover(application=application)
    missing: list[str] = []
    if cover.count < cover.required_count:
        missing.append(
            _("at least %(n)s guarantors (so far %(count)s)")
            % {"n": cover.required_count, "count": cover.count}
        )
    if cover.total < cover.required_total:
        missing.append(
            _("guarantees of at least %(required)s together (so far %(total)s)")
            % {"required": format_eur(cover.required_total), "total": format_eur(cover.total)}
        )
    return missing


GUARANTEES = ApplicationPart(
    name="guarantees",
    panel_template="guarantors/_guarantees.html",
    panel_context=panel_context,
    decision_template="guarantors/pdf/_decision_template_section.html",
    prepare_template="guarantors/_prepare_section.html",
    section_context=section_context,
    missing_items=missing_items,
)
