"""The dashboard's headline figures, funnel and pass rates, counted from the kept progress rows, say what the
rules say — at once, in the request after the record that changed them."""

import datetime

import pytest

from certificates.models import Certificate, Program
from cockpit import services
from courses.models import Attempt, CoursePage, QuizPage
from courses.services import ensure_training_index, grant_new_round
from lms.access import scope_region_ids
from lms.models import RoleAssignment, StaffProfile
from mentorship.models import MentorAssignment
from mentorship.queues import trainees_without_mentor, without_current_mentor_q
from lms.roles import Role
from mentorship.models import Skill, SkillAssessment
from lms.cohort import trainee_q as cohort_trainee_q
from tests.factories import make_person

WHEN = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)


@pytest.fixture
def program(cast):
    course = CoursePage(title="窗口服务", slug="win", code="WIN")
    ensure_training_index().add_child(instance=course)
    quiz = QuizPage(title="窗口服务测验", slug="win-quiz", attempts_allowed=2)
    course.add_child(instance=quiz)
    program = Program.objects.create(code="P", name="上岗认证")
    program.required_courses.set([course])
    return program, quiz


HEADLINE = ("trainees", "overdue", "without_mentor", "certified", "at_risk", "on_track")


def _figures(cast, program, viewer=None):
    """The headline figures counted person by person; the same figures added up from the kept tally (the
    unfiltered dashboard's way) must agree with them."""
    viewer = viewer or cast.lead
    cohort = services.cohort_queryset(viewer)
    figures, quizzes = services.cohort_figures(cohort, program)
    regions = scope_region_ids(viewer)
    added, added_quizzes = services.cohort_figures(cohort, program, regions="all" if regions is None else regions,
                                                   viewer=viewer)
    assert (added, added_quizzes) == (figures, quizzes)
    # The charts' people read from the kept rows' places are the cohort's people worked out from the scope.
    members = services.cohort_members(cohort, program, regions="all" if regions is None else regions, viewer=viewer)
    assert sorted(members.values_list("user_id", flat=True)) == sorted(
        services.cohort_users(cohort).values_list("user_id", flat=True))
    # And the waiting queue's trainees without a mentor counted over those rows (the unfiltered dashboard's way).
    rows = services.cohort_member_rows(cohort, program, regions="all" if regions is None else regions, viewer=viewer)
    assert rows.filter(without_current_mentor_q()).count() == figures["without_mentor"] == \
        trainees_without_mentor(viewer).count()
    return {name: figures[name] for name in HEADLINE}


def _attempt(user, quiz, passed):
    number = Attempt.objects.filter(quiz=quiz, user=user).count() + 1
    Attempt.objects.create(quiz=quiz, user=user, number=number, round_try=number, state=Attempt.State.FINISHED,
                           started_at=WHEN, finished_at=WHEN, passed=passed, score=100 if passed else 10)


def _assess(cast, user, skill, result):
    SkillAssessment.objects.create(trainee=user, skill=skill, result=result, assessor=cast.lead)


def test_it_counts_every_trainee_once_as_on_track_when_nothing_is_wrong(cast, program):
    prog, _quiz = program
    RoleAssignment.objects.create(user=cast.trainee, role=Role.TRAINEE, region=cast.org.sh)  # a second trainee role
    assert _figures(cast, prog) == {"trainees": 1, "overdue": 0, "without_mentor": 0, "certified": 0, "at_risk": 0,
                                    "on_track": 1}


def test_it_counts_a_trainee_without_a_current_mentor(cast, program):
    make_person("t2", role=Role.TRAINEE, region=cast.org.sh)
    assert _figures(cast, program[0])["without_mentor"] == 1


def test_a_failed_latest_skill_assessment_puts_a_trainee_at_risk_until_a_later_pass(cast, program):
    skill = Skill.objects.create(name="测试技能")
    _assess(cast, cast.trainee, skill, "failed")
    assert _figures(cast, program[0])["at_risk"] == 1
    _assess(cast, cast.trainee, skill, "passed")
    figures = _figures(cast, program[0])
    assert (figures["at_risk"], figures["on_track"]) == (0, 1)


def test_using_every_attempt_of_a_counted_quiz_without_passing_is_at_risk(cast, program):
    prog, quiz = program
    _attempt(cast.trainee, quiz, passed=False)
    assert _figures(cast, prog)["at_risk"] == 0  # one attempt of two left
    _attempt(cast.trainee, quiz, passed=False)
    assert _figures(cast, prog)["at_risk"] == 1
    # The training lead grants a new round: no longer at risk while it lasts.
    grant_new_round(quiz=quiz, learner=cast.trainee, by=cast.lead, reason="补考")
    assert _figures(cast, prog)["at_risk"] == 0


def test_a_certified_trainee_is_neither_at_risk_nor_on_track(cast, program):
    prog, quiz = program
    _attempt(cast.trainee, quiz, passed=False)
    _attempt(cast.trainee, quiz, passed=False)
    Certificate.objects.create(program=prog, holder=cast.trainee, holder_name="李明轩", employee_no="T0001",
                               program_name=prog.name, issued_on=datetime.date(2026, 10, 1))
    assert _figures(cast, prog) == {"trainees": 1, "overdue": 0, "without_mentor": 0, "certified": 1,
                                    "at_risk": 0, "on_track": 0}


def test_the_pass_rate_of_a_quiz_counts_the_trainees_who_handed_it_in(cast, program):
    prog, quiz = program
    third = make_person("t3", role=Role.TRAINEE, region=cast.org.sh)
    _attempt(cast.trainee, quiz, passed=False)
    _attempt(cast.trainee, quiz, passed=True)
    _attempt(third, quiz, passed=False)
    figures, quizzes = services.cohort_figures(services.cohort_queryset(cast.lead), prog)
    assert quizzes == [("窗口服务测验", 1, 2)]
    assert services.quiz_pass_rates(quizzes) == [("窗口服务测验", 50, "1/2")]
    assert [n for _label, n in services.funnel_stages(figures)] == [2, 2, 0, 0, 0]


def test_new_hires_on_probation_without_a_role_are_trainees_too(cast, program):
    make_person("imported", role=None, region=cast.org.hz)  # just imported from the roster
    figures = _figures(cast, program[0])
    assert (figures["trainees"], figures["without_mentor"]) == (2, 1)


def test_the_figures_take_the_same_queries_for_one_trainee_or_many(cast, program, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prog, quiz = program
    _attempt(cast.trainee, quiz, passed=True)
    cohort = services.cohort_queryset(cast.lead)
    with CaptureQueriesContext(connection) as small:
        services.cohort_figures(cohort, prog)
    for n in range(10):
        _attempt(make_person(f"x{n}", role=Role.TRAINEE, region=cast.org.sh), quiz, passed=n % 2 == 0)
    with django_assert_num_queries(len(small.captured_queries)):
        services.cohort_figures(cohort, prog)


def test_the_tally_adds_the_people_reached_outside_the_regions_and_leaves_out_the_viewer(cast, program):
    prog, quiz = program
    # The lead mentors a trainee of another region (in their scope through the mentoring, not the region)…
    elsewhere = make_person("elsewhere", role=Role.TRAINEE, region=cast.org.gz)
    MentorAssignment.objects.create(trainee=elsewhere, mentor=cast.lead, start_date=datetime.date(2026, 9, 1))
    _attempt(elsewhere, quiz, passed=False)
    # …and is still on probation (a trainee by the cohort's rule, counted in their own region's tally).
    cast.lead.profile.status = StaffProfile.Status.PROBATION
    cast.lead.profile.save()
    figures = _figures(cast, prog)
    assert figures["trainees"] == 2  # their region's trainee and the one they mentor elsewhere, not themselves


def test_a_superuser_adds_up_every_region(cast, program, django_user_model):
    prog, _quiz = program
    make_person("nowhere", role=Role.TRAINEE, region=None)
    admin = django_user_model.objects.create_superuser("root", password="x")
    assert _figures(cast, prog, viewer=admin)["trainees"] == \
        StaffProfile.objects.filter(cohort_trainee_q()).count()
