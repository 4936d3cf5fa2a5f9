"""`manage.py backup [--output PATH] [--no-media]`: the database and the uploaded documents in
one archive (miqua/ops/backup.py; README, "Backups"). `./dev backup` calls it."""

from django.core.management.base import BaseCommand, CommandError

from miqua.ops import backup


class Command(BaseCommand):
    help = "Write a backup archive: the database and the documents under MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="the archive's file, or a folder for a timestamped name (default: "
            "MIQUA_BACKUP_DIR, var/backups/)",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="the database only, without the documents"
        )

    def handle(self, *args, **options):
        try:
            outcome = backup.backup_create(target=options["output"], media=not options["no_media"])
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Wrote {backup.describe(outcome)}")
        for note in outcome.notes:
            self.stdout.write(note)
