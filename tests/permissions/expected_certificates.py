"""Expected status codes for certificates: public verification, the holder's refresher, the lead's screens."""

from .matrix import Case, expect

PUBLIC = expect(others=200)
# The lead's screens (lms.access policy): 403 without the role, 404 for what is outside the lead's scope.
LEADS = expect(anonymous=302, lead=200, other_lead=200, others=403)
# A certificate of the east trainee: the east lead only (the other lead: 404, out of scope).
EAST_LEAD = expect(anonymous=302, lead=200, other_lead=404, others=403)
EAST_LEAD_400 = expect(anonymous=302, lead=400, other_lead=404, others=403)
EAST_LEAD_302 = expect(anonymous=302, lead=302, other_lead=404, others=403)
POST_ONLY = expect(anonymous=302, others=405)

CASES = [
    Case("certificates:verify", kwargs=lambda w: {"code": w.certificate.code}, expect=PUBLIC),
    Case("certificates:verify", kwargs=lambda w: {"code": "NOPE-NOPE-NOPE"}, expect=expect(others=404),
         label="malformed code"),
    Case("certificates:verify", kwargs=lambda w: {"code": "0000-0000-0000-0000"}, expect=expect(others=404),
         label="unknown code"),
    Case("certificates:verify_lookup", expect=PUBLIC),
    Case("certificates:verify_lookup", query="code=0000 0000 0000 0000", expect=expect(others=302),
         label="code typed"),
    # Inside the app: the holder and the east lead; nobody else (404), never anonymous.
    Case("certificates:pdf", kwargs=lambda w: {"pk": w.certificate.pk},
         expect=expect(anonymous=302, trainee=200, lead=200, others=404)),
    Case("certificates:download", kwargs=lambda w: {"code": w.certificate.code}, expect=PUBLIC),
    Case("certificates:list", expect=LEADS),
    Case("certificates:detail", kwargs=lambda w: {"pk": w.certificate.pk}, expect=EAST_LEAD),
    Case("certificates:revoke", kwargs=lambda w: {"pk": w.certificate.pk}, expect=POST_ONLY, label="GET"),
    # POST without a reason: the east lead gets the form back with the error (400); nobody else sees it.
    Case("certificates:revoke", kwargs=lambda w: {"pk": w.certificate.pk}, method="POST", expect=EAST_LEAD_400,
         label="POST no reason"),
    Case("certificates:revoke", kwargs=lambda w: {"pk": w.certificate.pk}, method="POST", expect=EAST_LEAD_302,
         data=lambda w: {"reason": "资料有误"}, label="POST"),
    Case("certificates:reissue", kwargs=lambda w: {"pk": w.certificate.pk}, expect=POST_ONLY, label="GET"),
    Case("certificates:reissue", kwargs=lambda w: {"pk": w.certificate.pk}, method="POST", expect=EAST_LEAD_302,
         data=lambda w: {"reason": "姓名更正"}, label="POST"),
    Case("certificates:issue", kwargs=lambda w: {"person_pk": w.trainee.profile.pk}, expect=EAST_LEAD),
    Case("certificates:issue", kwargs=lambda w: {"person_pk": w.other_trainee.profile.pk},
         expect=expect(anonymous=302, lead=404, other_lead=200, others=403), label="other region"),
    Case("certificates:archive_create", expect=expect(anonymous=302, others=405), label="GET"),
    Case("certificates:archive", kwargs=lambda w: {"pk": w.archive.pk}, expect=EAST_LEAD),
    Case("certificates:archive_download", kwargs=lambda w: {"pk": w.archive.pk},
         expect=expect(anonymous=302, lead=404, other_lead=404, others=403), label="not built yet"),
    Case("certificates:refreshers", expect=LEADS),
    Case("certificates:bulk_runs", expect=LEADS),
    Case("certificates:bulk_runs", method="POST", data=lambda w: {"kind": "issue"}, label="POST no program",
         expect=expect(anonymous=302, lead=400, other_lead=400, others=403)),
    # A run is its requester's: the east lead's run is a 404 for the other lead too.
    Case("certificates:bulk_run", kwargs=lambda w: {"pk": w.bulk_run.pk}, expect=EAST_LEAD),
    Case("certificates:refresher_done", kwargs=lambda w: {"pk": w.refresher.pk},
         expect=expect(anonymous=302, others=405), label="GET"),
    Case("certificates:refresher_done", kwargs=lambda w: {"pk": w.refresher.pk}, method="POST",
         expect=expect(anonymous=302, trainee=302, others=404), label="POST"),
]
