from django.core.management.base import BaseCommand

from courses.standards import loader


class Command(BaseCommand):
    help = (
        "Publish the shipped standards library (courses, lessons, question bank, quizzes, practice exam). "
        "Idempotent; pages an editor has changed are kept as they are."
    )

    def handle(self, *args, **options):
        report = loader.load_library()
        loader.load_practice_exam(report)
        for line in report.lines():
            self.stdout.write(line)
