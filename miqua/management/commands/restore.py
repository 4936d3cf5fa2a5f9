"""`manage.py restore FILE [--force] [--no-media]`: a backup archive back into the configured
database and document storage (miqua/ops/backup.py; README, "Backups"). `./dev restore` calls
it, then `migrate`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from miqua.ops import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database (which must be empty, or "
        "--force) and the documents into the configured storage."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a file written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the content of a database in use, and documents of the same name",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="the database only, not the documents"
        )

    def handle(self, *args, **options):
        try:
            outcome = backup.backup_restore(
                archive_path=options["archive"],
                force=options["force"],
                media=not options["no_media"],
            )
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Restored {backup.describe(outcome)}")
        for note in outcome.notes:
            self.stdout.write(note)
