"""Parts of an application that apps standing on credits add to it.

Why this exists: credits is a lower floor than the apps that build on applications
(guarantors, and later others), so it may not import them, lazily or not. Yet the application
page shows the guarantees, the decision template lists them, and a draft without enough
guarantors must not be submitted. So a higher app describes its part here, in its
`AppConfig.ready()`, and credits asks this registry, never the app: the lower floor learns of
the higher one only through it.

A part may bring any of:
- a panel on the application page: `panel_template`, rendered with the page's context plus
  what `panel_context(request, application)` returns. The page's keyword overrides are applied
  last, so a view can show its bound form with errors again
  (`render_application_detail(..., guarantee_form=form)`);
- a section of the decision template: `decision_template` in the German PDF and
  `prepare_template` on the back office's prepare page, both rendered with what
  `section_context(application)` returns;
- submission checks: `missing_items(application)`, sentences appended to
  `credits.services.application_missing_items`, so they keep a draft from being submitted.

The context of every part lands in the same template context as credits' own, so a part names
its keys after itself ("guarantees", "guarantee_form"); a key that is there already is an error,
not a silent overwrite.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from .models import Application

PanelContext = Callable[[HttpRequest, Application], Mapping[str, Any]]
SectionContext = Callable[[Application], Mapping[str, Any]]
MissingItems = Callable[[Application], Iterable[str]]


@dataclass(frozen=True)
class ApplicationPart:
    """One app's part of an application; every piece is optional."""

    name: str
    # The application page: a panel between the earlier loans and the documents.
    panel_template: str = ""
    panel_context: PanelContext | None = None
    # The decision template: a section after the request, in the PDF (German) and on the
    # prepare page (the user's language), both with `section_context`.
    decision_template: str = ""
    prepare_template: str = ""
    section_context: SectionContext | None = None
    # What still keeps a draft from being submitted, as sentences a person can act on.
    missing_items: MissingItems | None = None


_parts: dict[str, ApplicationPart] = {}


def register_application_part(part: ApplicationPart) -> None:
    """Add (or, under the same name, replace) a part. Parts show in the order registered, which
    is the order of INSTALLED_APPS."""
    _parts[part.name] = part


def application_parts() -> tuple[ApplicationPart, ...]:
    return tuple(_parts.values())


def _merge(context: dict[str, Any], added: Mapping[str, Any], part: ApplicationPart) -> None:
    clash = sorted(context.keys() & added.keys())
    if clash:
        raise ImproperlyConfigured(f"The application part {part.name!r} sets {clash} again.")
    context.update(added)


def add_panels(context: dict[str, Any], request: HttpRequest, application: Application) -> None:
    """Add the parts to the application page's `context`: what each part's panel needs, and
    `application_panels`, the templates to include where the panels go."""
    parts = application_parts()
    for part in parts:
        if part.panel_context is not None:
            _merge(context, part.panel_context(request, application), part)
    context["application_panels"] = [p.panel_template for p in parts if p.panel_template]


def add_sections(context: dict[str, Any], application: Application) -> None:
    """Add the parts to the `context` of the decision template or the prepare page: what each
    part's section needs, and the templates to include (`decision_sections` in the PDF,
    `prepare_sections` on the page)."""
    parts = application_parts()
    for part in parts:
        if part.section_context is not None:
            _merge(context, part.section_context(application), part)
    context["decision_sections"] = [p.decision_template for p in parts if p.decision_template]
    context["prepare_sections"] = [p.prepare_template for p in parts if p.prepare_template]


def missing_items(application: Application) -> list[str]:
    """What the parts say still keeps this draft from being submitted."""
    return [
        item
        for part in application_parts()
        if part.missing_items is not None
        for item in part.missing_items(application)
    ]


# --- Loans and borrowers ----------------------------------------------------------------------
#
# The loan page works the same way: an app standing on credits (guarantors: the claims of a
# defaulted loan) or a module of credits that keeps a loan (rescheduling, default) adds a panel
# with its own template and context. So does the borrower's page (monitoring: the contacts).
# Panels show in the order of `order`, then registration.

PagePanelContext = Callable[[HttpRequest, Any], Mapping[str, Any]]


@dataclass(frozen=True)
class PagePanel:
    """A panel of a page about one object: `template` rendered with the page's context plus
    what `context(request, obj)` returns."""

    name: str
    template: str
    context: PagePanelContext | None = None
    order: int = 100


# The same shape on either page; the names say which page a panel is meant for.
LoanPanel = PagePanel
BorrowerPanel = PagePanel


class PanelRegistry:
    """The panels of one page (`page`: its name in messages); `add` puts them into the page's
    context, the templates to include under `key`."""

    def __init__(self, page: str, key: str) -> None:
        self.page = page
        self.key = key
        self._panels: dict[str, PagePanel] = {}

    def register(self, panel: PagePanel) -> None:
        self._panels[panel.name] = panel

    def panels(self) -> tuple[PagePanel, ...]:
        return tuple(sorted(self._panels.values(), key=lambda p: p.order))

    def add(self, context: dict[str, Any], request: HttpRequest, obj: Any) -> None:
        panels = self.panels()
        for panel in panels:
            if panel.context is not None:
                added = panel.context(request, obj)
                clash = sorted(context.keys() & added.keys())
                if clash:
                    raise ImproperlyConfigured(
                        f"The {self.page} panel {panel.name!r} sets {clash} again."
                    )
                context.update(added)
        context[self.key] = [p.template for p in panels]


_loan_panels = PanelRegistry("loan", "loan_panels")
_borrower_panels = PanelRegistry("borrower", "borrower_panels")


def register_loan_panel(panel: LoanPanel) -> None:
    _loan_panels.register(panel)


def loan_panels() -> tuple[LoanPanel, ...]:
    return _loan_panels.panels()


def add_loan_panels(context: dict[str, Any], request: HttpRequest, loan: Any) -> None:
    """Add the registered panels to the loan page's `context`: their keys, and `loan_panels`,
    the templates to include."""
    _loan_panels.add(context, request, loan)


def register_borrower_panel(panel: BorrowerPanel) -> None:
    _borrower_panels.register(panel)


def add_borrower_panels(context: dict[str, Any], request: HttpRequest, borrower: Any) -> None:
    """Add the registered panels to the borrower page's `context`: their keys, and
    `borrower_panels`, the templates to include."""
    _borrower_panels.add(context, request, borrower)


# What happens when a loan defaults, beyond credits: the guarantors are claimed first. A
# handler gets (loan=, remaining=, day=, actor=) by keyword (`remaining`: the principal not yet
# claimed) and returns the amount it claimed from others (the guarantors), at most
# `remaining`; credits writes off the rest against the quarter's fund.
DefaultHandler = Callable[..., Any]
_default_handlers: list[DefaultHandler] = []


def register_default_handler(handler: DefaultHandler) -> None:
    if handler not in _default_handlers:
        _default_handlers.append(handler)


def default_handlers() -> tuple[DefaultHandler, ...]:
    return tuple(_default_handlers)


# Money recovered after a default goes back the way the loss came (`credits.servicing`): the
# fund first, then what a handler registered here takes (the guarantors' claims). A handler
# gets (loan=, amount=, day=, actor=) by keyword and returns the amount it took, at most
# `amount`.
RecoveryHandler = Callable[..., Any]
_recovery_handlers: list[RecoveryHandler] = []


def register_recovery_handler(handler: RecoveryHandler) -> None:
    if handler not in _recovery_handlers:
        _recovery_handlers.append(handler)


def recovery_handlers() -> tuple[RecoveryHandler, ...]:
    return tuple(_recovery_handlers)
