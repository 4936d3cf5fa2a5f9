"""The OpenAPI document and its Swagger UI: for signed-in users, every endpoint described,
the page's assets from our own static files (no CDN) and no inline script."""

import json
import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.api.endpoints import COLLECTIONS
from tests.clients import client_for

ENDPOINTS = (
    {f"/api/v1/{name}/" for name in COLLECTIONS}
    | {f"/api/v1/{name}/{{id}}/" for name in COLLECTIONS}
    | {"/api/v1/dashboard/portfolio/", "/api/v1/dashboard/municipalities/{id}/"}
)
# The writes, through the pages' services.
WRITES = {
    ("/api/v1/applications/", "post"),
    ("/api/v1/applications/{id}/", "patch"),
    ("/api/v1/votes/", "post"),
    ("/api/v1/payments/", "post"),
    ("/api/v1/contacts/", "post"),
}


def test_the_schema_describes_every_endpoint(network):
    response = client_for(network.advisor).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "MIQUA API"
    assert set(document["paths"]) == ENDPOINTS
    writes = {
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
        if method not in ("get", "parameters")
    }
    assert writes == WRITES
    application_list = document["paths"]["/api/v1/applications/"]["get"]
    assert {p["name"] for p in application_list["parameters"]} >= {"q", "quarter", "status"}
    loan_list = document["paths"]["/api/v1/loans/"]["get"]
    assert {p["name"] for p in loan_list["parameters"]} >= {"page", "quarter", "status"}
    check_list = document["paths"]["/api/v1/checks/"]["get"]
    assert {p["name"] for p in check_list["parameters"]} >= {"as_of_after", "as_of_before"}
    loan = document["components"]["schemas"]["Loan"]["properties"]
    assert "iban" not in loan
    assert {"arrears", "borrower_name", "contract_number"} <= set(loan)


def test_the_schema_and_docs_are_for_signed_in_users_only(db):
    client = Client()
    assert client.get(reverse("api-schema")).status_code == 401
    assert client.get(reverse("api-docs")).status_code == 401


def test_the_docs_load_only_local_assets_and_no_inline_script(network):
    response = client_for(network.staff).get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://", html) == []
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(s.startswith("/") for s in sources), sources
    assert any("drf_spectacular_sidecar" in s for s in sources)
    # Every <script> has a src: its start-up code comes from the split view's own URL.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)


def test_the_docs_start_up_script_points_at_the_schema(network):
    client = client_for(network.staff)
    html = client.get(reverse("api-docs")).content.decode()
    (script_url,) = [s for s in re.findall(r'src="([^"]+)"', html) if "script" in s]
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert reverse("api-schema") in script.content.decode()


def test_the_schema_builds_without_warnings_outside_a_request(tmp_path):
    """`manage.py spectacular` (no request, no scope): every viewset names its model, every
    field its type, and the document is valid OpenAPI."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/loans/{id}/" in target.read_text()
