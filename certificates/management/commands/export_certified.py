"""Export the certificates as CSV or Excel: employee_no, name, program, issued_on, expires_on, status, code, verify_url."""

import sys

from django.core.management.base import BaseCommand

from certificates.exports import certified_file
from certificates.models import Certificate


class Command(BaseCommand):
    help = "Export certified staff (csv or xlsx) to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--all", action="store_true", help="Include superseded certificates.")

    def handle(self, *args, **options):
        certificates = Certificate.objects.order_by("employee_no", "issued_on", "id")
        if not options["all"]:
            certificates = certificates.exclude(status=Certificate.Status.SUPERSEDED)
        data = certified_file(certificates, options["format"])
        if options["output"]:
            with open(options["output"], "wb") as fh:
                fh.write(data)
            self.stderr.write(f"{certificates.count()} certificates → {options['output']}")
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                buffer.write(data)
            else:
                stream.write(data.decode("utf-8-sig") if options["format"] == "csv" else data.hex())
