"""Demo data: courses assigned to the demo trainees with some progress; idempotent."""

from django.core.management import call_command

from courses.models import Attempt, CourseAssignment, CourseCompletion, LessonRead

from .conftest import make_course, make_question, make_quiz


def test_demo_assigns_courses_and_gives_progress_idempotently(db):
    first = make_course("WIN", lessons=2)
    make_quiz(first, questions=[make_question(), make_question()])
    make_course("FIRST", lessons=2)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (CourseAssignment.objects.count(), LessonRead.objects.count(), Attempt.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (CourseAssignment.objects.count(), LessonRead.objects.count(), Attempt.objects.count()) == counts
    assert CourseAssignment.objects.filter(user__username="demo-trainee").count() == 2
    assert CourseCompletion.objects.filter(user__username="demo-trainee", course=first).exists()
    assert Attempt.objects.get(user__username="demo-trainee").passed


def test_demo_without_courses_does_nothing(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert not CourseAssignment.objects.exists()


def test_demo_marks_the_written_answers_of_the_quiz_it_passes(db):
    from courses.models import Question

    first = make_course("WIN", lessons=1)
    make_quiz(first, questions=[make_question(), make_question(type=Question.Type.ESSAY)])
    call_command("load_demo", stdout=open("/dev/null", "w"))
    attempt = Attempt.objects.get(user__username="demo-trainee")
    assert attempt.state == Attempt.State.MARKED and attempt.passed
    assert attempt.marked_by.username == "demo-lead"
    assert CourseCompletion.objects.filter(user__username="demo-trainee", course=first).exists()
