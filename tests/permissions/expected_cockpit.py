"""Expected status codes for the training lead's cockpit: a lead's page (lms.access policy: 403 without the role,
404 for a person outside the lead's scope)."""

from .matrix import Case, expect

LEADS_ONLY = expect(anonymous=302, lead=200, other_lead=200, others=403)

CASES = [
    Case("cockpit:dashboard", expect=LEADS_ONLY),
    Case("cockpit:matrix", expect=LEADS_ONLY),
    Case("cockpit:matrix_export", kwargs=lambda w: {"fmt": "csv"}, expect=LEADS_ONLY),
    Case("cockpit:matrix_export", kwargs=lambda w: {"fmt": "xlsx"}, expect=LEADS_ONLY, label="xlsx"),
    Case("cockpit:matrix_export", kwargs=lambda w: {"fmt": "pdf"}, expect=expect(anonymous=302, lead=404, other_lead=404, others=403),
         label="pdf"),
    Case("cockpit:certified_export", kwargs=lambda w: {"fmt": "csv"}, expect=LEADS_ONLY),
    Case("cockpit:certified_export", kwargs=lambda w: {"fmt": "xlsx"}, expect=LEADS_ONLY, label="xlsx"),
    Case("cockpit:mentors", expect=LEADS_ONLY),
    # A mentor of Shanghai: the east lead only; the other lead does not see them (404), non-leads 403.
    Case("cockpit:mentor", kwargs=lambda w: {"pk": w.mentor.profile.pk},
         expect=expect(anonymous=302, lead=200, other_lead=404, others=403)),
]
