"""M4 首问负责制 and M3 reports of refused or perfunctory answers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from mentorship.models import AccountabilityRecord, Question, QuestionReport
from mentorship.services import (
    accept_answer,
    answer_question,
    ask_question,
    escalate_question,
    flag_overdue_questions,
    question_is_overdue,
    report_question,
    review_question_report,
)

TZ = timezone.get_current_timezone()
MONDAY = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=TZ)
THURSDAY = datetime.datetime(2026, 11, 19, 9, 0, tzinfo=TZ)


def _ask(cast, owner=None, at=None):
    q = ask_question(trainee=cast.trainee, owner=owner or cast.post_head, subject="整板阳性率偏高怎么处理",
                     body="客户现场整板阳性率偏高，先查什么？")
    if at:
        Question.objects.filter(pk=q.pk).update(asked_at=at)
        q.refresh_from_db()
    return q


def test_m4_the_first_person_asked_owns_the_question_even_after_escalating(cast):
    q = _ask(cast)
    escalate_question(question=q, user=cast.post_head, to=cast.regional_head, note="请教")
    q.refresh_from_db()
    assert q.owner == cast.post_head
    answer = answer_question(question=q, user=cast.regional_head, body="先查试剂批号")
    q.refresh_from_db()
    assert q.status == Question.Status.ANSWERED and q.owner == cast.post_head
    accept_answer(question=q, user=cast.trainee, answer=answer)
    q.refresh_from_db()
    assert q.is_resolved and q.accepted_answer == answer


def test_m4_only_the_owner_escalates_and_only_owner_or_helpers_answer(cast):
    q = _ask(cast)
    with pytest.raises(PermissionDenied):
        escalate_question(question=q, user=cast.mentor, to=cast.lead)
    with pytest.raises(PermissionDenied):
        answer_question(question=q, user=cast.mentor, body="x")


def test_m4_only_the_trainee_accepts_an_answer(cast):
    q = _ask(cast)
    answer = answer_question(question=q, user=cast.post_head, body="看手册")
    with pytest.raises(PermissionDenied):
        accept_answer(question=q, user=cast.post_head, answer=answer)


def test_m4_a_question_is_overdue_after_two_working_days(cast):
    q = _ask(cast, at=MONDAY)
    assert not question_is_overdue(q, now=MONDAY + datetime.timedelta(days=2))
    assert question_is_overdue(q, now=MONDAY + datetime.timedelta(days=2, minutes=1))


def test_m4_the_weekend_does_not_count(cast):
    friday = THURSDAY + datetime.timedelta(days=1)
    q = _ask(cast, at=friday)
    assert not question_is_overdue(q, now=friday + datetime.timedelta(days=3))  # Monday
    assert question_is_overdue(q, now=friday + datetime.timedelta(days=4, minutes=1))


def test_m4_the_overdue_time_is_a_setting(cast, settings):
    settings.MENTORSHIP_QUESTION_OVERDUE_WORKING_DAYS = 3
    q = _ask(cast, at=MONDAY)
    assert not question_is_overdue(q, now=MONDAY + datetime.timedelta(days=2, minutes=1))


def test_m4_a_resolved_question_is_never_overdue(cast):
    q = _ask(cast, at=MONDAY)
    accept_answer(question=q, user=cast.trainee, answer=answer_question(question=q, user=cast.post_head, body="a"))
    q.refresh_from_db()
    assert not question_is_overdue(q, now=MONDAY + datetime.timedelta(days=30))


def test_m4_overdue_questions_are_flagged_once_to_the_owner_and_the_lead(cast, mailoutbox):
    _ask(cast, at=MONDAY)
    _ask(cast, owner=cast.mentor, at=THURSDAY - datetime.timedelta(hours=1))  # just asked: not overdue
    flagged = flag_overdue_questions(now=THURSDAY)
    assert len(flagged) == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.post_head.email, cast.lead.email])
    assert flag_overdue_questions(now=THURSDAY) == []


def test_m4_a_lead_counts_the_overdue_questions_of_their_own_people_only(cast):
    from mentorship.queues import overdue_questions_for

    mine = _ask(cast, at=MONDAY)
    theirs = ask_question(trainee=cast.other_trainee, owner=cast.other_mentor, subject="燃气表读数异常",
                          body="客户说表走得快，先查什么？")
    Question.objects.filter(pk=theirs.pk).update(asked_at=MONDAY)
    _ask(cast, owner=cast.mentor, at=THURSDAY - datetime.timedelta(hours=1))  # in scope, not overdue yet
    assert [q.pk for q in overdue_questions_for(cast.lead, now=THURSDAY)] == [mine.pk]
    assert [q.pk for q in overdue_questions_for(cast.other_lead, now=THURSDAY)] == [theirs.pk]


def test_m4_the_daily_command_flags_overdue_questions(cast, mailoutbox):
    _ask(cast, at=timezone.now() - datetime.timedelta(days=10))
    call_command("mentorship_daily", stdout=open("/dev/null", "w"))
    assert Question.objects.get().overdue_flagged_at is not None
    assert len(mailoutbox) == 2


def test_m3_a_confirmed_report_is_recorded_against_the_colleague(cast):
    q = _ask(cast)
    report = report_question(question=q, user=cast.trainee, against=cast.post_head, kind="refused",
                             description="说这种问题别来问我")
    review_question_report(report=report, reviewer=cast.lead, confirm=True, note="属实")
    record = AccountabilityRecord.objects.get()
    assert record.person == cast.post_head and record.kind == AccountabilityRecord.Kind.QUESTION_REPORT


def test_m3_a_dismissed_report_records_nothing(cast):
    q = _ask(cast)
    report = report_question(question=q, user=cast.trainee, against=cast.post_head, kind="perfunctory",
                             description="敷衍")
    review_question_report(report=report, reviewer=cast.lead, confirm=False, note="已解释")
    assert not AccountabilityRecord.objects.exists()
    with pytest.raises(ValidationError):
        review_question_report(report=report, reviewer=cast.lead, confirm=True)


def test_m3_only_the_asker_reports_and_only_people_involved(cast):
    q = _ask(cast)
    with pytest.raises(PermissionDenied):
        report_question(question=q, user=cast.mentor, against=cast.post_head, kind="refused", description="x")
    with pytest.raises(ValidationError):
        report_question(question=q, user=cast.trainee, against=cast.lead, kind="refused", description="x")


def test_m3_only_the_trainees_lead_reviews(cast):
    q = _ask(cast)
    report = report_question(question=q, user=cast.trainee, against=cast.post_head, kind="mocking",
                             description="嘲讽")
    with pytest.raises(PermissionDenied):
        review_question_report(report=report, reviewer=cast.other_lead, confirm=True)
    assert QuestionReport.objects.get().review == QuestionReport.Review.PENDING
