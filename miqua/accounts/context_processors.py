from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The pages below a menu entry keep it marked as the current one.
_SECTIONS = {
    "ballot_list": {"ballot_create", "ballot_detail"},
    "loan_list": {"loan_detail", "loan_confirm", "loan_record_outside"},
}

# (url name, label, permission or None for every signed-in user)
_NAVIGATION = [
    ("home", _("Overview"), None),
    ("application_list", _("Applications"), "credits.view_application"),
    ("loan_list", _("Loans"), "credits.view_loan"),
    # Advisors only: the back office's menu is full (tests/browser/test_layout.py); staff reach
    # the worklist from their home page.
    ("contact_worklist", _("Contacts"), "monitoring.view_contact_menu"),
    ("disrupted_loans", _("Disrupted loans"), "monitoring.view_contact_menu"),
    ("ballot_list", _("Committee votes"), "committees.view_ballots"),
    ("user_list", _("Users"), "accounts.view_user_list"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu shows each role only what it may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = getattr(request.resolver_match, "url_name", None)
    items = [
        {
            "url": reverse(name),
            "label": label,
            "active": name == current or current in _SECTIONS.get(name, ()),
        }
        for name, label, perm in _NAVIGATION
        if perm is None or user.has_perm(perm)
    ]
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "active": False})
    return {"nav_items": items}
