"""M2 guidance log, M5 conduct reports, M7 checklist, M11 care, M12 handover."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lms.signals import checklist_completed
from mentorship.models import ChecklistTopic, ConductReport, Guidance, RecordLocked
from mentorship.access import care_check_ins_for, conduct_reports_visible_to
from mentorship.services import (
    acknowledge_topic,
    checklist_complete,
    confirm_guidance,
    file_conduct_report,
    log_guidance,
    mark_topic_covered,
    record_care_check_in,
    record_handover,
)


def test_m2_the_mentor_logs_guidance_by_mode_and_the_trainee_confirms(cast):
    g = log_guidance(mentor=cast.mentor, trainee=cast.trainee, mode=Guidance.Mode.ONE_TO_ONE, topic="首问负责制",
                     duration_minutes=30, date=datetime.date(2026, 9, 3))
    with pytest.raises(PermissionDenied):
        confirm_guidance(guidance=g, trainee=cast.other_trainee)
    confirm_guidance(guidance=g, trainee=cast.trainee)
    g.refresh_from_db()
    assert g.trainee_confirmed_at is not None
    g.topic = "改"
    with pytest.raises(RecordLocked):
        g.save()


def test_m2_only_a_regular_employee_logs_guidance(cast):
    with pytest.raises(PermissionDenied):
        log_guidance(mentor=cast.other_trainee, trainee=cast.trainee, mode="qa", topic="x", duration_minutes=5)


@pytest.mark.django_db
def test_m7_the_seeded_topics_come_from_the_regulation():
    titles = list(ChecklistTopic.objects.values_list("title", flat=True))
    assert "薪酬结构" in titles and "考勤制度" in titles


def test_m7_checklist_completes_when_every_topic_is_covered_and_acknowledged(cast, django_capture_on_commit_callbacks):
    ChecklistTopic.objects.exclude(pk__in=ChecklistTopic.objects.order_by("id")[:2].values("pk")).update(active=False)
    topics = list(ChecklistTopic.objects.filter(active=True))
    received = []
    checklist_completed.connect(lambda **kw: received.append(kw["trainee"]), weak=False, dispatch_uid="t-cl")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            items = [mark_topic_covered(trainee=cast.trainee, topic=t, mentor=cast.mentor) for t in topics]
            acknowledge_topic(item=items[0], trainee=cast.trainee)
            assert not checklist_complete(cast.trainee)
            acknowledge_topic(item=items[1], trainee=cast.trainee)
    finally:
        checklist_completed.disconnect(dispatch_uid="t-cl")
    assert checklist_complete(cast.trainee)
    assert received == [cast.trainee]
    assert items[0].covered_by == cast.mentor and items[0].covered_at is not None


def test_m7_only_the_current_mentor_covers_and_only_the_trainee_acknowledges(cast):
    topic = ChecklistTopic.objects.first()
    with pytest.raises(PermissionDenied):
        mark_topic_covered(trainee=cast.trainee, topic=topic, mentor=cast.other_mentor)
    item = mark_topic_covered(trainee=cast.trainee, topic=topic, mentor=cast.mentor)
    with pytest.raises(PermissionDenied):
        acknowledge_topic(item=item, trainee=cast.mentor)


def test_m5_a_report_about_a_trainee_goes_to_supervisor_manager_and_post_head(cast):
    report = file_conduct_report(reporter=cast.mentor, subject=cast.trainee, occurred_on=datetime.date(2026, 9, 5),
                                 description="私自泄露客户信息")
    assert report.direction == ConductReport.Direction.ABOUT_TRAINEE
    assert set(report.recipients.all()) == {cast.supervisor, cast.post_head}


def test_m5_a_trainee_reports_a_regular_employee_to_their_superiors(cast):
    report = file_conduct_report(reporter=cast.trainee, subject=cast.mentor, occurred_on=datetime.date(2026, 9, 5),
                                 description="上班饮酒")
    assert report.direction == ConductReport.Direction.ABOUT_REGULAR
    assert set(report.recipients.all()) == {cast.regional_head}
    assert list(conduct_reports_visible_to(cast.regional_head)) == [report]
    assert list(conduct_reports_visible_to(cast.mentor)) == []


def test_m11_care_check_ins_are_seen_by_mentor_lead_and_post_head_only(cast):
    record_care_check_in(mentor=cast.mentor, trainee=cast.trainee, work="适应良好", life="租房困难",
                         help_given="介绍了宿舍")
    for user in (cast.mentor, cast.lead, cast.post_head):
        assert care_check_ins_for(user, cast.trainee).count() == 1
    for user in (cast.trainee, cast.regional_head, cast.supervisor, cast.other_lead):
        assert care_check_ins_for(user, cast.trainee).count() == 0


def test_m11_only_the_current_mentor_records_care(cast):
    with pytest.raises(PermissionDenied):
        record_care_check_in(mentor=cast.other_mentor, trainee=cast.trainee, work="x")
    with pytest.raises(ValidationError):
        record_care_check_in(mentor=cast.mentor, trainee=cast.trainee)


def test_m12_a_handover_keeps_where_the_person_came_from(cast):
    h = record_handover(person=cast.mentor, created_by=cast.lead, matters="某批次试剂问题及处理办法",
                        to_region=cast.org.hz, handed_to=cast.other_mentor)
    assert (h.from_region, h.to_region, h.from_post) == (cast.org.sh, cast.org.hz, cast.org.field)
