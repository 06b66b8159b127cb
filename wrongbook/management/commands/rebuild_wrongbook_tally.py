"""Count the cohort's weak clauses (``wrongbook.ClauseTally``) again from the 错题本 entries.

Run it after writing entries or profiles in bulk (anything that bypasses the models' save): the tally is otherwise
kept current by the writes themselves. ``--check`` only compares and exits with status 1 when the tally differs.
"""

from django.core.management.base import BaseCommand, CommandError

from wrongbook import tally


class Command(BaseCommand):
    help = "Count the cohort's weak clauses (the heat map's totals) again from the wrong-answer book entries."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Only compare the kept tally with the entries; exit 1 if they differ.")

    def handle(self, *args, check=False, **options):
        if check:
            kept, fresh = tally.counted(), tally.recounted()
            differences = sorted(key for key in kept.keys() | fresh.keys() if kept.get(key) != fresh.get(key))
            for region_id, clause_id in differences[:50]:
                self.stdout.write(f"region {region_id} clause {clause_id}: kept {kept.get((region_id, clause_id), 0)}, "
                                  f"counted {fresh.get((region_id, clause_id), 0)}")
            if differences:
                raise CommandError(f"{len(differences)} differences between the kept tally and the entries.")
            self.stdout.write("The kept tally equals the entries.")
            return
        tally.rebuild()
        self.stdout.write("Weak-clause tally counted again from the entries.")
