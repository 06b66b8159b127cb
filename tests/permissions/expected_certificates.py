"""Expected status codes for the certificates app.

Verification and download are public (the code is the secret; unknown codes 404).
Everything else belongs to training leads, scoped to their regions (404 outside);
a holder confirms only their own refreshers. Each public case uses its own
client address so the per-IP verification throttle does not interfere.
"""

from .matrix import Case, expect

PUBLIC = expect(others=200)
LEADS = expect(anonymous=302, lead=200, other_lead=200, others=404)
THIS_LEAD = expect(anonymous=302, lead=200, others=404)
POST_ONLY_GET = expect(anonymous=302, others=405)


def _cert(w):
    return {"pk": w.certificate.pk}


CASES = [
    Case("certificates:verify", expect=PUBLIC, kwargs=lambda w: {"code": w.certificate.code},
         extra={"REMOTE_ADDR": "10.9.0.1"}),
    Case("certificates:verify", expect=expect(others=404), kwargs=lambda w: {"code": "0000-0000-0000-0000"},
         label="unknown code", extra={"REMOTE_ADDR": "10.9.0.2"}),
    Case("certificates:download", expect=PUBLIC, kwargs=lambda w: {"code": w.certificate.code},
         extra={"REMOTE_ADDR": "10.9.0.3"}),
    Case("certificates:list", expect=LEADS),
    Case("certificates:detail", expect=THIS_LEAD, kwargs=_cert),
    Case("certificates:revoke", expect=POST_ONLY_GET, kwargs=_cert, label="GET"),
    Case("certificates:revoke", expect=expect(anonymous=302, lead=302, others=404), kwargs=_cert,
         method="POST", data=lambda w: {"reason": "矩阵测试"}),
    Case("certificates:reissue", expect=POST_ONLY_GET, kwargs=_cert, label="GET"),
    Case("certificates:reissue", expect=expect(anonymous=302, lead=302, others=404), kwargs=_cert,
         method="POST", data=lambda w: {"reason": "姓名变更"}),
    Case("certificates:issue", expect=THIS_LEAD, kwargs=lambda w: {"person_pk": w.trainee.profile.pk}),
    Case("certificates:archive_create", expect=POST_ONLY_GET, label="GET"),
    Case("certificates:archive_create", expect=expect(anonymous=302, lead=302, other_lead=302, others=404),
         method="POST"),
    Case("certificates:archive", expect=THIS_LEAD, kwargs=lambda w: {"pk": w.archive.pk}),
    Case("certificates:archive_download", expect=THIS_LEAD, kwargs=lambda w: {"pk": w.archive.pk}),
    Case("certificates:refreshers", expect=LEADS),
    Case("certificates:refresher_done", expect=POST_ONLY_GET, kwargs=lambda w: {"pk": w.refresher.pk}, label="GET"),
    Case("certificates:refresher_done", expect=expect(anonymous=302, trainee=302, others=404),
         kwargs=lambda w: {"pk": w.refresher.pk}, method="POST"),
]
