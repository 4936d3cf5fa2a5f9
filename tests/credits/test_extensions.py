"""The registry through which apps standing on credits add their part to an application
(`credits.extensions`): a panel on its page, a section of the decision template and the
prepare page, and submission checks. Tried with a part made up here, so that credits is seen
to need nothing of guarantors."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django_scopes import scopes_disabled

from credits import extensions, pdf, services
from credits.models import Application
from guarantors.models import Guarantee
from tests.clients import client_for

TEMPLATES = {
    "notes/_panel.html": '<section id="notes">Notiz: {{ notes_text }}</section>',
    "notes/_decision.html": "<h2>Notizen</h2><p>{{ notes_text }}</p>",
    "notes/_prepare.html": "<h3>Notizen</h3><p>{{ notes_text }}</p>",
}


@pytest.fixture
def notes(settings, tmp_path, monkeypatch):
    """A part "notes" of an application, registered after the guarantees."""
    for name, text in TEMPLATES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    part = extensions.ApplicationPart(
        name="notes",
        panel_template="notes/_panel.html",
        panel_context=lambda request, application: {"notes_text": f"für {request.user.email}"},
        decision_template="notes/_decision.html",
        prepare_template="notes/_prepare.html",
        section_context=lambda application: {"notes_text": f"zu {application.reference}"},
        missing_items=lambda application: ["ein Stempel der Notizen"],
    )
    monkeypatch.setattr(extensions, "_parts", {**extensions._parts, part.name: part})
    return part


def test_a_parts_panel_shows_on_the_application_page_after_the_guarantees(network, notes):
    response = client_for(network.advisor).get(
        reverse("application_detail", args=[network.own_application.pk])
    )

    content = response.content.decode()
    assert "Notiz: für advisor@miqua.example" in content
    assert response.context["notes_text"] == "für advisor@miqua.example"
    assert content.index('id="guarantees"') < content.index('id="notes"')
    assert content.index('id="notes"') < content.index('id="documents"')


def test_a_parts_section_shows_in_the_decision_template_and_on_the_prepare_page(network, notes):
    with scopes_disabled():
        Application.objects.filter(pk=network.own_application.pk).update(
            status=Application.Status.SUBMITTED
        )
        application = Application.objects.get(pk=network.own_application.pk)
        html = pdf.render_decision_template_html(application=application)
    expected = f"<p>zu {application.reference}</p>"
    assert expected in html
    assert html.index("Bürgschaften") < html.index("Notizen") < html.index("Leitfragen")

    page = client_for(network.staff).get(reverse("application_prepare", args=[application.pk]))
    assert expected in page.content.decode()


def test_a_parts_missing_items_keep_a_draft_from_being_submitted(network, notes):
    with scopes_disabled():
        application = Application.objects.get(pk=network.own_application.pk)
        assert services.application_missing_items(application=application) == [
            "ein Stempel der Notizen"
        ]


def test_a_part_may_not_set_what_the_page_sets_already(network, notes, monkeypatch):
    clashing = extensions.ApplicationPart(
        name="clash", panel_context=lambda request, application: {"borrower": None}
    )
    monkeypatch.setitem(extensions._parts, clashing.name, clashing)

    with pytest.raises(ImproperlyConfigured, match="clash"):
        client_for(network.advisor).get(
            reverse("application_detail", args=[network.own_application.pk])
        )


def test_credits_itself_asks_for_no_guarantees(network, monkeypatch):
    """The guarantor rule comes from the guarantors' part: without it, nothing else is missing
    of a draft without guarantees."""
    with scopes_disabled():
        Guarantee.objects.filter(application=network.own_application).delete()
        application = Application.objects.get(pk=network.own_application.pk)
        assert services.application_missing_items(application=application)

        monkeypatch.setattr(extensions, "_parts", {})

        assert services.application_missing_items(application=application) == []
