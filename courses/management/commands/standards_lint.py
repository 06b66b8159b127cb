import json

from django.core.management.base import BaseCommand, CommandError

from courses.bank_quality import LIMITS, bank_reports, find_category
from courses.standards import data, loader


def shipped_banks():
    """Names of the shipped banks: each course's category (``loader.category_names``) and the practice exam's."""
    return {loader.category_names(course)[0] for course in data.load_library()} | {loader.PRACTICE_CATEGORY}


class Command(BaseCommand):
    help = (
        "Check question banks against the item-writing rules (longest-option keys, true/false balance, number of "
        "correct options, scenarios, written answers, pool size against the draws, untested clauses, 以上都对). "
        "Exits with 1 when a shipped course's bank, or the category asked for, is out of bounds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--category", help="a category name, or a course code (WIN) for that course's bank")
        parser.add_argument("--json", action="store_true", help="one JSON object on stdout")

    def handle(self, *args, **options):
        if options["category"]:
            category = find_category(options["category"])
            if category is None:
                raise CommandError(f"no category or course {options['category']!r}", returncode=2)
            reports = bank_reports([category])
            judged = reports
        else:
            reports = bank_reports()
            shipped = shipped_banks()
            judged = [r for r in reports if r.category.name in shipped]
        failed = [r for r in judged if not r.ok]
        if options["json"]:
            self.stdout.write(json.dumps({
                "ok": not failed,
                "limits": LIMITS.__dict__,
                "categories": [r.as_dict() for r in reports],
            }, ensure_ascii=False, indent=2))
        else:
            for report in reports:
                self._print(report)
            self.stdout.write(f"{len(reports) - sum(not r.ok for r in reports)} of {len(reports)} categories "
                              f"within bounds; {len(failed)} judged out of bounds")
        if failed:
            raise CommandError("out of bounds: " + ", ".join(r.category.name for r in failed), returncode=1)

    def _print(self, r):
        limits, write = LIMITS, self.stdout.write
        course = f" — course {r.course.code}" if r.course else ""
        write(f"{r.category.name}{course}: {'OK' if r.ok else 'OUT OF BOUNDS'}")
        write(f"  items {r.questions} (objective {r.objective}, written answers {r.essays})")
        write(f"  single choice: key uniquely longest {r.single_longest}/{r.single} ({r.longest_share:.0%}, "
              f"max {limits.longest_key_max:.0%})")
        write(f"  true/false: key 错 {r.true_false_false}/{r.true_false} ({r.false_share:.0%}, "
              f"{limits.false_key_min:.0%}-{limits.false_key_max:.0%})")
        patterns = ", ".join(f"{k} correct: {v}" for k, v in r.multiple_distribution()) or "-"
        write(f"  multiple choice ({r.multiple}): {patterns}")
        write(f"  scenarios: {r.scenario}/{r.questions} ({r.scenario_share:.0%}, min {limits.scenario_min:.0%})")
        for d in r.draws:
            kind = "written answers" if d.essays else "items"
            write(f"  draw: {d.quiz}{' (practice)' if d.practice else ''}: {d.count} {kind} from {d.pool} "
                  f"({d.ratio:.1f}x)")
        if r.course:
            write(f"  clauses: {len(r.clauses)}, with no question: {', '.join(r.untested_clauses) or '-'}")
        write(f"  以上都对/以上都不对: {', '.join(r.all_of_the_above) or '-'}")
        for finding in r.findings:
            write(f"  ! {finding.code}: {finding.message}")
