"""The ride-along approval and sign-off flows through the screens, as each role (M6, M9), with refusals."""

import datetime

import pytest
from django.urls import reverse

from mentorship.models import Approval, ChecklistTopic, Question, RideAlong, SignOff

from .helpers import APPROVER, END, START, approve_all, at, request_trip, signed_off_trip, skill


def _url(name, *args):
    return reverse(f"mentorship:{name}", args=args)


def _login(client, user):
    client.force_login(user)
    return client


def _decide(client, ride_along, approval, decision="approve", comment="同意"):
    prefix = f"a{approval.pk}"
    return client.post(_url("approval_decide", ride_along.pk, approval.pk),
                       {f"{prefix}-decision": decision, f"{prefix}-comment": comment}, follow=True)


def test_m6_the_mentor_requests_a_trip_through_the_form(client, cast):
    _login(client, cast.mentor)
    page = client.get(_url("ride_along_new"))
    assert page.status_code == 200 and "贴票报账指导" in page.content.decode()
    response = client.post(_url("ride_along_new"), {
        "trainee": cast.trainee.pk, "destination_region": cast.org.hz.pk, "cities": "杭州、宁波",
        "start_date": "2026-10-12", "end_date": "2026-10-21", "skills": [skill().pk], "purpose": "装机",
    })
    ride_along = RideAlong.objects.get()
    assert response.status_code == 302 and response.url == _url("ride_along", ride_along.pk)
    assert ride_along.cities == ["杭州", "宁波"] and ride_along.approvals.count() == 3


def test_m6_the_request_form_shows_clear_errors_and_saves_nothing(client, cast):
    _login(client, cast.mentor)
    response = client.post(_url("ride_along_new"), {
        "trainee": cast.trainee.pk, "destination_region": cast.org.gz.pk, "cities": "广州",
        "start_date": "2026-10-12", "end_date": "2026-10-11",
    })
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not RideAlong.objects.exists()


def test_m6_a_trainee_cannot_request_a_trip(client, cast):
    _login(client, cast.trainee)
    assert client.get(_url("ride_along_new")).status_code == 403


def test_m6_each_approver_approves_through_the_detail_page(client, cast):
    ride_along = request_trip(cast)
    for approval in ride_along.approvals.all():
        _login(client, getattr(cast, APPROVER[approval.kind]))
        page = client.get(_url("ride_along", ride_along.pk)).content.decode()
        assert "提交决定" in page
        response = _decide(client, ride_along, approval)
        assert "您的批准已记录" in response.content.decode()
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.APPROVED
    assert set(Approval.objects.values_list("decided_by__username", flat=True)) == {
        "supervisor", "regional_manager", "post_head"}


def test_m6_the_wrong_approver_gets_403(client, cast):
    ride_along = request_trip(cast)
    approval = ride_along.approvals.get(kind=Approval.Kind.POST_HEAD)
    for user in (cast.supervisor, cast.mentor, cast.trainee, cast.lead):
        _login(client, user)
        assert _decide(client, ride_along, approval).status_code == 403
    assert ride_along.approvals.get(pk=approval.pk).decision == Approval.Decision.PENDING


def test_m6_someone_outside_the_scope_gets_404(client, cast):
    ride_along = request_trip(cast)
    approval = ride_along.approvals.first()
    for user in (cast.other_lead, cast.other_mentor, cast.other_trainee, cast.editor):
        _login(client, user)
        assert client.get(_url("ride_along", ride_along.pk)).status_code == 404
        assert _decide(client, ride_along, approval).status_code == 404


def test_m6_a_rejection_without_comment_is_refused_with_a_message(client, cast):
    ride_along = request_trip(cast)
    approval = ride_along.approvals.get(kind=Approval.Kind.POST_HEAD)
    _login(client, cast.post_head)
    response = _decide(client, ride_along, approval, decision="reject", comment="")
    assert "请填写驳回理由" in response.content.decode()
    response = _decide(client, ride_along, approval, decision="reject", comment="培训未完成")
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.REJECTED


def test_m6_deciding_again_after_a_rejection_is_refused(client, cast):
    ride_along = request_trip(cast)
    _login(client, cast.post_head)
    _decide(client, ride_along, ride_along.approvals.get(kind=Approval.Kind.POST_HEAD), "reject", "不同意")
    _login(client, cast.supervisor)
    response = _decide(client, ride_along, ride_along.approvals.get(kind=Approval.Kind.TRAINING_SUPERVISOR))
    assert "已不在待审批状态" in response.content.decode()
    assert ride_along.approvals.get(kind=Approval.Kind.TRAINING_SUPERVISOR).decision == Approval.Decision.PENDING


def test_m6_start_is_refused_without_three_approvals_whatever_is_posted(client, cast):
    ride_along = request_trip(cast)
    _login(client, cast.mentor)
    response = client.post(_url("ride_along_start", ride_along.pk), {"state": "approved", "approved": "1"},
                           follow=True)
    assert "三方审批全部通过前不能出行" in response.content.decode()
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.REQUESTED


def test_m6_only_the_mentor_starts_an_approved_trip(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    clock.move_to(at(START, 8))
    _login(client, cast.trainee)
    assert client.post(_url("ride_along_start", ride_along.pk)).status_code == 403
    _login(client, cast.mentor)
    client.post(_url("ride_along_start", ride_along.pk))
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.STARTED


def test_m9_the_mentor_signs_off_on_the_phone_form_and_the_trainee_confirms(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    _login(client, cast.mentor)
    clock.move_to(at(START, 8))
    client.post(_url("ride_along_start", ride_along.pk))
    clock.move_to(at(END, 18))
    client.post(_url("ride_along_happened", ride_along.pk))
    form = client.get(_url("ride_along_sign_off", ride_along.pk))
    assert form.status_code == 200 and 'name="plan_due_1"' in form.content.decode()
    response = client.post(_url("ride_along_sign_off", ride_along.pk), {
        "performance": "能独立完成装机", "skills_covered": [skill().pk], "study_directions": "多看售后案例",
        "weak_skill_1": skill("售后问题分析").pk, "weak_text_1": "故障定位慢",
        "plan_text_1": "复习售后问题分析", "plan_due_1": "2026-11-30",
    })
    assert response.status_code == 302
    sign_off = SignOff.objects.get()
    assert sign_off.weak_points.count() == 1 and sign_off.plan_items.get().due_date == datetime.date(2026, 11, 30)
    # Locked: signing off again is refused with a message.
    again = client.get(_url("ride_along_sign_off", ride_along.pk), follow=True)
    assert "只有已发生且尚未签认的出行才能签认" in again.content.decode()
    # The mentor cannot confirm for the trainee.
    assert client.post(_url("sign_off_confirm", ride_along.pk), {"comment": ""}).status_code == 403
    _login(client, cast.trainee)
    client.post(_url("sign_off_confirm", ride_along.pk), {"comment": "认同"})
    sign_off.refresh_from_db()
    assert sign_off.trainee_confirmed_at is not None


def _happened_through_the_screens(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    _login(client, cast.mentor)
    clock.move_to(at(START, 8))
    client.post(_url("ride_along_start", ride_along.pk))
    clock.move_to(at(END, 18))
    client.post(_url("ride_along_happened", ride_along.pk))
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.COMPLETED
    return ride_along


def test_m9_the_sign_off_form_requires_due_dates(client, cast, clock):
    ride_along = _happened_through_the_screens(client, cast, clock)
    response = client.post(_url("ride_along_sign_off", ride_along.pk),
                           {"performance": "好", "plan_text_1": "复习"})
    assert "每条学习计划都需要完成期限" in response.content.decode()
    assert not SignOff.objects.exists()


def test_m9_only_the_mentor_signs_off(client, cast, clock):
    ride_along = _happened_through_the_screens(client, cast, clock)
    for user in (cast.trainee, cast.lead, cast.post_head):
        _login(client, user)
        assert client.post(_url("ride_along_sign_off", ride_along.pk), {"performance": "x"}).status_code == 403
    _login(client, cast.other_mentor)
    assert client.get(_url("ride_along_sign_off", ride_along.pk)).status_code == 404


def test_audit_an_amendment_through_the_screen(client, cast):
    ride_along = signed_off_trip(cast)
    _login(client, cast.trainee)
    assert client.get(_url("sign_off_amend", ride_along.pk)).status_code == 403
    _login(client, cast.mentor)
    client.post(_url("sign_off_amend", ride_along.pk), {"reason": "笔误", "correction": "表现优秀"})
    assert ride_along.sign_off.amendments.get().reason == "笔误"
    page = client.get(_url("ride_along", ride_along.pk)).content.decode()
    assert "笔误" in page and "表现良好" in page


def test_m6_recording_an_unapproved_trip_shows_it_is_not_reimbursable(client, cast, clock):
    ride_along = request_trip(cast)
    clock.move_to(at(END, 18))
    _login(client, cast.mentor)
    page = client.post(_url("ride_along_happened", ride_along.pk), follow=True).content.decode()
    assert "不可报销" in page and "未经三方审批带新员工出行" in page


def test_m8_expense_filing_through_the_screen(client, cast):
    ride_along = signed_off_trip(cast)
    _login(client, cast.mentor)
    response = client.post(_url("ride_along_expenses", ride_along.pk), {"filed": "on", "guided": "on"})
    assert "请填写报销总额" in response.content.decode()
    client.post(_url("ride_along_expenses", ride_along.pk), {"filed": "on", "guided": "on", "total_yuan": "1800"})
    ride_along.refresh_from_db()
    assert ride_along.expense_total_yuan == 1800 and ride_along.expense_filing_guided


def test_m13_lead_pages_assign_assess_and_reports(client, cast, clock):
    signed_off_trip(cast)
    clock.move_to(at(END + datetime.timedelta(days=7)))
    _login(client, cast.lead)
    response = client.post(_url("skill_assess"), {"trainee": cast.trainee.pk, "skill": skill().pk,
                                                  "result": "failed", "score": "50"})
    assert response.status_code == 302
    for tab in ("skills", "mentors", "sign_offs", "accountability", "question_reports"):
        page = client.get(_url("reports") + f"?tab={tab}")
        assert page.status_code == 200
    assert "未掌握" in client.get(_url("reports")).content.decode()
    assert cast.mentor.profile.name in client.get(_url("reports") + "?tab=accountability").content.decode()
    _login(client, cast.mentor)
    assert client.get(_url("reports")).status_code == 403
    assert client.get(_url("skill_assess")).status_code == 403


def test_m1_the_lead_assigns_a_mentor_through_the_form(client, cast):
    _login(client, cast.lead)
    response = client.post(_url("assign_mentor"), {"trainee": cast.trainee.pk, "mentor": cast.post_head.pk,
                                                   "start_date": "2026-10-01", "reason": "调岗"})
    assert response.status_code == 302
    assert cast.trainee.mentor_assignments_as_trainee.count() == 2
    # Someone outside the lead's regions is not even offered.
    response = client.post(_url("assign_mentor"), {"trainee": cast.other_trainee.pk, "mentor": cast.mentor.pk,
                                                   "start_date": "2026-10-01"})
    assert response.status_code == 200 and cast.other_trainee.mentor_assignments_as_trainee.count() == 1


def test_m13_the_regional_head_assesses_a_mentor(client, cast):
    _login(client, cast.regional_head)
    assert client.get(_url("mentor_assess")).status_code == 200
    response = client.post(_url("mentor_assess"), {"mentor": cast.mentor.pk, "result": "good", "score": "80"})
    assert response.status_code == 302
    assert cast.mentor.mentor_assessments.count() == 1


def test_m4_questions_through_the_screens(client, cast):
    _login(client, cast.trainee)
    response = client.post(_url("question_ask"), {"owner": cast.post_head.pk, "subject": "阳性率偏高",
                                                  "body": "先查什么？"})
    question = Question.objects.get()
    assert response.status_code == 302
    _login(client, cast.mentor)
    assert client.get(_url("question", question.pk)).status_code == 404
    _login(client, cast.post_head)
    client.post(_url("question_escalate", question.pk), {"to": cast.regional_head.pk, "note": "请教"})
    _login(client, cast.regional_head)
    client.post(_url("question_answer", question.pk), {"body": "先查试剂批号"})
    _login(client, cast.trainee)
    answer = question.answers.get()
    client.post(_url("question_accept", question.pk, answer.pk))
    question.refresh_from_db()
    assert question.is_resolved and question.owner == cast.post_head


def test_m7_checklist_screens(client, cast):
    topic = ChecklistTopic.objects.first()
    _login(client, cast.mentor)
    client.post(_url("checklist_cover", cast.trainee.profile.pk, topic.pk))
    _login(client, cast.trainee)
    page = client.get(_url("checklist_mine"), follow=True).content.decode()
    assert topic.title in page
    item = cast.trainee.checklist.get()
    client.post(_url("checklist_acknowledge", item.pk))
    item.refresh_from_db()
    assert item.acknowledged_at is not None
    _login(client, cast.other_mentor)
    assert client.get(_url("checklist", cast.trainee.profile.pk)).status_code == 404


def test_m11_care_page_visibility(client, cast):
    _login(client, cast.mentor)
    client.post(_url("care", cast.trainee.profile.pk), {"date": "2026-10-01", "life": "租房困难"})
    assert cast.trainee.care_check_ins.count() == 1
    for user, status in ((cast.lead, 200), (cast.post_head, 200), (cast.trainee, 404), (cast.regional_head, 404)):
        _login(client, user)
        assert client.get(_url("care", cast.trainee.profile.pk)).status_code == status


@pytest.mark.parametrize("name", ["ride_alongs", "questions", "guidance", "conduct_reports", "conduct_new",
                                  "question_ask"])
def test_list_pages_render_for_everyone(client, cast, name):
    for user in (cast.trainee, cast.mentor, cast.lead):
        _login(client, user)
        assert client.get(_url(name)).status_code == 200


def test_m5_conduct_report_through_the_screen(client, cast):
    _login(client, cast.mentor)
    response = client.post(_url("conduct_new"), {"subject": cast.trainee.pk, "occurred_on": "2026-10-02",
                                                 "description": "泄露客户信息"})
    assert response.status_code == 302
    _login(client, cast.post_head)
    assert "泄露客户信息" in client.get(response.url).content.decode()
    _login(client, cast.lead)
    assert client.get(response.url).status_code == 404


def test_person_page_shows_mentoring_sections(client, cast):
    signed_off_trip(cast)
    _login(client, cast.lead)
    page = client.get(reverse("person", args=[cast.trainee.profile.pk])).content.decode()
    assert "传帮带" in page and "杭州区域" in page
    page = client.get(reverse("person", args=[cast.mentor.profile.pk])).content.decode()
    assert "作为导师" in page


def test_m2_guidance_screens(client, cast):
    _login(client, cast.mentor)
    client.post(_url("guidance_new"), {"trainee": cast.trainee.pk, "mode": "one_to_one", "topic": "首问负责制",
                                       "date": "2026-10-01", "duration_minutes": "30"})
    guidance = cast.trainee.guidance_received.get()
    assert client.post(_url("guidance_confirm", guidance.pk)).status_code == 403
    _login(client, cast.trainee)
    client.post(_url("guidance_confirm", guidance.pk))
    guidance.refresh_from_db()
    assert guidance.trainee_confirmed_at is not None


def test_m12_the_lead_records_a_handover(client, cast):
    _login(client, cast.lead)
    response = client.post(_url("handover_new"), {"person": cast.mentor.pk, "to_region": cast.org.hz.pk,
                                                   "matters": "某批次试剂问题及处理办法"})
    assert response.status_code == 302
    assert "某批次试剂问题" in client.get(response.url).content.decode()
    response = client.post(_url("handover_new"), {"person": cast.mentor.pk, "matters": "x"})
    assert "请填写新区域或新岗位" in response.content.decode()
    _login(client, cast.trainee)
    assert client.get(_url("handover_new")).status_code == 403


def test_m13_an_approver_assesses_the_mentor_of_a_signed_off_trip(client, cast):
    ride_along = signed_off_trip(cast)
    _login(client, cast.post_head)
    assert "考核导师" in client.get(_url("ride_along", ride_along.pk)).content.decode()
    response = client.post(_url("mentor_assess"), {"ride_along": ride_along.pk, "mentor": cast.mentor.pk,
                                                   "result": "excellent"})
    assert response.status_code == 302
    assert cast.mentor.mentor_assessments.get().ride_along == ride_along


def test_m7_the_training_lead_edits_the_checklist_topics(client, cast):
    _login(client, cast.lead)
    response = client.post(_url("checklist_topics"), {"section": "department", "title": "客户回访制度",
                                                      "order": "20", "active": "on"})
    assert response.status_code == 302
    topic = ChecklistTopic.objects.get(title="客户回访制度")
    client.post(_url("checklist_topic", topic.pk), {"section": "department", "title": "客户回访制度", "order": "20"})
    topic.refresh_from_db()
    assert topic.active is False
    _login(client, cast.mentor)
    assert client.get(_url("checklist_topics")).status_code == 403
