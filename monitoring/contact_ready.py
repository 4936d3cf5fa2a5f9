"""What the contact log adds when the app is ready: its permission rules and the loan page's
contacts panel. One import in MonitoringConfig.ready() keeps apps.py's share of it small."""

from credits.extensions import register_loan_panel

from . import permissions  # noqa: F401  (registers the rules)
from .contact_views import CONTACTS_PANEL

register_loan_panel(CONTACTS_PANEL)
