"""The progress rows: what they hold, when they change, and the command that rebuilds them."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.models import Certificate, Program
from courses.models import Attempt, AttemptQuestion, CourseAssignment, QuizPage
from courses.assignments import add_assignment_rule
from courses.services import mark_lesson_read
from lms.models import StaffProfile
from lms.roles import Role
from lms.roster import apply_plan, plan_import
from mentorship.models import ChecklistItem, ChecklistTopic, Skill, SkillAssessment
from progress import services
from progress.models import Progress, certified_q
from tests.certificates.conftest import make_course
from tests.factories import make_person
from tests.lms.test_roster import csv_bytes

NOW = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def program(cast):
    win, win_lesson = make_course("WIN", quiz=True)
    quiz = QuizPage.objects.child_of(win).get()
    quiz.attempts_allowed = 1
    quiz.save()
    program = Program.objects.create(code="P", name="上岗认证", checklist_required=True)
    program.required_courses.set([win])
    return program, win, win_lesson, quiz


def _row(user, program):
    return Progress.objects.get(user=user, program=program)


def test_everyone_with_a_profile_has_a_row_from_the_start(cast, program):
    prog, *_ = program
    assert Progress.objects.filter(program=prog).count() == 11  # the cast
    make_person("new", role=Role.TRAINEE, region=cast.org.sh)
    assert Progress.objects.filter(program=prog).count() == 12
    row = _row(cast.trainee, prog)
    assert (row.met, row.started, row.complete, row.at_risk) == ([], False, False, False)
    assert row.missing == [f"course:{program[1].pk}", "checklist"]


def test_a_lesson_read_shows_in_the_row_at_once(cast, program):
    prog, win, lesson, _quiz = program
    mark_lesson_read(cast.trainee, lesson)
    row = _row(cast.trainee, prog)
    assert row.started
    assert row.facts[f"course:{win.pk}"] == {"read": 1, "passed": 0, "marking": 0}


def test_an_attempt_waiting_for_marking_is_neither_passed_nor_a_risk(cast, program):
    prog, win, _lesson, quiz = program
    attempt = Attempt.objects.create(user=cast.trainee, quiz=quiz, number=1, started_at=NOW)
    assert _row(cast.trainee, prog).started
    AttemptQuestion.objects.create(attempt=attempt, order=1, type="essay", stem="话术", text_answer="您好")
    attempt.state, attempt.finished_at = Attempt.State.AWAITING_MARKING, NOW
    attempt.save(update_fields=["state", "finished_at", "score", "passed"])
    row = _row(cast.trainee, prog)
    assert (row.facts[f"course:{win.pk}"]["marking"], row.facts[f"course:{win.pk}"]["passed"]) == (1, 0)
    assert not row.at_risk  # its one allowed attempt may still pass
    attempt.questions.update(correct=False)
    attempt.state = Attempt.State.MARKED
    attempt.save(update_fields=["state", "score", "passed"])
    row = _row(cast.trainee, prog)
    assert row.at_risk and row.risks == [{"kind": "attempts", "name": "WIN 测验"}]


def test_a_new_round_granted_by_the_lead_takes_the_trainee_off_at_risk(cast, program):
    from courses.services import grant_new_round

    prog, _win, _lesson, quiz = program
    Attempt.objects.create(user=cast.trainee, quiz=quiz, number=1, started_at=NOW, finished_at=NOW,
                           state=Attempt.State.FINISHED, passed=False, score=10)
    assert _row(cast.trainee, prog).at_risk
    grant_new_round(quiz=quiz, learner=cast.trainee, by=cast.lead, reason="补考一次")
    assert not _row(cast.trainee, prog).at_risk
    assert services.differences() == []


def test_a_migration_of_the_records_apps_rebuilds_the_rows(cast, program):
    from types import SimpleNamespace

    from progress.receivers import build_rows_after_migrate

    prog, *_ = program
    Progress.objects.filter(user=cast.trainee).update(started=True)
    build_rows_after_migrate(sender=None, plan=[(SimpleNamespace(app_label="wagtailcore"), False)])
    assert _row(cast.trainee, prog).started  # nothing the rows rest on was migrated
    build_rows_after_migrate(sender=None, plan=[(SimpleNamespace(app_label="mentorship"), False)])
    assert not _row(cast.trainee, prog).started


def test_retiring_a_checklist_topic_changes_everyones_checklist(cast, program):
    prog, *_ = program
    topics = list(ChecklistTopic.objects.filter(active=True))
    for topic in topics[1:]:
        ChecklistItem.objects.create(trainee=cast.trainee, topic=topic, covered_by=cast.mentor, acknowledged_at=NOW)
    assert "checklist" in _row(cast.trainee, prog).missing
    topics[0].active = False
    topics[0].save()
    row = _row(cast.trainee, prog)
    assert "checklist" in row.met and row.facts["checklist"] == {"done": len(topics) - 1}


def test_a_region_assignment_gives_everyone_below_a_due_date(cast, program):
    prog, win, *_ = program
    assignment = CourseAssignment.objects.create(course=win, region=cast.org.east, due_date=datetime.date(2026, 1, 5))
    assert _row(cast.trainee, prog).due_on == datetime.date(2026, 1, 5)
    assert _row(cast.other_trainee, prog).due_on is None  # the south
    assignment.region = cast.org.south
    assignment.save()
    assert _row(cast.trainee, prog).due_on is None
    assert _row(cast.other_trainee, prog).due_on == datetime.date(2026, 1, 5)


def test_the_last_change_moves_only_when_the_standing_changes(cast, program, time_machine):
    prog, win, lesson, _quiz = program
    skill = Skill.objects.create(name="测试技能")
    time_machine.move_to(NOW, tick=False)
    before = _row(cast.trainee, prog).changed_at
    time_machine.move_to(NOW + datetime.timedelta(hours=1), tick=False)
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result="passed", assessor=cast.lead)
    assert _row(cast.trainee, prog).changed_at == before  # not a skill the program requires, no risk
    time_machine.move_to(NOW + datetime.timedelta(hours=2), tick=False)
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result="failed", assessor=cast.lead)
    row = _row(cast.trainee, prog)
    assert row.changed_at == NOW + datetime.timedelta(hours=2)
    assert row.risks == [{"kind": "skill", "name": "测试技能"}]


def test_a_certificate_counts_until_it_expires_or_is_revoked(cast, program, time_machine):
    prog, *_ = program
    time_machine.move_to(NOW)
    certificate = Certificate.objects.create(program=prog, holder=cast.trainee, holder_name="李明轩",
                                             employee_no="T0001", program_name=prog.name,
                                             issued_on=datetime.date(2026, 1, 1),
                                             expires_on=datetime.date(2026, 12, 31))
    row = _row(cast.trainee, prog)
    assert row.is_certified() and not row.is_certified(datetime.date(2027, 1, 1))
    assert Progress.objects.filter(certified_q(datetime.date(2027, 1, 1))).count() == 0
    certificate.status = Certificate.Status.REVOKED
    certificate.save(update_fields=["status"])
    assert not _row(cast.trainee, prog).is_certified()


def test_refreshing_costs_the_same_queries_for_one_person_or_many(cast, program):
    prog, win, lesson, quiz = program

    def queries(users):
        Progress.objects.update(met_count=9)  # stale, so every row is written again
        with CaptureQueriesContext(connection) as ctx:
            services.refresh([u.pk for u in users])
        return len(ctx.captured_queries)

    one = queries([cast.trainee])
    people = [make_person(f"x{n}", role=Role.TRAINEE, region=cast.org.sh) for n in range(8)]
    for person in people:
        mark_lesson_read(person, lesson)
    assert queries([cast.trainee, *people]) == one


def test_rebuild_progress_repairs_rows_and_check_reports_differences(cast, program):
    prog, *_ = program
    Progress.objects.filter(user=cast.trainee).update(started=True, facts={})
    Progress.objects.filter(user=cast.other_trainee).delete()
    with pytest.raises(CommandError, match="2 differences"):
        call_command("rebuild_progress", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_progress", stdout=out)
    assert "2 rows written" in out.getvalue()
    call_command("rebuild_progress", "--check", stdout=io.StringIO())
    assert services.differences() == []


def test_a_roster_import_refreshes_the_rows_once_for_everyone_it_touched(cast, program):
    """The import writes each person (and the course assignment rules reaching them) one by one, but the progress
    rows are refreshed once at the end, inside the import's transaction: the progress queries are the same for 2
    people or 12."""
    prog, win, *_ = program
    add_assignment_rule(by=cast.lead, course=win, region=cast.org.sh, due_days=30)

    def progress_queries(first, count):
        rows = [f"T{n:04d},新员工{n},上海区域,,上门服务工程师,2026-10-08,试用," for n in range(first, first + count)]
        plan = plan_import(csv_bytes(*rows), "r.csv")
        with CaptureQueriesContext(connection) as ctx:
            apply_plan(plan, user=cast.lead, filename="r.csv")
        return [q["sql"] for q in ctx.captured_queries if '"progress_progress"' in q["sql"]]

    few, many = progress_queries(1000, 2), progress_queries(2000, 12)
    assert len(few) == len(many) == 2  # read the kept rows, write the new ones
    for profile in StaffProfile.objects.filter(employee_no__startswith="T"):
        row = _row(profile.user, prog)
        assert row.missing == [f"course:{win.pk}", "checklist"] and row.due_on is not None
    assert services.differences() == []
