"""What the contact log adds when the app is ready: its permission rules and the contacts
panels of the loan's and the borrower's page. One import in MonitoringConfig.ready() keeps
apps.py's share of it small."""

from credits.extensions import register_borrower_panel, register_loan_panel

from . import permissions  # noqa: F401  (registers the rules)
from .contact_views import BORROWER_CONTACTS_PANEL, CONTACTS_PANEL

register_loan_panel(CONTACTS_PANEL)
register_borrower_panel(BORROWER_CONTACTS_PANEL)
