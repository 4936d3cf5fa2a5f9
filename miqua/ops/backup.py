"""Backups: the database and the uploaded documents in one archive, and the way back.

An archive (`miqua-YYYYMMDD-HHMMSS.tar.gz`, under MIQUA_BACKUP_DIR) holds:
- `manifest.json`: when, which database engine and versions, which migrations were applied,
  and whether the documents are inside;
- the database: PostgreSQL as `pg_dump`'s custom format (`database.pgdump`, one consistent
  snapshot while the app keeps running); SQLite as a copy made with SQLite's own backup API
  (`database.sqlite3`), which is consistent even while the app writes, unlike copying the file;
- `media/...`: the uploaded documents under MEDIA_ROOT, by their stored names. Documents in an
  S3 bucket are not copied (the manifest says so): the bucket keeps them, with its own
  versioning or replication.

The archive holds personal data: it is written readable by its owner only.

A restore goes into the configured database and storage. It refuses a database in use (any
row beyond those `migrate` writes itself) and documents that already exist, unless `force`:
then PostgreSQL's schema is dropped and rebuilt from the dump in one transaction (a failed
restore leaves the database as it was), SQLite's content replaced page by page, and existing
documents of the same name overwritten.
"""

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# The tables `migrate` fills in an empty database: a database with rows in these only is new.
MIGRATE_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}
)
S3_NOTE = (
    "The documents live in the S3 bucket {bucket}, not in this backup: back the bucket up "
    "with its own means (versioning, replication, `mc mirror`)."
)


class BackupError(Exception):
    """Something a person can act on; the message says what."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    engine: str
    documents: int
    notes: list[str] = field(default_factory=list)


# --- Writing an archive -------------------------------------------------------------------------


def backup_create(
    *, target: str | None = None, media: bool = True, alias: str = "default"
) -> Outcome:
    """Write a backup archive; `target` is a file, or a folder (an existing one, or ending in
    "/") for a timestamped name; by default MIQUA_BACKUP_DIR."""
    connection = connections[alias]
    engine = _engine(connection)
    path = _archive_path(target)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".miqua-backup-") as work:
        dump = Path(work) / DUMP_NAMES[engine]
        database = _dump_postgresql(connection, dump) if engine == "postgresql" else {}
        if engine == "sqlite":
            _sqlite_copy(_sqlite_handle(connection), dump)
        documents = _media_files() if media else None
        if media and documents is None:
            notes.append(S3_NOTE.format(bucket=settings.MIQUA_S3_BUCKET))
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"engine": engine, "file": dump.name, **database},
            "migrations": _migrations(connection),
            "media": {
                "included": documents is not None,
                "files": len(documents or []),
                "note": " ".join(notes),
            },
        }
        # Written under a temporary name and renamed: an archive under its final name is whole.
        partial = Path(work) / "archive.part"
        with _owner_only(), tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            for name, file in documents or []:
                archive.add(file, arcname=f"{MEDIA}/{name}", recursive=False)
        partial.replace(path)
    return Outcome(path=path, engine=engine, documents=len(documents or []), notes=notes)


def _archive_path(target: str | None) -> Path:
    name = f"miqua-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    if not target:
        return Path(settings.MIQUA_BACKUP_DIR) / name
    if target.endswith("/") or Path(target).is_dir():
        return Path(target) / name
    return Path(target)


@contextmanager
def _owner_only() -> Iterator[None]:
    """Files made inside are readable by their owner only (umask 077): they hold personal
    data."""
    umask = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(umask)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups know PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _migrations(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The newest applied migration of each app (by name; they are numbered)."""
    newest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        newest[app] = name
    return newest


def _media_files() -> list[tuple[str, Path]] | None:
    """Every stored document under MEDIA_ROOT by its name in storage; None when the documents
    are not in a local folder (S3)."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return None
    root = Path(storage.location)
    if not root.is_dir():
        return []
    return sorted(
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


# --- PostgreSQL: pg_dump, pg_restore and psql ----------------------------------------------------


def _pg_tool(name: str) -> str:
    """A client tool, from MIQUA_PG_BIN_DIR when set (the server's major version must not be
    newer than pg_dump's; a dump restores into servers of its pg_dump's version or newer)."""
    folder = os.environ.get("MIQUA_PG_BIN_DIR", "")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools (e.g. apt-get install "
            "postgresql-client) or set MIQUA_PG_BIN_DIR to their folder."
        )
    return found


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The connection for libpq's tools, as environment variables: no password in the list of
    processes."""
    params = connection.settings_dict
    environment = dict(os.environ)
    for variable, value in (
        ("PGHOST", params.get("HOST")),
        ("PGPORT", params.get("PORT")),
        ("PGUSER", params.get("USER")),
        ("PGPASSWORD", params.get("PASSWORD")),
        ("PGDATABASE", params.get("NAME")),
    ):
        if value:
            environment[variable] = str(value)
    options = params.get("OPTIONS", {})
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service"):
        if options.get(option):
            environment[f"PG{option.upper()}"] = str(options[option])
    return environment


def _major(version_text: str) -> int:
    """17 from 'pg_dump (PostgreSQL) 17.2 (Debian 17.2-1)'."""
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", version_text)
    if found is None:
        raise BackupError(f"Unknown version of pg_dump: {version_text.strip()}")
    return int(found.group(1))


def _run(command: list[str], *, environment: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def _dump_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> dict[str, object]:
    connection.ensure_connection()
    environment = _pg_environment(connection)
    pg_dump = _pg_tool("pg_dump")
    version = _run([pg_dump, "--version"], environment=environment, what="pg_dump --version")
    _run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
        environment=environment,
        what="pg_dump",
    )
    return {
        "server_version": connection.pg_version,  # type: ignore[attr-defined]
        "pg_dump": version.strip(),
        "pg_dump_major": _major(version),
    }


def _check_server_version(connection: BaseDatabaseWrapper, manifest: dict) -> None:
    """pg_dump writes settings of its own version (17: transaction_timeout) that an older
    server refuses halfway: such a dump is refused before anything changes."""
    connection.ensure_connection()
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    dump_major = int(manifest["database"].get("pg_dump_major", 0))
    if dump_major > server_major:
        raise BackupError(
            f"This backup was written by pg_dump {dump_major}; the database server is "
            f"PostgreSQL {server_major}. Restore it into PostgreSQL {dump_major} or newer."
        )


def _restore_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> None:
    environment = _pg_environment(connection)
    # The notices of the emptied schema's DROP ... CASCADE are no news.
    environment["PGOPTIONS"] = "-c client_min_messages=warning"
    connection.close()
    # pg_restore turns the whole dump into SQL first (a damaged dump stops here, before the
    # database is touched); psql runs it after emptying the schema, in one transaction that
    # stops at the first error: all or nothing.
    script = dump.with_suffix(".sql")
    with _owner_only():
        _run(
            [
                _pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                f"--file={script}",
                str(dump),
            ],
            environment=environment,
            what="Reading the backup (pg_restore)",
        )
    try:
        _run(
            [
                _pg_tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--output=/dev/null",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                "--command=DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
                f"--file={script}",
            ],
            environment=environment,
            what="The restore was rolled back, the database is as before. psql",
        )
    finally:
        script.unlink(missing_ok=True)


# --- SQLite: its backup API -------------------------------------------------------------------


def _sqlite_handle(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection  # type: ignore[return-value]


def _sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of a live database, page by page under SQLite's own locking."""
    with _owner_only():
        copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()


def _sqlite_replace(source: Path, target: sqlite3.Connection) -> None:
    """The backup's content becomes the target's, whole (tables not in the backup vanish)."""
    backup = sqlite3.connect(source)
    try:
        backup.backup(target)
    finally:
        backup.close()


# --- Restoring ----------------------------------------------------------------------------------


def tables_in_use(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables holding rows that `migrate` did not write: the database is in use."""
    used = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in MIGRATE_TABLES:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608 (a table's own name)
            if cursor.fetchone():
                used.append(table)
    return used


def backup_restore(
    *, archive_path: Path, force: bool = False, media: bool = True, alias: str = "default"
) -> Outcome:
    connection = connections[alias]
    engine = _engine(connection)
    try:
        archive = tarfile.open(archive_path, "r:*")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as e:
        raise BackupError(f"{archive_path} is not a MIQUA backup: {e}") from None
    with archive, tempfile.TemporaryDirectory(prefix="miqua-restore-") as work:
        manifest = _manifest(archive, archive_path)
        if manifest["database"]["engine"] != engine:
            raise BackupError(
                f"This backup is of a {manifest['database']['engine']} database, the configured "
                f"one is {engine}: restore it into a database of the same kind."
            )
        documents = _media_members(archive) if media else []
        storage = storages["default"]
        if not force:
            used = tables_in_use(connection)
            if used:
                raise BackupError(
                    f"The database is in use ({len(used)} tables hold data, e.g. {used[0]}). "
                    "Restore into a new, empty database, or add --force to replace its content."
                )
            existing = [m.name for m in documents if storage.exists(_stored_name(m))]
            if existing:
                raise BackupError(
                    f"{len(existing)} documents of the backup already exist in the storage, "
                    f"e.g. {_stored_name(archive.getmember(existing[0]))}. Add --force to "
                    "overwrite them."
                )
        if engine == "postgresql":
            _check_server_version(connection, manifest)
        dump = Path(work) / manifest["database"]["file"]
        _extract(archive, manifest["database"]["file"], dump)
        if engine == "postgresql":
            _restore_postgresql(connection, dump)
        else:
            _sqlite_replace(dump, _sqlite_handle(connection))
            connection.close()
        for member in documents:
            _restore_document(archive, member, storage)
    # A backup of a bucket's setup says where the documents are; one made --no-media, nothing.
    note = "" if manifest["media"]["included"] else manifest["media"].get("note", "")
    notes = [note] if note else []
    return Outcome(path=archive_path, engine=engine, documents=len(documents), notes=notes)


def _manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        handle = archive.extractfile(MANIFEST)
        manifest = json.load(handle) if handle else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a MIQUA backup (no manifest of format {FORMAT}).")
    return manifest


def _media_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        parts = PurePosixPath(member.name).parts
        if not parts or parts[0] != MEDIA or len(parts) < 2:
            continue
        # Only plain files below media/: nothing that would climb out of MEDIA_ROOT.
        if not member.isfile() or ".." in parts or PurePosixPath(member.name).is_absolute():
            raise BackupError(f"The backup holds an unexpected entry: {member.name}")
        members.append(member)
    return members


def _stored_name(member: tarfile.TarInfo) -> str:
    return PurePosixPath(*PurePosixPath(member.name).parts[1:]).as_posix()


def _extract(archive: tarfile.TarFile, name: str, target: Path) -> None:
    try:
        handle = archive.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"The backup has no {name}.")
    with _owner_only(), handle, target.open("wb") as out:
        shutil.copyfileobj(handle, out)


def _restore_document(archive: tarfile.TarFile, member: tarfile.TarInfo, storage: Storage) -> None:
    name = _stored_name(member)
    handle = archive.extractfile(member)
    if handle is None:
        return
    if storage.exists(name):
        storage.delete(name)
    with handle:
        stored = storage.save(name, File(handle, name=PurePosixPath(name).name))
    if stored != name:
        raise BackupError(f"The document {name} was stored as {stored}.")


def describe(outcome: Outcome) -> str:
    size = outcome.path.stat().st_size if outcome.path.exists() else 0
    documents = "1 document" if outcome.documents == 1 else f"{outcome.documents} documents"
    return (
        f"{outcome.path} ({size / 1_000_000:.1f} MB): the {outcome.engine} database and "
        f"{documents}."
    )
