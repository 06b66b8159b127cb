"""Expected status codes for the core's views (people, roster import, accounts, language)."""

from .matrix import Case, expect

LOGGED_IN_OK = expect(anonymous=302, others=200)

# Who sees the trainee of Shanghai (field post): themselves, their mentor, the approvers and leads of
# the east region, the post head of "field"; not the other region's people, not the Hangzhou manager.
SEES_TRAINEE = expect(
    anonymous=302, trainee=200, mentor=200, supervisor=200, post_head=200, lead=200, regional_head=200, others=404
)
# The other trainee (Guangzhou, south): themselves, their mentor and the south lead only.
SEES_OTHER_TRAINEE = expect(anonymous=302, other_trainee=200, other_mentor=200, other_lead=200, others=404)
LEADS_ONLY_403 = expect(anonymous=302, lead=200, other_lead=200, others=403)




def trainee_pk(w):
    return {"pk": w.trainee.profile.pk}


def other_trainee_pk(w):
    return {"pk": w.other_trainee.profile.pk}


CASES = [
    Case("home", expect=LOGGED_IN_OK),
    Case("login", expect=expect(anonymous=200, others=302)),
    Case("logout", expect=expect(others=405), label="GET"),
    Case("password_change", expect=LOGGED_IN_OK),
    Case("password_change_done", expect=LOGGED_IN_OK),
    Case("set_language", expect=expect(others=302), query="next=/"),
    Case("people", expect=LOGGED_IN_OK),
    Case("people", expect=LOGGED_IN_OK, query="region=999999&status=nonsense", label="bad filters"),
    Case("person", kwargs=trainee_pk, expect=SEES_TRAINEE, label="trainee"),
    Case("person", kwargs=other_trainee_pk, expect=SEES_OTHER_TRAINEE, label="other trainee"),
    Case("person", kwargs=lambda w: {"pk": w.lead.profile.pk}, label="lead",
         expect=expect(anonymous=302, lead=200, supervisor=200, regional_head=200, others=404)),
    Case("person", kwargs=lambda w: {"pk": 99999999}, expect=expect(anonymous=302, others=404), label="missing"),
    Case("person_record", kwargs=trainee_pk, expect=SEES_TRAINEE, label="trainee"),
    Case("person_record", kwargs=other_trainee_pk, expect=SEES_OTHER_TRAINEE, label="other trainee"),
    Case("people_export", kwargs=lambda w: {"fmt": "csv"}, expect=LOGGED_IN_OK, label="csv"),
    Case("people_export", kwargs=lambda w: {"fmt": "xlsx"}, expect=LOGGED_IN_OK, label="xlsx"),
    Case("people_export", kwargs=lambda w: {"fmt": "pdf"}, expect=expect(anonymous=302, others=404), label="pdf"),
    Case("roster_import", expect=LEADS_ONLY_403),
    Case("roster_template", expect=LEADS_ONLY_403),
    Case("roster_import_confirm", expect=expect(anonymous=302, others=405), label="GET"),
    # POST without a pending preview: leads are sent back to the upload page, everyone else refused.
    # Invitations: the lead's page (403 for other roles); one person's invitation, 404 outside the lead's regions.
    Case("invitations", expect=LEADS_ONLY_403),
    Case("invitations", method="POST", expect=LEADS_ONLY_403, label="POST nobody"),
    Case("invitations", method="POST", data=lambda w: {"people": [w.new_hire.profile.pk]}, label="POST new hire",
         expect=expect(anonymous=302, lead=302, other_lead=404, others=403)),
    Case("invite_person", kwargs=lambda w: {"pk": w.new_hire.profile.pk}, label="GET",
         expect=expect(anonymous=302, lead=405, other_lead=405, others=403)),
    Case("invite_person", kwargs=lambda w: {"pk": w.new_hire.profile.pk}, method="POST", label="POST",
         expect=expect(anonymous=302, lead=302, other_lead=404, others=403)),
    Case("invite_person", kwargs=lambda w: {"pk": 99999999}, method="POST", label="POST missing",
         expect=expect(anonymous=302, lead=404, other_lead=404, others=403)),
    # 忘记密码 and the links mailed out: public pages (a bad link shows "this link no longer works").
    Case("password_reset", expect=expect(others=200)),
    Case("password_reset", method="POST", data=lambda w: {"email": "nobody@example.cn"}, label="POST",
         expect=expect(others=302)),
    Case("password_reset_done", expect=expect(others=200)),
    Case("password_reset_confirm", kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}, label="bad link",
         expect=expect(others=200)),
    Case("password_reset_complete", expect=expect(others=200)),
    Case("invitation_accept", kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}, label="bad link",
         expect=expect(others=200)),
    Case("roster_import_confirm", method="POST", expect=expect(anonymous=302, lead=302, other_lead=302, others=403),
         label="POST"),
]
