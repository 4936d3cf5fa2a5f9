"""The Content-Security-Policy header (issue 12): on every kind of response, the same strict
policy; no inline script, event handler or style in our templates; the one inline style block
(the self-contained error pages) allowed by its hash. tests/browser/test_content_security_policy.py
opens the pages in Chromium and fails on any violation."""

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.clients import client_for
from tests.test_settings import PRODUCTION_ENV, _run

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


# The policy as the browser reads it, every directive but style-src (its hash: tests below).
EXPECTED = directives(
    "default-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self';"
    " font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"
    " frame-ancestors 'none'"
)


def assert_strict_policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no policy on {response.status_code} {response.get('Content-Type')}"
    policy = directives(header)
    style = policy.pop("style-src")
    assert policy == EXPECTED
    assert style[0] == "'self'"
    assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]+={0,2}'", source) for source in style[1:])
    assert "unsafe" not in header
    return {**policy, "style-src": style}


def test_a_page_carries_the_policy(network):
    response = client_for(network.advisor).get(reverse("home"))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_the_login_page_carries_the_policy(db):
    response = Client().get(reverse("account_login"))
    assert response.status_code == 200
    assert_strict_policy(response)


@pytest.mark.parametrize("demo", [False, True], ids=["production", "demo"])
def test_a_404_carries_the_policy_in_production_and_in_the_demo(network, settings, demo):
    # django-csp leaves DEBUG's 404 without one (for Django's technical page); ours needs none.
    settings.DEBUG = demo
    settings.MIQUA_FRIENDLY_ERRORS = True
    response = client_for(network.advisor).get("/no/such/page/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()
    assert_strict_policy(response)


def test_djangos_technical_404_page_is_left_without_the_policy(network, settings):
    # A developer's choice (MIQUA_FRIENDLY_ERRORS=false): the page needs its inline style.
    settings.DEBUG = True
    settings.MIQUA_FRIENDLY_ERRORS = False
    response = client_for(network.advisor).get("/no/such/page/")
    assert "Using the URLconf" in response.content.decode()
    assert "Content-Security-Policy" not in response


@pytest.mark.parametrize("demo", [False, True], ids=["production", "demo"])
def test_the_500_page_carries_the_policy_and_its_style_is_allowed_by_hash(network, settings, demo):
    settings.DEBUG = demo
    settings.MIQUA_FRIENDLY_ERRORS = True
    settings.ROOT_URLCONF = "tests.error_urls"
    client = client_for(network.advisor)
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == 500
    policy = assert_strict_policy(response)
    # The browser hashes the text of the <style> element as it stands in the page.
    (style,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy["style-src"] == ["'self'", f"'sha256-{digest}'"]


def test_an_expired_form_page_carries_the_policy(network):
    client = client_for(network.advisor)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("application_create"), {"first_name": "Ayşe"})
    assert response.status_code == 403
    assert_strict_policy(response)


def test_api_answers_carry_the_policy(network):
    assert_strict_policy(client_for(network.staff).get("/api/v1/loans/"))
    anonymous = Client().get("/api/v1/loans/")
    assert anonymous.status_code == 401
    assert_strict_policy(anonymous)


def test_the_api_docs_and_their_start_up_script_carry_the_policy(network):
    client = client_for(network.staff)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert_strict_policy(response)
    html = response.content.decode()
    # Our page: its style from a static file, none inline.
    assert "<style" not in html
    assert "miqua/api_docs.css" in html
    (script_url,) = [s for s in re.findall(r'src="([^"]+)"', html) if "script" in s]
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert_strict_policy(script)


def test_a_pdf_carries_the_policy(network):
    response = client_for(network.advisor).get(
        reverse("decision_template_pdf", args=[network.own_application.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_strict_policy(response)


STATIC_FILE = """
from django.conf import settings
# The files from the apps' static folders, as `collectstatic` would gather them.
settings.WHITENOISE_USE_FINDERS = True
import django
django.setup()
from django.test import Client
response = Client().get("/static/miqua/site.js", headers={"host": "miqua.example.org"}, secure=True)
print(response.status_code, type(response).__name__)
print(response.get("Content-Security-Policy", ""))
"""


def test_static_files_served_by_whitenoise_carry_the_policy_in_production():
    status, policy = _run(STATIC_FILE, PRODUCTION_ENV).splitlines()
    # WhiteNoise answers the file itself, before the inner middleware: the policy's middleware
    # stands outside it.
    assert status == "200 WhiteNoiseFileResponse"
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


# --- Our templates: no inline script, event handler or style ---------------------------------

# Rendered by WeasyPrint into a PDF (no browser, no policy): their inline style stays.
SERVER_SIDE = ("pdf",)
# The self-contained error pages: their one <style> is allowed by its hash (test above).
HASHED_STYLE = {"_standalone.html"}


def _without_template_syntax(source: str) -> str:
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.DOTALL)
    source = re.sub(r"{#.*?#}", " ", source, flags=re.DOTALL)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.DOTALL)
    return re.sub(r"{{.*?}}", "x", source, flags=re.DOTALL)


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None
        self._script_with_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event handler {name}= on <{tag}>")
            if name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"htmx handler {name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}= on <{tag}>")
        if tag == "style":
            self.found.append("<style> element")
        # A JSON data block (json_script) is not run, and the policy does not apply to it.
        if tag == "script" and names.get("type") != "application/json":
            self._in = tag
            self._script_with_src = bool(names.get("src"))
            if not self._script_with_src:
                self.found.append("inline <script>")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script" and self._script_with_src and data.strip():
            self.found.append("<script src> with code inside")


def inline_code(source: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(_without_template_syntax(source))
    finder.close()
    return finder.found


def _browser_templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if not any(part in SERVER_SIDE for part in path.relative_to(TEMPLATES).parts)
    )


def test_no_template_has_inline_script_event_handler_or_style():
    found = {}
    for path in _browser_templates():
        problems = inline_code(path.read_text())
        if path.name in HASHED_STYLE:
            problems = [p for p in problems if p != "<style> element"]
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems
    assert found == {}


def test_the_scan_sees_what_it_looks_for():
    html = """
    <select name="language" onchange="this.form.submit()">
    <form data-confirm="x"{% if a %} onsubmit="return confirm('{{ q }}')"{% endif %}>
    <a href="javascript:void(0)">x</a>
    <button hx-on:click="alert(3)">x</button>
    <script>alert(1)</script>
    <script src="/static/x.js">alert(2)</script>
    <span style="width: {{ p }}%"></span>
    <style>p { color: red }</style>
    """
    assert inline_code(html) == [
        "event handler onchange= on <select>",
        "event handler onsubmit= on <form>",
        "javascript: URL in href= on <a>",
        "htmx handler hx-on:click= on <button>",
        "inline <script>",
        "<script src> with code inside",
        "style attribute on <span>",
        "<style> element",
    ]


def test_the_scan_lets_pass_what_the_policy_allows():
    html = """
    <form method="post"{% if one %} data-unsaved="true"{% endif %}>
    {% comment %}<a onclick="">{% endcomment %}{# <a onclick=""> #}
    <p>Disrupted on {{ n }} of {{ m }} checked 15ths; based on=this.</p>
    <script src="{% static 'miqua/site.js' %}" defer></script>
    <script id="figures" type="application/json">{"a": 1}</script>
    <meter class="meter" min="0" max="100" value="{{ p }}"></meter>
    """
    assert inline_code(html) == []


def test_the_policy_is_set_for_every_response_by_the_outermost_middleware():
    assert settings.MIDDLEWARE[0] == "miqua.content_policy.ContentSecurityPolicyMiddleware"
