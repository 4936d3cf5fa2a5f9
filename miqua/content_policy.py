"""The Content-Security-Policy header on every response (the policy: CONTENT_SECURITY_POLICY in
miqua/settings.py).

django-csp's middleware, with one change: under DEBUG it leaves 404 and 500 answers without a
policy, because Django's technical pages carry inline script and style. With
MIQUA_FRIENDLY_ERRORS (the demo's default) those answers are our own pages, which need no
exception, so they get the header like every other response.
"""

from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from miqua.errors import friendly_in_debug


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if (
            HEADER not in response
            and response.status_code in (404, 500)
            and friendly_in_debug()
            and not getattr(response, "_csp_exempt", False)
        ):
            parts = self.get_policy_parts(request=request, response=response)
            response[HEADER] = build_policy(**asdict(parts))
        return response
