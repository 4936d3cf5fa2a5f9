"""Compile the project's .po catalogues into .mo files with polib: no GNU gettext needed.

Looks in settings.LOCALE_PATHS and in the locale/ folder of every first-party app (an installed
app whose code lies under BASE_DIR, outside the virtualenv). A .mo that is newer than its .po is
left alone unless --force is given.
"""

import os
import sys
import tempfile
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _is_within(path: Path, parent: Path) -> bool:
    try:
        path.relative_to(parent)
    except ValueError:
        return False
    return True


def locale_dirs() -> list[Path]:
    """The folders to search for .po files, each once, in a stable order."""
    base = Path(settings.BASE_DIR).resolve()
    foreign_roots = {base / ".venv", Path(sys.prefix).resolve()}
    candidates = [Path(p) for p in settings.LOCALE_PATHS]
    for app_config in apps.get_app_configs():
        app_path = Path(app_config.path).resolve()
        if not _is_within(app_path, base) or "site-packages" in app_path.parts:
            continue
        if any(_is_within(app_path, root) for root in foreign_roots):
            continue
        candidates.append(app_path / "locale")
    seen: set[Path] = set()
    result = []
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved not in seen and resolved.is_dir():
            seen.add(resolved)
            result.append(resolved)
    return result


def compile_po(po_path: Path, mo_path: Path) -> None:
    try:
        catalogue = polib.pofile(str(po_path))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{po_path}: {exc}") from exc
    # Write next to the target and rename, so a running server never reads half a file.
    fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, prefix=f".{mo_path.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        catalogue.save_as_mofile(tmp_name)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, mo_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Compile every .po file of the project into a .mo file next to it (uses polib)."

    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Compile even when the .mo is up to date."
        )

    def handle(self, *args, force=False, **options):
        compiled = up_to_date = 0
        for directory in locale_dirs():
            for po_path in sorted(directory.rglob("*.po")):
                mo_path = po_path.with_suffix(".mo")
                if (
                    not force
                    and mo_path.exists()
                    and mo_path.stat().st_mtime_ns > po_path.stat().st_mtime_ns
                ):
                    up_to_date += 1
                    continue
                compile_po(po_path, mo_path)
                compiled += 1
                if options["verbosity"] >= 2:
                    self.stdout.write(f"compiled {po_path}")
        noun = "file" if compiled == 1 else "files"
        self.stdout.write(
            f"Compiled {compiled} translation {noun} ({up_to_date} already up to date)."
        )
