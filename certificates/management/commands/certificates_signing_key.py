"""Create a self-signed signing key and certificate for certificate PDFs (development, demos, CI).

Writes to ``CERTIFICATES_SIGNING_KEY`` / ``CERTIFICATES_SIGNING_CERT`` (or ``--key`` / ``--cert``) unless both
files exist. Production uses the organisation's own pair instead (see the README).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from certificates.signing import create_self_signed


class Command(BaseCommand):
    help = "Create a self-signed key pair for signing certificate PDFs, unless one exists."

    def add_arguments(self, parser):
        parser.add_argument("--key", default=settings.CERTIFICATES_SIGNING_KEY)
        parser.add_argument("--cert", default=settings.CERTIFICATES_SIGNING_CERT)
        parser.add_argument("--force", action="store_true", help="Replace an existing pair.")

    def handle(self, *args, **options):
        key, cert = Path(options["key"]), Path(options["cert"])
        if key.exists() and cert.exists() and not options["force"]:
            self.stdout.write(f"Signing key exists: {key}")
            return
        create_self_signed(key, cert)
        self.stdout.write(f"Created a self-signed signing key {key} and certificate {cert}")
