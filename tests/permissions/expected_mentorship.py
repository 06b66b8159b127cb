"""Expected status codes for the 传帮带 screens (M1–M13).

The world's trainee (Shanghai, post "field") has a ride-along to Hangzhou waiting for approval and a
signed-off one; she asked the post head a question (answered, and reported as perfunctory).
Outside one's scope → 404; the wrong person within the scope → 403; POST-only views fetched with GET → 405.
"""

from .matrix import Case, expect

LOGGED_IN_OK = expect(anonymous=302, others=200)
POST_ONLY = expect(anonymous=302, others=405)
# Who sees the trainee's ride-alongs: the people who see her, plus the manager of the destination region.
IN_SCOPE = ("trainee", "mentor", "supervisor", "regional_manager", "post_head", "lead", "regional_head")
RIDE_ALONG_VISIBLE = expect(anonymous=302, **{r: 200 for r in IN_SCOPE}, others=404)
SEES_TRAINEE = expect(anonymous=302, trainee=200, mentor=200, supervisor=200, post_head=200, lead=200,
                      regional_head=200, others=404)
LEADS_ONLY = expect(anonymous=302, lead=200, other_lead=200, others=403)
QUESTION_SCOPE = ("trainee", "post_head", "lead")


def only(status, who, scope=IN_SCOPE):
    """``who`` gets ``status``, the rest of ``scope`` 403, everyone else 404."""
    table = {r: 403 for r in scope}
    table.update(who)
    return expect(anonymous=302, **table, others=404)


def ride_along(w):
    return {"pk": w.ride_along.pk}


def signed_off(w):
    return {"pk": w.signed_off.pk}


def trainee_profile(w):
    return {"profile_pk": w.trainee.profile.pk}


def question(w):
    return {"pk": w.question.pk}


CASES = [
    # M6, M9 ride-alongs
    Case("mentorship:ride_alongs", expect=LOGGED_IN_OK),
    Case("mentorship:ride_along_new", expect=expect(anonymous=302, mentor=200, other_mentor=200, others=403)),
    Case("mentorship:ride_along", kwargs=ride_along, expect=RIDE_ALONG_VISIBLE),
    Case("mentorship:ride_along", kwargs=lambda w: {"pk": 99999999}, label="missing",
         expect=expect(anonymous=302, others=404)),
    Case("mentorship:approval_decide", kwargs=lambda w: {"pk": w.ride_along.pk, "approval_pk": w.approval.pk},
         label="GET", expect=POST_ONLY),
    Case("mentorship:approval_decide", kwargs=lambda w: {"pk": w.ride_along.pk, "approval_pk": w.approval.pk},
         label="approve", method="POST",
         data=lambda w: {f"a{w.approval.pk}-decision": "approve", f"a{w.approval.pk}-comment": "同意"},
         expect=only(302, {"post_head": 302})),
    Case("mentorship:ride_along_start", kwargs=ride_along, label="GET", expect=POST_ONLY),
    # The mentor is refused with a message (no three approvals) and sent back: 302.
    Case("mentorship:ride_along_start", kwargs=ride_along, label="POST", method="POST",
         expect=only(302, {"mentor": 302})),
    Case("mentorship:ride_along_happened", kwargs=ride_along, label="POST", method="POST",
         expect=only(302, {"mentor": 302, "lead": 302})),
    Case("mentorship:ride_along_happened", kwargs=ride_along, label="GET", expect=POST_ONLY),
    # Wrong state for the mentor: a message and back to the trip.
    Case("mentorship:ride_along_sign_off", kwargs=ride_along, expect=only(302, {"mentor": 302})),
    Case("mentorship:sign_off_confirm", kwargs=signed_off, expect=only(200, {"trainee": 200})),
    Case("mentorship:sign_off_amend", kwargs=signed_off, expect=only(200, {"mentor": 200})),
    Case("mentorship:ride_along_expenses", kwargs=signed_off, expect=only(200, {"mentor": 200})),
    # No expense filing recorded yet: the lead is told so and sent back to the trip.
    Case("mentorship:ride_along_filing_problem", kwargs=signed_off, expect=only(302, {"lead": 302})),
    # M1, M13 assignment and assessments
    Case("mentorship:assign_mentor", expect=LEADS_ONLY),
    Case("mentorship:skill_assess", expect=LEADS_ONLY),
    Case("mentorship:mentor_assess", expect=expect(anonymous=302, supervisor=200, regional_manager=200,
                                                   post_head=200, regional_head=200, others=403)),
    Case("mentorship:reports", expect=LEADS_ONLY),
    Case("mentorship:reports", query="tab=nonsense", label="bad tab",
         expect=expect(anonymous=302, lead=404, other_lead=404, others=403)),
    Case("mentorship:accountability", expect=expect(anonymous=302, lead=200, other_lead=200, regional_head=200,
                                                    others=403)),
    # M4, M3 questions
    Case("mentorship:questions", expect=LOGGED_IN_OK),
    Case("mentorship:question_ask", expect=LOGGED_IN_OK),
    Case("mentorship:question", kwargs=question, expect=only(200, {r: 200 for r in QUESTION_SCOPE}, QUESTION_SCOPE)),
    Case("mentorship:question_answer", kwargs=question, label="GET", expect=POST_ONLY),
    Case("mentorship:question_answer", kwargs=question, label="POST", method="POST",
         data=lambda w: {"body": "答复"}, expect=only(302, {"post_head": 302}, QUESTION_SCOPE)),
    Case("mentorship:question_escalate", kwargs=question, label="POST", method="POST",
         data=lambda w: {"to": w.regional_head.pk}, expect=only(302, {"post_head": 302}, QUESTION_SCOPE)),
    Case("mentorship:question_escalate", kwargs=question, label="GET", expect=POST_ONLY),
    Case("mentorship:question_accept", kwargs=lambda w: {"pk": w.question.pk, "answer_pk": w.answer.pk},
         label="POST", method="POST", expect=only(302, {"trainee": 302}, QUESTION_SCOPE)),
    Case("mentorship:question_accept", kwargs=lambda w: {"pk": w.question.pk, "answer_pk": w.answer.pk},
         label="GET", expect=POST_ONLY),
    Case("mentorship:question_report", kwargs=question, label="POST", method="POST",
         data=lambda w: {"against": w.post_head.pk, "kind": "refused", "description": "拒答"},
         expect=only(302, {"trainee": 302}, QUESTION_SCOPE)),
    Case("mentorship:question_report", kwargs=question, label="GET", expect=POST_ONLY),
    Case("mentorship:question_report_review",
         kwargs=lambda w: {"pk": w.question.pk, "report_pk": w.question_report.pk}, label="POST", method="POST",
         data=lambda w: {"decision": "confirm", "note": "属实"}, expect=only(302, {"lead": 302}, QUESTION_SCOPE)),
    Case("mentorship:question_report_review",
         kwargs=lambda w: {"pk": w.question.pk, "report_pk": w.question_report.pk}, label="GET", expect=POST_ONLY),
    # M2 guidance
    Case("mentorship:guidance", expect=LOGGED_IN_OK),
    Case("mentorship:guidance_new", expect=expect(anonymous=302, trainee=403, other_trainee=403, others=200)),
    Case("mentorship:guidance_confirm", kwargs=lambda w: {"pk": w.guidance.pk}, label="POST", method="POST",
         expect=only(302, {"trainee": 302}, ("trainee", "mentor"))),
    Case("mentorship:guidance_confirm", kwargs=lambda w: {"pk": w.guidance.pk}, label="GET", expect=POST_ONLY),
    # M7 checklist
    Case("mentorship:checklist_mine", expect=expect(others=302)),
    Case("mentorship:checklist", kwargs=trainee_profile, expect=SEES_TRAINEE),
    Case("mentorship:checklist_cover", kwargs=lambda w: {"profile_pk": w.trainee.profile.pk, "topic_pk": w.topic.pk},
         label="POST", method="POST",
         expect=only(302, {"mentor": 302}, ("trainee", "mentor", "supervisor", "post_head", "lead", "regional_head"))),
    Case("mentorship:checklist_cover", kwargs=lambda w: {"profile_pk": w.trainee.profile.pk, "topic_pk": w.topic.pk},
         label="GET", expect=POST_ONLY),
    # Only the trainee acknowledges; the others who see her checklist are refused (403).
    Case("mentorship:checklist_acknowledge", kwargs=lambda w: {"item_pk": w.checklist_item.pk}, label="POST",
         method="POST", expect=only(302, {"trainee": 302}, ("trainee", "mentor", "supervisor", "post_head", "lead",
                                                            "regional_head"))),
    Case("mentorship:checklist_acknowledge", kwargs=lambda w: {"item_pk": w.checklist_item.pk}, label="GET",
         expect=POST_ONLY),
    Case("mentorship:checklist_topics", expect=LEADS_ONLY),
    Case("mentorship:checklist_topic", kwargs=lambda w: {"pk": w.topic.pk}, expect=LEADS_ONLY),
    # M5 conduct reports: the reporter and the managers it was routed to
    Case("mentorship:conduct_reports", expect=LOGGED_IN_OK),
    Case("mentorship:conduct_new", expect=LOGGED_IN_OK),
    Case("mentorship:conduct_report", kwargs=lambda w: {"pk": w.conduct_report.pk},
         expect=expect(anonymous=302, mentor=200, supervisor=200, post_head=200, others=404)),
    # M11 care: the mentor, the training lead and the post head only
    Case("mentorship:care", kwargs=trainee_profile,
         expect=expect(anonymous=302, mentor=200, lead=200, post_head=200, others=404)),
    # M12 handover
    Case("mentorship:handover_new", expect=expect(anonymous=302, lead=200, other_lead=200, regional_head=200,
                                                  post_head=200, regional_manager=200, others=403)),
]
