"""Backups (miqua/ops/backup.py): the demo network (short history) and a stored document are
backed up from the test database, the archive is restored by the `restore` command in a
process of its own into a new, empty database and document folder, and there every model's
row count and every figure of the portfolio and municipality dashboards are the same as in the
original.

On whatever database the suite runs on: SQLite by default, PostgreSQL with DATABASE_URL (CI).
The SQLite backup API itself is tried on plain SQLite files below, so CI covers it too."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from credits.models import Application
from miqua.ops import backup
from tests.credits.test_documents import TINY_PDF, stored_document
from tests.demo_seed import seeded_once

from .backup_figures import figures

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=folder):
        yield folder


@pytest.fixture(scope="module")
def seeded(media, django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo network, committed, with one uploaded document."""
    with seeded_once(django_db_blocker), django_db_blocker.unblock(), scopes_disabled():
        stored_document(Application.objects.order_by("pk").first())
        yield


@pytest.fixture(scope="module")
def archive(seeded, django_db_blocker, tmp_path_factory) -> Path:
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("backup", output=f"{tmp_path_factory.mktemp('backups')}/", stdout=out)
    [path] = (Path(word) for word in out.getvalue().split() if word.endswith(".tar.gz"))
    return path


@contextmanager
def a_new_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the suite's kind, as a DATABASE_URL."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{params['NAME']}_restored"
    user = quote(params.get("USER") or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    host = f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}"
    server = f"postgres://{user}{password}@{host}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    """Python in a process of its own, as an operator runs it, on the given database."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "miqua.settings",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


@pytest.mark.django_db
def test_a_restored_backup_has_every_row_and_every_dashboard_figure(archive, media, tmp_path):
    today = timezone.localdate()
    before = figures(today)
    # The demo's figures are there to compare (an empty dashboard would prove nothing).
    assert before["rows"]["credits.Loan"] > 10
    assert before["rows"]["credits.ApplicationDocument"] == 1
    assert before["portfolio"]["quarters"]
    assert before["municipalities"]["offenbach"]["by_quarter"]

    restored_media = tmp_path / "media"
    with a_new_database(tmp_path) as url:
        # `manage.py restore`, then the figures, in a process of its own on the new database.
        restored = manage(
            "-m",
            "tests.ops.backup_figures",
            today.isoformat(),
            str(archive),
            database_url=url,
            media_root=restored_media,
        )
    assert restored.returncode == 0, restored.stderr
    answer = json.loads(restored.stdout)
    assert "and 1 document." in answer["restore"]
    after = answer["figures"]

    assert after["rows"] == before["rows"]
    assert after["portfolio"] == before["portfolio"]
    assert after["municipalities"] == before["municipalities"]
    [document] = [p for p in media.rglob("*") if p.is_file()]
    assert (restored_media / document.relative_to(media)).read_bytes() == TINY_PDF


@pytest.mark.django_db
def test_a_database_in_use_is_not_restored_over(archive):
    with pytest.raises(CommandError, match=r"The database is in use .* add --force"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_the_archive_holds_the_database_the_documents_and_a_manifest(archive):
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("manifest.json"))
    dump = backup.DUMP_NAMES[connection.vendor]
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["database"]["file"] == dump
    assert manifest["media"] == {"included": True, "files": 1, "note": ""}
    assert manifest["migrations"]["credits"].startswith("00")
    assert dump in names
    assert [n for n in names if n.startswith("media/applications/")]
    # Personal data: for the owner's eyes only.
    assert archive.stat().st_mode & 0o077 == 0
    assert archive.name.startswith("miqua-")


@pytest.mark.django_db
def test_with_documents_in_s3_the_backup_says_they_are_not_inside(seeded, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "miqua-documents", "endpoint_url": "http://127.0.0.1:9"},
        },
    }
    settings.MIQUA_S3_BUCKET = "miqua-documents"
    outcome = backup.backup_create(target=str(tmp_path / "s3.tar.gz"))
    assert outcome.documents == 0
    assert outcome.notes == [backup.S3_NOTE.format(bucket="miqua-documents")]
    with tarfile.open(outcome.path) as opened:
        assert json.load(opened.extractfile("manifest.json"))["media"]["included"] is False
        assert not [n for n in opened.getnames() if n.startswith("media/")]


def _archive_with(tmp_path: Path, manifest: dict) -> Path:
    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as crafted:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        crafted.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.django_db
def test_a_backup_of_the_other_kind_of_database_is_refused(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    crafted = _archive_with(
        tmp_path,
        {"format": 1, "database": {"engine": other, "file": "x"}, "media": {"included": False}},
    )
    with pytest.raises(CommandError, match=f"This backup is of a {other} database"):
        call_command("restore", str(crafted), force=True)


@pytest.mark.django_db
def test_a_file_that_is_no_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="is not a MIQUA backup"):
        call_command("restore", str(junk))


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_dump_of_a_newer_postgresql_is_refused_before_anything_changes(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    crafted = _archive_with(
        tmp_path,
        {
            "format": 1,
            "database": {"engine": "postgresql", "file": "database.pgdump", "pg_dump_major": 99},
            "media": {"included": False},
        },
    )
    with pytest.raises(CommandError, match=r"written by pg_dump 99; .* Restore it into"):
        call_command("restore", str(crafted), force=True)


# --- SQLite's backup API, on plain files (runs on any suite) ------------------------------------


def test_the_sqlite_copy_holds_what_was_committed_while_a_writer_is_busy(tmp_path):
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live)
    setup.execute("CREATE TABLE loan (id INTEGER PRIMARY KEY, amount TEXT)")
    setup.executemany("INSERT INTO loan (amount) VALUES (?)", [("5000.00",), ("700.00",)])
    setup.commit()
    # Another process is halfway through a change: the copy must not see it.
    writer = sqlite3.connect(live)
    writer.execute("INSERT INTO loan (amount) VALUES ('9999.99')")
    try:
        backup._sqlite_copy(sqlite3.connect(live), tmp_path / "copy.sqlite3")
    finally:
        writer.rollback()
    copied = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copied.execute("SELECT amount FROM loan ORDER BY id").fetchall() == [
        ("5000.00",),
        ("700.00",),
    ]


def test_the_sqlite_restore_replaces_the_whole_content(tmp_path):
    source = tmp_path / "backup.sqlite3"
    with sqlite3.connect(source) as made:
        made.execute("CREATE TABLE loan (id INTEGER PRIMARY KEY)")
        made.execute("INSERT INTO loan VALUES (7)")
    target = sqlite3.connect(tmp_path / "target.sqlite3")
    target.execute("CREATE TABLE stray (id INTEGER)")
    target.commit()
    backup._sqlite_replace(source, target)
    tables = target.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("loan",)]
    assert target.execute("SELECT id FROM loan").fetchall() == [(7,)]
