"""Deployment checks of the certificates app (``manage.py check --deploy``)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def signing_key_configured(app_configs, **kwargs):
    """Every certificate PDF is signed: production needs the organisation's key and certificate files."""
    missing = [name for name in ("CERTIFICATES_SIGNING_KEY", "CERTIFICATES_SIGNING_CERT")
               if not Path(getattr(settings, name)).is_file()]
    if not missing:
        return []
    return [Warning(
        f"{' and '.join(missing)} do not name existing files: certificate PDFs cannot be signed.",
        hint="Set them to the organisation's PEM key and certificate (manage.py certificates_signing_key creates "
             "a self-signed pair for trials).",
        id="certificates.W001",
    )]
