"""Create or update the certification programs from the standards library's programs.toml (idempotent)."""

from django.core.management.base import BaseCommand

from certificates.services import ensure_programs_from_data


class Command(BaseCommand):
    help = "Load certification programs from courses/standards/programs.toml (or the given file)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="programs.toml or the folder holding it")

    def handle(self, *args, **options):
        for program in ensure_programs_from_data(options.get("path")):
            courses = ", ".join(program.required_courses.values_list("code", flat=True)) or "-"
            self.stdout.write(f"{program.code} {program.name}: {courses}")
