"""The other 传帮带 forms with free text (M1 assignment, M13 assessments, M4/M3 answers, escalations and
reports, M7 checklist topics, M12 handovers): no server error; one whole record or a message and nothing saved."""

import pytest
from django import forms
from hypothesis import event, given
from hypothesis import strategies as st

from lms.roles import Role
from mentorship.catalogue import ensure_catalogues
from mentorship.models import (
    AccountabilityRecord,
    Answer,
    ChecklistTopic,
    Escalation,
    Handover,
    MentorAssessment,
    MentorAssignment,
    Question,
    QuestionReport,
    SkillAssessment,
)
from mentorship.services import answer_question, ask_question, report_question
from tests.factories import make_person
from tests.mentorship.helpers import skill

from .conftest import FUZZ, assert_form_came_back, assert_redirect_with_message, post, rolled_back
from .test_free_text_forms_fuzz import texts

scores = st.one_of(st.sampled_from(["", "0", "85", "100", "101", "-1", "８５", "85.5", "1e2"]), texts)


@pytest.fixture
def world(cast):
    ensure_catalogues()
    cast.mentor2 = make_person("mentor2", role=Role.MENTOR, region=cast.org.sh, post=cast.org.field,
                               status="regular", name="赵志强")
    return cast


def _score(text):
    """The number the form makes of ``text``."""
    return forms.IntegerField(required=False).clean(text)


# --- M1 assigning a mentor, M13 assessments ------------------------------------------------------------


@FUZZ
@given(reason=texts)
def test_a_mentor_assignment_is_saved_whole_or_explained(world, client, reason):
    client.force_login(world.lead)
    current = MentorAssignment.objects.get(trainee=world.trainee)
    with rolled_back():
        before = MentorAssignment.objects.count()
        response = post(client, "/mentorship/assign/", {"trainee": world.trainee.pk, "mentor": world.mentor2.pk,
                                                        "start_date": "2026-11-20", "reason": reason})
        current.refresh_from_db()
        if response.status_code == 302:
            event("saved")
            new = MentorAssignment.objects.get(trainee=world.trainee, mentor=world.mentor2)
            assert MentorAssignment.objects.count() == before + 1 and new.reason == reason.strip()
            assert str(current.end_date) == "2026-11-19"  # the history is kept: the old period ends the day before
        else:
            event("refused")
            assert_form_came_back(response)
            assert MentorAssignment.objects.count() == before and current.end_date is None


@FUZZ
@given(notes=texts, score=scores, result=st.sampled_from([*SkillAssessment.Result.values, "", "maybe"]))
def test_a_skill_assessment_is_saved_whole_or_explained(world, client, notes, score, result):
    client.force_login(world.lead)
    with rolled_back():
        before = SkillAssessment.objects.count(), AccountabilityRecord.objects.count()
        response = post(client, "/mentorship/skills/assess/", {"trainee": world.trainee.pk, "skill": skill().pk,
                                                               "result": result, "score": score, "notes": notes})
        if response.status_code == 302:
            event("saved")
            assessment = SkillAssessment.objects.get(trainee=world.trainee)
            assert SkillAssessment.objects.count() == before[0] + 1
            assert (assessment.result, assessment.score, assessment.notes) == (result, _score(score), notes.strip())
            assert AccountabilityRecord.objects.count() == before[1]  # no signed-off trip covered the skill
        else:
            event("refused")
            assert_form_came_back(response)
            assert (SkillAssessment.objects.count(), AccountabilityRecord.objects.count()) == before


@FUZZ
@given(notes=texts, score=scores, result=st.sampled_from([*MentorAssessment.Result.values, "", "maybe"]))
def test_a_mentor_assessment_is_saved_whole_or_explained(world, client, notes, score, result):
    client.force_login(world.regional_head)
    with rolled_back():
        before = MentorAssessment.objects.count()
        response = post(client, "/mentorship/mentors/assess/",
                        {"mentor": world.mentor.pk, "result": result, "score": score, "notes": notes})
        if response.status_code == 302:
            event("saved")
            assessment = MentorAssessment.objects.get(mentor=world.mentor)
            assert MentorAssessment.objects.count() == before + 1
            assert (assessment.result, assessment.score, assessment.notes) == (result, _score(score), notes.strip())
        else:
            event("refused")
            assert_form_came_back(response)
            assert MentorAssessment.objects.count() == before


# --- M4, M3 questions: answers, escalations, reports and their review --------------------------------------


@pytest.fixture
def question(world):
    return ask_question(trainee=world.trainee, owner=world.mentor, subject="开户流程", body="身份证过期怎么办？")


def _question_state(question):
    return Question.objects.filter(pk=question.pk).values("status", "accepted_answer", "accepted_at").get()


@FUZZ
@given(body=texts)
def test_an_answer_is_saved_whole_or_refused_with_a_message(world, client, question, body):
    client.force_login(world.mentor)
    with rolled_back():
        before = _question_state(question)
        ok = assert_redirect_with_message(post(client, f"/mentorship/questions/{question.pk}/answer/",
                                               {"body": body}))
        event("saved" if ok else "refused")
        if ok:
            assert list(Answer.objects.filter(question=question).values_list("body", flat=True)) == [body.strip()]
            assert _question_state(question)["status"] == Question.Status.ANSWERED
        else:
            assert not Answer.objects.filter(question=question).exists() and _question_state(question) == before


@FUZZ
@given(note=texts)
def test_an_escalation_is_saved_whole_or_refused_with_a_message(world, client, question, note):
    client.force_login(world.mentor)
    with rolled_back():
        before = _question_state(question)
        ok = assert_redirect_with_message(post(client, f"/mentorship/questions/{question.pk}/escalate/",
                                               {"to": world.supervisor.pk, "note": note}))
        event("saved" if ok else "refused")
        escalations = list(Escalation.objects.filter(question=question).values_list("escalated_to", "note"))
        assert escalations == ([(world.supervisor.pk, note.strip())] if ok else [])
        assert _question_state(question) == before  # the owner stays the owner (M4)


@pytest.fixture
def answered(world, question):
    answer_question(question=question, user=world.mentor, body="带原件去营业厅")
    return question


@FUZZ
@given(description=texts, kind=st.sampled_from([*QuestionReport.Kind.values, "", "other"]))
def test_a_question_report_is_saved_whole_or_refused_with_a_message(world, client, answered, description, kind):
    client.force_login(world.trainee)
    with rolled_back():
        ok = assert_redirect_with_message(post(client, f"/mentorship/questions/{answered.pk}/report/",
                                               {"against": world.mentor.pk, "kind": kind,
                                                "description": description}))
        event("saved" if ok else "refused")
        reports = list(QuestionReport.objects.filter(question=answered).values_list("against", "kind", "description"))
        assert reports == ([(world.mentor.pk, kind, description.strip())] if ok else [])


@pytest.fixture
def report(world, answered):
    return report_question(question=answered, user=world.trainee, against=world.mentor,
                           kind=QuestionReport.Kind.values[0], description="答复敷衍")


@FUZZ
@given(note=texts, decision=st.sampled_from(["confirm", "dismiss", "", "maybe"]))
def test_a_report_review_is_saved_whole_or_refused_with_a_message(world, client, report, note, decision):
    client.force_login(world.lead)
    with rolled_back():
        records = AccountabilityRecord.objects.count()
        ok = assert_redirect_with_message(post(
            client, f"/mentorship/questions/{report.question_id}/reports/{report.pk}/review/",
            {"decision": decision, "note": note}))
        event("saved" if ok else "refused")
        report.refresh_from_db()
        if ok:
            assert report.review == (QuestionReport.Review.CONFIRMED if decision == "confirm"
                                     else QuestionReport.Review.DISMISSED)
            assert report.review_note == note.strip() and report.reviewed_by == world.lead
            assert AccountabilityRecord.objects.count() == records + (decision == "confirm")
        else:
            assert (report.review, report.review_note, report.reviewed_by) == (QuestionReport.Review.PENDING, "", None)
            assert AccountabilityRecord.objects.count() == records


# --- M7 checklist topics, M12 handovers -----------------------------------------------------------------


@FUZZ
@given(title=st.one_of(st.just("企业文化"), texts),
       order=st.one_of(st.integers(-5, 40000).map(str), st.sampled_from(["", "1e3", "３"]), texts),
       section=st.sampled_from(["company", "department", "x"]), edit=st.booleans())
def test_a_checklist_topic_is_saved_whole_or_explained(world, client, title, order, section, edit):
    client.force_login(world.lead)
    topic = ChecklistTopic.objects.order_by("pk").first()
    url = f"/mentorship/checklist/topics/{topic.pk}/" if edit else "/mentorship/checklist/topics/"
    with rolled_back():
        before = list(ChecklistTopic.objects.order_by("pk").values())
        response = post(client, url, {"section": section, "title": title, "order": order, "active": "on"})
        if response.status_code == 302:
            event("saved")
            saved = ChecklistTopic.objects.get(pk=topic.pk) if edit else ChecklistTopic.objects.latest("pk")
            assert ChecklistTopic.objects.count() == len(before) + (0 if edit else 1)
            assert (saved.title, saved.order, saved.section) == (title.strip(), _score(order), section)
        else:
            event("refused")
            assert_form_came_back(response)
            assert list(ChecklistTopic.objects.order_by("pk").values()) == before


@FUZZ
@given(matters=texts, to_region=st.booleans(), to_post=st.booleans(), handed_to=st.booleans())
def test_a_handover_is_saved_whole_or_explained(world, client, matters, to_region, to_post, handed_to):
    client.force_login(world.lead)
    with rolled_back():
        before = Handover.objects.count()
        response = post(client, "/mentorship/handover/new/", {
            "person": world.mentor.pk, "to_region": world.org.hz.pk if to_region else "",
            "to_post": world.org.hall.pk if to_post else "", "handed_to": world.mentor2.pk if handed_to else "",
            "matters": matters})
        if response.status_code == 302:
            event("saved")
            handover = Handover.objects.get(person=world.mentor)
            assert Handover.objects.count() == before + 1 and handover.matters == matters.strip()
            assert (handover.from_region, handover.to_region_id, handover.to_post_id, handover.handed_to_id) == (
                world.org.sh, world.org.hz.pk if to_region else None, world.org.hall.pk if to_post else None,
                world.mentor2.pk if handed_to else None)
        else:
            event("refused")
            assert_form_came_back(response)
            assert Handover.objects.count() == before


# --- the success branches above are reachable ------------------------------------------------------------


def test_these_forms_accept_ordinary_text(world, client, question):
    client.force_login(world.lead)
    assert post(client, "/mentorship/assign/", {"trainee": world.trainee.pk, "mentor": world.mentor2.pk,
                                                "start_date": "2026-11-20", "reason": "原导师调岗"}).status_code == 302
    assert post(client, "/mentorship/skills/assess/", {"trainee": world.trainee.pk, "skill": skill().pk,
                                                       "result": SkillAssessment.Result.values[0], "score": "85",
                                                       "notes": "操作规范"}).status_code == 302
    assert post(client, "/mentorship/checklist/topics/", {"section": "company", "title": "企业文化", "order": "9",
                                                          "active": "on"}).status_code == 302
    assert post(client, "/mentorship/handover/new/", {"person": world.mentor.pk, "to_region": world.org.hz.pk,
                                                      "matters": "某批次光猫掉线：升级固件解决"}).status_code == 302
    client.force_login(world.regional_head)
    assert post(client, "/mentorship/mentors/assess/", {"mentor": world.mentor.pk, "score": "90", "notes": "带教认真",
                                                        "result": MentorAssessment.Result.values[0]}).status_code == 302
    client.force_login(world.mentor)
    assert assert_redirect_with_message(post(client, f"/mentorship/questions/{question.pk}/escalate/",
                                             {"to": world.supervisor.pk, "note": "请协助"}))
    assert assert_redirect_with_message(post(client, f"/mentorship/questions/{question.pk}/answer/",
                                             {"body": "带原件去营业厅"}))
    client.force_login(world.trainee)
    assert assert_redirect_with_message(post(client, f"/mentorship/questions/{question.pk}/report/", {
        "against": world.mentor.pk, "kind": QuestionReport.Kind.values[0], "description": "答复敷衍"}))
    client.force_login(world.lead)
    report = QuestionReport.objects.get()
    assert assert_redirect_with_message(post(client, f"/mentorship/questions/{question.pk}/reports/{report.pk}/review/",
                                             {"decision": "confirm", "note": "属实"}))
    assert (MentorAssignment.objects.count(), SkillAssessment.objects.count(), MentorAssessment.objects.count(),
            Handover.objects.count(), Escalation.objects.count(), Answer.objects.count(),
            AccountabilityRecord.objects.count()) == (3, 1, 1, 1, 1, 1, 1)
    # A refusal on a one-button form: a message in Chinese, nothing saved.
    client.force_login(world.mentor)
    assert not assert_redirect_with_message(post(client, f"/mentorship/questions/{question.pk}/answer/",
                                                 {"body": "  "}))
    assert Answer.objects.count() == 1
