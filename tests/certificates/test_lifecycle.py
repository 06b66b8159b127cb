"""Revoke, re-issue after a name change, expiry, reminders and the recertification window (frozen time)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from certificates.models import Certificate, CertificateEvent, Recertification
from certificates.services import reissue, revoke, run_daily
from courses.models import CourseAssignment

ISSUED = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def issued(world, complete):
    with time_machine.travel(ISSUED, tick=False):
        complete(world.cast.trainee, world.win_lesson)
        complete(world.cast.trainee, world.hall_lesson)
    world.certificate = Certificate.objects.get(holder=world.cast.trainee)
    assert world.certificate.expires_on == datetime.date(2028, 10, 1)
    return world


def test_revoking_records_who_when_and_why(issued):
    certificate = revoke(issued.certificate, by=issued.cast.lead, reason="考核作弊")
    assert certificate.status == Certificate.Status.REVOKED
    assert (certificate.revoked_by, certificate.revoke_reason) == (issued.cast.lead, "考核作弊")
    assert certificate.revoked_at is not None
    event = certificate.events.get(action=CertificateEvent.Action.REVOKED)
    assert (event.actor, event.reason) == (issued.cast.lead, "考核作弊")


def test_only_a_lead_in_scope_revokes_and_only_with_a_reason(issued):
    with pytest.raises(PermissionDenied):
        revoke(issued.certificate, by=issued.cast.other_lead, reason="x")
    with pytest.raises(ValidationError):
        revoke(issued.certificate, by=issued.cast.lead, reason="")
    issued.certificate.refresh_from_db()
    assert issued.certificate.status == Certificate.Status.VALID


def test_a_revoked_certificate_is_not_issued_again_automatically(issued):
    from certificates.services import issue_if_eligible

    revoke(issued.certificate, by=issued.cast.lead, reason="考核作弊")
    assert issue_if_eligible(issued.cast.trainee) == []


def test_reissue_after_a_name_change_supersedes_the_old_certificate(issued, django_capture_on_commit_callbacks):
    profile = issued.cast.trainee.profile
    profile.name = "李明萱"
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        new = reissue(issued.certificate, by=issued.cast.lead, reason="姓名变更")
    old = Certificate.objects.get(pk=issued.certificate.pk)
    new.refresh_from_db()
    assert (old.status, old.superseded_by, old.holder_name) == (Certificate.Status.SUPERSEDED, new, "李明轩")
    assert (new.holder_name, new.status, new.kind) == ("李明萱", Certificate.Status.VALID, Certificate.Kind.REISSUE)
    assert new.expires_on == old.expires_on and new.code != old.code
    assert new.pdf and new.pdf_sha256 != old.pdf_sha256


def test_the_verify_page_says_superseded(client, issued):
    reissue(issued.certificate, by=issued.cast.lead, reason="姓名变更")
    html = client.get(issued.certificate.get_verify_path()).content.decode()
    assert "已被取代" in html


def test_a_certificate_past_its_date_reads_expired_and_the_daily_job_marks_it(issued):
    with time_machine.travel(datetime.date(2028, 10, 2), tick=False):
        assert issued.certificate.effective_status == Certificate.Status.EXPIRED
        assert run_daily()["expired"] == 1
        assert run_daily()["expired"] == 0
    issued.certificate.refresh_from_db()
    assert issued.certificate.status == Certificate.Status.EXPIRED
    assert issued.certificate.events.filter(action=CertificateEvent.Action.EXPIRED).count() == 1


def test_still_valid_on_its_last_day(issued):
    with time_machine.travel(datetime.date(2028, 10, 1), tick=False):
        run_daily()
        issued.certificate.refresh_from_db()
        assert issued.certificate.is_valid


def test_the_recertification_window_opens_once_assigns_and_notifies(issued, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.date(2028, 8, 1), tick=False):  # 61 days before expiry
        assert run_daily()["opened"] == 0
    mail.outbox.clear()
    with time_machine.travel(datetime.date(2028, 8, 2), tick=False), \
            django_capture_on_commit_callbacks(execute=True):  # 60 days before expiry
        call_command("certificates_daily")
        call_command("certificates_daily")
    recert = Recertification.objects.get(certificate=issued.certificate)
    assert (recert.opened_on, recert.due_on) == (datetime.date(2028, 8, 2), datetime.date(2028, 10, 1))
    assignment = CourseAssignment.objects.get(user=issued.cast.trainee)
    assert (assignment.course_id, assignment.due_date) == (issued.win.pk, datetime.date(2028, 10, 1))
    (message,) = mail.outbox
    assert set(message.to) == {issued.cast.trainee.email, issued.cast.lead.email}
    assert issued.certificate.code in message.body


def test_reminders_go_out_30_and_7_days_before_expiry_once_each(issued):
    mail.outbox.clear()
    for day in (datetime.date(2028, 9, 1), datetime.date(2028, 9, 1), datetime.date(2028, 9, 24)):
        with time_machine.travel(day, tick=False):
            run_daily()
    reminders = [m for m in mail.outbox if "天后到期" in m.subject]
    assert len(reminders) == 2
    assert issued.certificate.events.filter(action=CertificateEvent.Action.REMINDED).count() == 2


def test_the_daily_job_is_also_a_task(issued):
    from certificates.tasks import certificates_daily

    with time_machine.travel(datetime.date(2028, 10, 5), tick=False):
        result = certificates_daily.enqueue()
    assert result.return_value["expired"] == 1


def _passed_attempt(user, quiz, when):
    from courses.models import Attempt

    return Attempt.objects.create(quiz=quiz, user=user, number=Attempt.objects.filter(quiz=quiz, user=user).count() + 1,
                                  state=Attempt.State.FINISHED, started_at=when, finished_at=when, passed=True,
                                  score=100)


def test_passing_the_recertification_quizzes_in_the_window_issues_the_next_cycle(issued):
    from courses.models import QuizPage

    quiz = QuizPage(title="WIN 复训测验", slug="win-refresher")
    issued.win.add_child(instance=quiz)
    trainee = issued.cast.trainee
    _passed_attempt(trainee, quiz, datetime.datetime(2028, 7, 1, tzinfo=datetime.timezone.utc))  # before the window
    with time_machine.travel(datetime.date(2028, 8, 2), tick=False):
        run_daily()
        assert run_daily()["recertified"] == 0
    _passed_attempt(trainee, quiz, datetime.datetime(2028, 8, 10, tzinfo=datetime.timezone.utc))
    with time_machine.travel(datetime.date(2028, 8, 11), tick=False):
        assert run_daily()["recertified"] == 1
        assert run_daily()["recertified"] == 0
    old = Certificate.objects.get(pk=issued.certificate.pk)
    new = Certificate.objects.get(holder=trainee, cycle=2)
    assert (old.status, old.superseded_by) == (Certificate.Status.SUPERSEDED, new)
    assert (new.issued_on, new.expires_on) == (datetime.date(2028, 8, 11), datetime.date(2030, 8, 11))
    assert Recertification.objects.get(certificate=old).completed_by == new
