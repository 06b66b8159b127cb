from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lms.roster import RosterFileError, apply_plan, plan_import


class Command(BaseCommand):
    help = "Import the HR roster (.xlsx or .csv): create or update staff, regions and posts, atomically."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            plan = plan_import(path.read_bytes(), path.name)
        except RosterFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in plan.errors:
            self.stderr.write(f"row {error.row}: {error.message}")
        if not plan.ok:
            raise CommandError(f"{len(plan.errors)} problem(s) found; nothing was imported.")
        for row in plan.rows:
            if row.action == "update":
                details = "; ".join(f"{f}: {old} → {new}" for f, old, new in row.changes)
                self.stdout.write(f"row {row.row} {row.employee_no} update: {details}")
            elif row.action == "create":
                self.stdout.write(f"row {row.row} {row.employee_no} create")
        summary = plan.summary()
        line = "{create} to create, {update} to update, {unchanged} unchanged".format(**summary)
        if dry_run:
            self.stdout.write(f"Dry run: {line}. Nothing was written.")
            return
        with transaction.atomic():
            apply_plan(plan, filename=path.name)
        self.stdout.write(self.style.SUCCESS(f"Imported: {line}."))
