"""docker-compose.yml as Docker Compose reads it (`config`, no image pulled, no container
started): it refuses to start without DJANGO_SECRET_KEY; with one, web and worker share the
database, Redis and MinIO's bucket, and the healthchecks ask /health/ and the worker itself."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE_FILE = str(ROOT / "docker-compose.yml")


def compose_command() -> list[str]:
    """Compose v2 (the docker CLI's plugin) or v1 (`docker-compose`, Debian's package)."""
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [docker, "compose"]
    compose = shutil.which("docker-compose")
    if compose:
        return [compose]
    pytest.skip("needs Docker Compose (`docker compose` or `docker-compose`)")


def compose_config(**environment: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MINIO_"))}
    return subprocess.run(
        [*compose_command(), "--project-directory", str(ROOT), "--file", COMPOSE_FILE, "config"],
        cwd=ROOT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_refuses_to_start_without_a_secret_key():
    result = compose_config()
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr
    assert compose_config(DJANGO_SECRET_KEY="").returncode != 0


def test_compose_takes_the_secret_key_from_the_environment():
    result = compose_config(DJANGO_SECRET_KEY="a-secret-of-the-operator-" + "x" * 30)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    app_services = ("migrate", "web", "worker", "worker-checks", "beat")
    for name in app_services:
        environment = services[name]["environment"]
        assert environment["DJANGO_SECRET_KEY"] == "a-secret-of-the-operator-" + "x" * 30
        # Stateless: the database, Redis and the bucket are shared services.
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["MIQUA_S3_BUCKET"] == "miqua-documents"
        assert environment["MIQUA_S3_ENDPOINT_URL"] == "http://minio:9000"
    web_check = json.dumps(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/" in web_check
    for worker in ("worker", "worker-checks"):
        assert "inspect ping" in json.dumps(services[worker]["healthcheck"]["test"])
    # Only the proxy is published, so web can run more than once.
    assert "ports" not in services["web"]
    assert services["proxy"]["ports"]


def test_no_secret_key_is_written_in_the_file():
    text = (ROOT / "docker-compose.yml").read_text()
    raw = yaml.safe_load(text)["x-app-environment"]["DJANGO_SECRET_KEY"]
    assert raw.startswith("${DJANGO_SECRET_KEY:?")
    assert "change-me" not in text
