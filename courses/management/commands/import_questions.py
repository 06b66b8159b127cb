"""Import a question bank file (text export or Excel) into a category of the question bank."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.importers import ImportError_, import_file


class Command(BaseCommand):
    help = "Import questions from a text export (问卷星 style) or an .xlsx file into a category."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--category", required=True, help="Category name; 'Parent/Child' for a sub-category.")
        parser.add_argument("--dry-run", action="store_true", help="Check and show, write nothing.")
        parser.add_argument("--json", action="store_true", help="Print exactly one JSON object on stdout.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid questions, list the rest.")

    def handle(self, *args, **options):
        try:
            result = import_file(
                options["file"], options["category"], skip_invalid=options["skip_invalid"], dry_run=options["dry_run"]
            )
        except (ImportError_, OSError) as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"title": "", "questions": [], "errors": [{"number": 0, "message": str(exc)}]},
                                             ensure_ascii=False))
            raise CommandError(str(exc), returncode=2) from exc
        bank = result.bank
        if options["json"]:
            self.stdout.write(json.dumps(bank.as_dict(), ensure_ascii=False))
        else:
            if bank.title:
                self.stdout.write(bank.title)
            for error in bank.errors:
                self.stdout.write(_("Question %(number)d: %(message)s") % error)
            if result.imported:
                self.stdout.write(_("Imported %(count)d questions into “%(category)s”.")
                                  % {"count": len(result.created) + len(result.updated), "category": options["category"]})
                if result.skipped:
                    self.stdout.write(_("Skipped: %(numbers)s") % {"numbers": ", ".join(map(str, result.skipped))})
            elif options["dry_run"]:
                self.stdout.write(_("Dry run: %(count)d valid questions, nothing written.") % {"count": len(bank.questions)})
        if bank.errors and not options["skip_invalid"]:
            raise CommandError(
                _("%(count)d questions are invalid; nothing was imported.") % {"count": len(bank.invalid_numbers)}
            )
        if not bank.questions and not bank.errors:
            raise CommandError(_("No questions found in the file."))
