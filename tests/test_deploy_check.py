"""`manage.py check --deploy` with production's variables warns about nothing but the HSTS
preload, which is the operator's choice (README, "Production"); switching the second factor or
the staff's idle timeout off is reported too."""

import re
import secrets

import pytest

from tests.test_settings import PRODUCTION_ENV, _run

DEPLOY_CHECK = """
import io
import django
django.setup()
from django.core.management import call_command
out = io.StringIO()
call_command("check", deploy=True, fail_level="ERROR", stdout=out, stderr=out)
print(out.getvalue())
"""
CHECK_ID = re.compile(r"\(([a-z_]+\.[A-Z]\d{3})\)")


def deploy_warnings(**env: str) -> set[str]:
    production = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    return set(CHECK_ID.findall(_run(DEPLOY_CHECK, {**production, **env})))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"security.W021"}),
        # Preloading HSTS is the one warning left, and goes away when chosen.
        ({"DJANGO_HSTS_PRELOAD": "true"}, set()),
        (
            {"MIQUA_MFA_REQUIRED": "false", "MIQUA_STAFF_IDLE_MINUTES": "0"},
            {"security.W021", "accounts.W001", "accounts.W002"},
        ),
    ],
    ids=["production", "hsts-preload", "mfa-and-idle-off"],
)
def test_the_deploy_check_warns_only_about_the_hsts_preload(env, expected):
    assert deploy_warnings(**env) == expected
