import json

from django.core.management.base import BaseCommand

from courses.standards.coverage import coverage_report


class Command(BaseCommand):
    help = "Per course, each clause (规范条款) with the questions that test it; flags clauses no question tests."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        report = coverage_report()
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        by_course = {}
        for clause in report["clauses"]:
            by_course.setdefault(clause["course"], []).append(clause)
        uncovered = 0
        for course in report["courses"]:
            self.stdout.write(f"{course['title']}: {course['clauses']} clauses, {course['questions']} questions")
            for clause in by_course.get(course["title"], []):
                if clause["questions"]:
                    ids = ", ".join(f"#{pk}" for pk in clause["questions"])
                    self.stdout.write(f"  {clause['id']} {clause['title']}: {ids}")
                else:
                    uncovered += 1
                    self.stdout.write(self.style.WARNING(f"  {clause['id']} {clause['title']}: NOT TESTED"))
        summary = f"{len(report['clauses'])} clauses, {uncovered} not tested"
        self.stdout.write(self.style.WARNING(summary) if uncovered else self.style.SUCCESS(summary))
