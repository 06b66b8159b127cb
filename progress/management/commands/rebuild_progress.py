"""Recompute every person's certification progress from the source records.

Run it after loading records in bulk (imports, fixtures, anything that bypasses the
models' save): the rows are otherwise kept current by the records themselves.
``--check`` only compares and exits with status 1 when a kept row differs.
"""

from django.core.management.base import BaseCommand, CommandError

from progress import services


class Command(BaseCommand):
    help = "Recompute the certification progress of everyone from the source records."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Only compare the kept rows with the source records; exit 1 if they differ.")

    def handle(self, *args, check=False, **options):
        if check:
            differences = services.differences()
            for user_id, program_id, name, kept, fresh in differences[:50]:
                self.stdout.write(f"user {user_id} program {program_id} {name}: kept {kept!r}, recomputed {fresh!r}")
            if differences:
                raise CommandError(f"{len(differences)} differences between the kept progress and the records.")
            self.stdout.write("The kept progress equals the records.")
            return
        written = services.rebuild()
        self.stdout.write(f"Progress rebuilt: {written} rows written.")
