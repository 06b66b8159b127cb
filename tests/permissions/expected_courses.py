"""Expected status codes for the quiz engine's views (courses/urls.py).

Attempts are the learner's own: anyone else gets 404, except people whose scope
includes the learner, who may read the result (lms.access scope).
"""

from .matrix import Case, expect

SEES_TRAINEE = dict(mentor=200, supervisor=200, post_head=200, lead=200, regional_head=200)

CASES = [
    Case("courses:quiz_start", kwargs=lambda w: {"quiz_id": w.quiz_open.pk}, expect=expect(anonymous=302, others=405),
         label="GET"),
    # POST: the trainee resumes their open attempt (redirect); everyone else starts one (redirect) too.
    Case("courses:quiz_start", kwargs=lambda w: {"quiz_id": w.quiz_open.pk}, method="POST",
         expect=expect(others=302), label="POST"),
    Case("courses:attempts", expect=expect(anonymous=302, others=200)),
    Case("courses:question", kwargs=lambda w: {"pk": w.attempt_open.pk, "number": 1},
         expect=expect(anonymous=302, trainee=200, others=404), label="own open attempt"),
    Case("courses:question", kwargs=lambda w: {"pk": w.attempt_open.pk, "number": 99},
         expect=expect(anonymous=302, others=404), label="no such question"),
    Case("courses:finish", kwargs=lambda w: {"pk": w.attempt_open.pk}, expect=expect(anonymous=302, others=405),
         label="GET"),
    Case("courses:finish", kwargs=lambda w: {"pk": w.attempt_open.pk}, method="POST",
         expect=expect(anonymous=302, trainee=302, others=404), label="POST"),
    Case("courses:result", kwargs=lambda w: {"pk": w.attempt_done.pk},
         expect=expect(anonymous=302, trainee=200, **SEES_TRAINEE, others=404)),
    # Training leads mark essays (courses.access.can_mark), only of people in their scope: 403 without the role,
    # 404 outside the lead's scope (lms.access policy).
    # The learner's training lead grants a new round (here refused: the round is not used up, 400); 403 without the
    # lead's role, 404 outside the lead's scope.
    Case("courses:grant_round", kwargs=lambda w: {"pk": w.attempt_done.pk},
         expect=expect(anonymous=302, others=405), label="GET"),
    Case("courses:grant_round", kwargs=lambda w: {"pk": w.attempt_done.pk}, method="POST",
         data=lambda w: {"reason": "补考"}, expect=expect(anonymous=302, lead=400, other_lead=404, others=403),
         label="POST"),
    Case("courses:marking", expect=expect(anonymous=302, lead=200, other_lead=200, others=403)),
    Case("courses:mark", kwargs=lambda w: {"pk": w.essay_answer.pk},
         expect=expect(anonymous=302, lead=200, other_lead=404, others=403)),
    # Assignment rules (courses.assignments): the leads' page; a rule of the east region is retired by the east
    # lead only (404 for the other lead, 403 without the role).
    Case("courses:assignment_rules", expect=expect(anonymous=302, lead=200, other_lead=200, others=403)),
    Case("courses:assignment_rules", method="POST", label="POST empty form",
         expect=expect(anonymous=302, lead=200, other_lead=200, others=403)),
    Case("courses:assignment_rules", method="POST", label="POST another region",
         data=lambda w: {"course": w.course.pk, "region": w.org.gz.pk},
         expect=expect(anonymous=302, lead=200, other_lead=302, others=403)),
    Case("courses:retire_rule", kwargs=lambda w: {"pk": w.assignment_rule.pk},
         expect=expect(anonymous=302, others=405), label="GET"),
    Case("courses:retire_rule", kwargs=lambda w: {"pk": w.assignment_rule.pk}, method="POST",
         expect=expect(anonymous=302, lead=302, other_lead=404, others=403), label="POST"),
]
