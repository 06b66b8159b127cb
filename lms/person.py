"""The person page: everything about one person's onboarding on one page.

Like the home page, domain apps add sections through
``settings.LMS_PERSON_SECTION_PROVIDERS``: each is a function
``sections(request, profile) -> list[PersonSection]``, called only after the
access helper has let the viewer see ``profile``. The same sections make the
printable record (a WeasyPrint PDF for the personnel file).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class PersonSection:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def build_person_sections(request, profile):
    sections = []
    for path in settings.LMS_PERSON_SECTION_PROVIDERS:
        sections.extend(import_string(path)(request, profile))
    return sorted(sections, key=lambda s: s.order)


def render_pdf(html, base_url):
    """PDF bytes of an HTML document (fonts from the system's fontconfig, Noto CJK first)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
