"""Build the certificate font ahead of the first render (certificates/fonts.py); it is built on first use anyway."""

from django.core.management.base import BaseCommand, CommandError

from certificates.fonts import certificate_font


class Command(BaseCommand):
    help = "Build CertificateSerif (Noto Serif CJK SC cut down to the characters certificates print), once."

    def handle(self, *args, **options):
        path = certificate_font()
        if path is None:
            raise CommandError("Noto Serif CJK SC is not installed (Debian package fonts-noto-cjk).")
        self.stdout.write(str(path))
