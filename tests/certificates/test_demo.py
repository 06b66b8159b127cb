"""Demo certificates go through the real issuing path and cover every status."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from certificates import demo
from certificates.models import Certificate

from .conftest import make_course


@pytest.mark.django_db
def test_the_demo_issues_real_certificates_idempotently(django_capture_on_commit_callbacks):
    make_course("WIN")
    make_course("FIRST")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    certificates = Certificate.objects.filter(program__code=demo.PROGRAM_CODE)
    assert certificates.count() == len(demo.HOLDERS)
    assert all(c.kind == Certificate.Kind.AUTOMATIC and c.pdf and c.pdf_sha256 for c in certificates)
    statuses = {c.holder.username: c.status for c in certificates}
    assert statuses[demo.REVOKED] == Certificate.Status.REVOKED
    assert statuses[demo.EXPIRED] == Certificate.Status.EXPIRED
    assert statuses["ji.xiangyun"] == Certificate.Status.VALID
    rare = certificates.get(holder__username="ji.xiangyun")
    with rare.pdf.open("rb") as fh:
        assert "𠮷祥云" in PdfReader(fh).pages[0].extract_text()


@pytest.mark.django_db
def test_without_the_standards_courses_the_demo_issues_nothing():
    call_command("load_demo", stdout=io.StringIO())
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_the_demo_holders_really_meet_every_requirement_of_the_shipped_courses(django_capture_on_commit_callbacks):
    """Lessons read and the certifying quiz passed, its written answers marked by the training lead, on the day of
    issue: the certificate rests on evidence, not on a completion row written by hand."""
    from certificates.requirements import check
    from courses.models import Attempt, CourseCompletion, CoursePage, LessonRead
    from courses.standards import data, loader

    loader.load_library([c for c in data.load_library() if c["code"] in demo.COURSES])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    courses = list(CoursePage.objects.filter(code__in=demo.COURSES))
    for username, *_rest in demo.HOLDERS:
        certificate = Certificate.objects.get(holder__username=username, program__code=demo.PROGRAM_CODE)
        holder = certificate.holder
        assert all(r.met for r in check(holder, certificate.program)), username
        for course in courses:
            assert LessonRead.objects.filter(user=holder, lesson__in=course.lessons()).count() == len(
                course.lessons())
            quiz = course.quizzes().get(slug=f"{course.code.lower()}-quiz")
            attempt = Attempt.objects.get(user=holder, quiz=quiz)
            assert attempt.passed and attempt.state == Attempt.State.MARKED, (username, course.code)
            assert attempt.marked_by.username == "demo-lead"
            assert attempt.finished_at.date() == certificate.issued_on
            completion = CourseCompletion.objects.get(user=holder, course=course)
            assert completion.completed_at.date() == certificate.issued_on
