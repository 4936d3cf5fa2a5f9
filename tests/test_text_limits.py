"""Free texts have limits: on the model field, shown in the form, checked by the service; and the
documents made of them stay quick to render."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from credits import services
from credits.forms import RequestForm
from credits.models import Application
from credits.pdf import render_decision_template_html
from miqua import pdf
from miqua.audit.models import AuditEntry

OUR_APPS = ("quarters", "credits", "guarantors", "committees", "monitoring", "miqua")

# Text fields whose content is put together by the app rather than typed into one box: a status
# change records a step's comment or a committee's joined conditions, a case the conditions of
# all its members' votes.
COMPOSED_OR_ELSEWHERE = {
    ("credits", "applicationtransition", "comment"),
    ("committees", "ballotcase", "conditions"),
}


def _our_form_classes() -> list[type[forms.BaseForm]]:
    for package in ("quarters", "credits", "guarantors", "committees", "miqua"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" in info.name or ".management" in info.name or "tests" in info.name:
                continue
            last = info.name.rsplit(".", 1)[-1]
            if last in {"forms", "views", "admin"} or ".views." in info.name:
                importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type] = [forms.Form]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in OUR_APPS:
            found.append(cls)
    return found


def test_every_free_text_box_of_our_forms_has_a_limit():
    classes = _our_form_classes()
    assert len(classes) > 10
    unlimited = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field.widget, forms.Textarea) and not getattr(field, "max_length", None)
    ]
    assert unlimited == []


def test_every_text_field_of_our_models_has_a_limit():
    unlimited = [
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        if model._meta.app_label in {"quarters", "credits", "guarantors", "committees", "audit"}
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert sorted(set(unlimited) - COMPOSED_OR_ELSEWHERE) == []


@pytest.mark.parametrize(
    ("language", "shown"), [("de", "Höchstens 2.000 Zeichen."), ("en", "At most 2,000 characters.")]
)
def test_the_form_shows_the_limit_and_the_browser_keeps_to_it(network, language, shown):
    with override(language), scopes_disabled():
        html = RequestForm(application=network.own_application)["purpose"].as_field_group()
    assert shown in html
    assert 'maxlength="2000"' in html


def test_the_form_refuses_a_text_over_the_limit(network):
    with scopes_disabled():
        form = RequestForm(data={"purpose": "x" * 2001}, application=network.own_application)
        assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["purpose"]] == ["max_length"]


def _fresh(application: Application) -> Application:
    with scopes_disabled():
        return Application.objects.get(pk=application.pk)


def test_the_service_refuses_a_text_over_the_limit_and_writes_nothing(network):
    with scopes_disabled():
        before = AuditEntry.objects.count()
    with scope(quarter=None), override("en"), pytest.raises(ValidationError) as excinfo:
        services.application_update(
            application=network.own_application,
            data={"purpose": "Nähmaschine " * 1000},
            actor=network.advisor,
        )
    assert excinfo.value.error_dict["purpose"][0].code == "max_length"
    assert "2,000" in excinfo.value.message_dict["purpose"][0]
    assert _fresh(network.own_application).purpose == "Zweite Nähmaschine"
    with scopes_disabled():
        assert AuditEntry.objects.count() == before


def test_the_service_accepts_a_text_at_the_limit(network):
    with scope(quarter=None):
        services.application_update(
            application=network.own_application, data={"purpose": "x" * 2000}, actor=network.advisor
        )
    assert len(_fresh(network.own_application).purpose) == 2000


def test_the_back_office_texts_are_limited_in_the_service_too(network):
    with scopes_disabled():
        Application.objects.filter(pk=network.own_application.pk).update(
            status=Application.Status.SUBMITTED
        )
    with scope(quarter=None), pytest.raises(ValidationError) as excinfo:
        services.application_prepare(
            application=_fresh(network.own_application),
            staff_assessment="x" * 10001,
            recommendation="ok",
            actor=network.staff,
        )
    assert set(excinfo.value.error_dict) == {"staff_assessment"}


def test_a_steps_comment_is_limited_in_the_service(network):
    with scope(quarter=None), pytest.raises(ValidationError) as excinfo:
        services.application_transition(
            application=network.own_application,
            name="submit",
            actor=network.advisor,
            comment="x" * 4001,
        )
    assert "comment" in excinfo.value.error_dict


# --- documents ----------------------------------------------------------------------------------


def test_a_decision_template_with_every_text_at_its_limit_stays_well_below_the_pdf_cap(network):
    application = _fresh(network.own_application)
    for field in application._meta.get_fields():
        if isinstance(field, models.TextField) and field.max_length:
            setattr(application, field.name, "Wort " * (field.max_length // 5))
    with scopes_disabled():
        html = render_decision_template_html(application=application)
    assert len(html) < pdf.MAX_HTML_CHARS / 2


def test_html_over_the_cap_is_refused_before_rendering(monkeypatch):
    monkeypatch.setattr("weasyprint.HTML", None)  # would fail if it were reached
    with pytest.raises(pdf.DocumentTooLarge):
        pdf.html_to_pdf("<p>" + "x" * pdf.MAX_HTML_CHARS + "</p>")


def test_a_document_over_the_cap_shows_a_page_that_says_what_to_do(network, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_HTML_CHARS", 1000)
    client = Client()
    client.force_login(network.staff)

    response = client.get(reverse("decision_template_pdf", args=[network.own_application.pk]))

    assert response.status_code == 422
    content = response.content.decode()
    assert "zu lang" in content
    assert "kürzen" in content
