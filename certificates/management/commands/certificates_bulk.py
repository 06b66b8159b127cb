"""Start and watch bulk issuing runs (the same service as the training lead's page /certificates/bulk/).

  manage.py certificates_bulk start --program CS-ONBOARD --by demo-lead [--reissue --reason "…"] [--wait]
  manage.py certificates_bulk status RUN [--wait] [--json]
  manage.py certificates_bulk resume RUN [--older-than MINUTES]

The work is done by the task workers (``manage.py db_worker``; start several to share it). ``status --json``
prints the progress plus ``workers`` (items per worker), ``rendered_twice`` and ``issued_twice`` (both 0 when
no certificate was done twice); with ``--wait`` it returns when the run is done (exit 1 on errors).
"""

import json
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from certificates.bulk import report, resume, start_bulk_run
from certificates.models import BulkRun, Program


class Command(BaseCommand):
    help = "Start, watch or resume a bulk issue / re-issue of certificates (worked off by the task workers)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        start = sub.add_parser("start", help="Start a run for the people in the given lead's scope.")
        start.add_argument("--program", required=True, help="Program code.")
        start.add_argument("--by", required=True, help="Username of the training lead starting it (scope).")
        start.add_argument("--reissue", action="store_true", help="Re-issue every valid certificate instead.")
        start.add_argument("--reason", default="", help="Reason (required for a re-issue).")
        start.add_argument("--no-render", action="store_true", help="Issue only; render on first download.")
        for name in ("start", "status"):
            target = start if name == "start" else sub.add_parser("status", help="Progress of a run.")
            if name == "status":
                target.add_argument("run", type=int)
            target.add_argument("--wait", action="store_true", help="Return when the run is done.")
            target.add_argument("--timeout", type=float, default=3600, help="Seconds to wait at most.")
            target.add_argument("--json", action="store_true", help="One JSON object (machine-readable).")
        again = sub.add_parser("resume", help="Re-queue items claimed by a worker that died.")
        again.add_argument("run", type=int)
        again.add_argument("--older-than", type=float, default=30, help="Minutes since the claim (default 30).")

    def handle(self, *args, **options):
        if options["action"] == "start":
            run = self._start(options)
        else:
            run = self._run(options["run"])
        if options["action"] == "resume":
            count = resume(run, older_than_minutes=options["older_than"])
            self.stdout.write(f"run {run.pk}: {count} items put back in the queue")
            return
        result = self._watch(run, options)
        if options["wait"] and result["errors"]:
            raise CommandError(f"run {run.pk}: {result['errors']} errors")

    def _run(self, pk):
        run = BulkRun.objects.filter(pk=pk).select_related("program").first()
        if run is None:
            raise CommandError(f"No bulk run {pk}.")
        return run

    def _start(self, options):
        program = Program.objects.filter(code=options["program"]).first()
        by = get_user_model().objects.filter(username=options["by"]).first()
        if program is None or by is None:
            raise CommandError("Unknown program code or username.")
        kind = BulkRun.Kind.REISSUE if options["reissue"] else BulkRun.Kind.ISSUE
        try:
            return start_bulk_run(program=program, kind=kind, by=by, reason=options["reason"],
                                  render=not options["no_render"])
        except PermissionDenied:
            raise CommandError(f"{by.username} is not a training lead.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def _watch(self, run, options):
        deadline = time.monotonic() + options["timeout"]
        while True:
            run.refresh_from_db()
            result = report(run)
            if not options["json"]:
                self.stdout.write(f"run {run.pk} {run.program.code} {run.kind}: {result['status']} "
                                  f"{result['done']}/{result['total']} issued={result['issued']} "
                                  f"errors={result['errors']} workers={result['workers']}")
            if not options["wait"] or run.status == BulkRun.Status.DONE or time.monotonic() > deadline:
                break
            time.sleep(1)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        return result
