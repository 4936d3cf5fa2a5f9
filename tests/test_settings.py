"""The settings switch from the embedded default to production by environment variables only."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "miqua.example.org",
    "DATABASE_URL": "postgres://miqua@db.internal:5432/miqua",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.internal:587",
}


def _run(code: str, env: dict[str, str]) -> str:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "miqua.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


SHOW = """
import django
django.setup()
from django.conf import settings as s
print(s.DATABASES["default"]["ENGINE"], s.DATABASES["default"]["NAME"])
print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)
print(s.CACHES["default"]["BACKEND"])
print(s.EMAIL_BACKEND)
print(s.TIME_ZONE, s.LANGUAGE_CODE)
print(s.SESSION_ENGINE)
"""


def test_without_environment_it_runs_embedded():
    out = _run(SHOW, {}).splitlines()
    assert out[0].startswith("django.db.backends.sqlite3 ")
    assert out[0].endswith("db.sqlite3")
    assert out[1] == "True memory://"
    assert out[2] == "django.core.cache.backends.locmem.LocMemCache"
    assert out[3] == "django.core.mail.backends.console.EmailBackend"
    assert out[4] == "Europe/Berlin de"
    assert out[5] == "django.contrib.sessions.backends.db"


def test_environment_switches_to_postgres_redis_and_smtp():
    out = _run(SHOW, PRODUCTION_ENV).splitlines()
    assert out[0] == "django.db.backends.postgresql miqua"
    assert out[1] == "False redis://cache.internal:6379/0"
    assert out[2] == "miqua.cache.ReusedClientRedisCache"
    assert out[3] == "django.core.mail.backends.smtp.EmailBackend"
    # Sessions read from Redis, written through to the database.
    assert out[5] == "django.contrib.sessions.backends.cached_db"


def test_sqlite_url_with_absolute_path(tmp_path):
    out = _run(SHOW, {"DATABASE_URL": f"sqlite:///{tmp_path}/miqua.sqlite3"}).splitlines()
    assert out[0] == f"django.db.backends.sqlite3 {tmp_path}/miqua.sqlite3"


def test_deploy_check_reports_no_errors_in_production():
    # --fail-level ERROR: warnings are advice (HSTS preload is the operator's decision).
    _run(
        "import django, sys\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='ERROR')\n",
        PRODUCTION_ENV,
    )


def test_production_refuses_to_start_with_the_development_secret():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "miqua.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr
