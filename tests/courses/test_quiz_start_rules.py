"""17.4 Quiz start honours Wagtail's page privacy and the course being live: POSTing to the start URL is no way
around either."""

from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import Attempt

from .conftest import make_course, make_question, make_quiz


def _start(client, user, quiz):
    client.force_login(user)
    return client.post(reverse("courses:quiz_start", args=[quiz.pk]), follow=True)


def _said(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_a_quiz_behind_a_page_password_is_not_started_by_posting_to_its_start_url(client, cast):
    quiz = make_quiz(questions=[make_question()])
    PageViewRestriction.objects.create(page=quiz, restriction_type=PageViewRestriction.PASSWORD, password="secret")
    response = _start(client, cast.trainee, quiz)
    assert not Attempt.objects.exists() and "访问限制" in _said(response)


def test_a_course_restricted_to_a_group_keeps_its_quizzes_to_that_group(client, cast):
    course = make_course()
    quiz = make_quiz(course, questions=[make_question()])
    group = Group.objects.create(name="柜面班")
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([group])
    _start(client, cast.trainee, quiz)
    assert not Attempt.objects.exists()
    cast.trainee.groups.add(group)
    _start(client, cast.trainee, quiz)
    assert Attempt.objects.filter(user=cast.trainee, quiz=quiz).count() == 1


def test_a_quiz_of_an_unpublished_course_is_not_started(client, cast):
    course = make_course()
    quiz = make_quiz(course, questions=[make_question()])
    course.unpublish()
    quiz.refresh_from_db()
    assert quiz.live  # only the course was taken offline
    response = _start(client, cast.trainee, quiz)
    assert not Attempt.objects.exists() and "尚未发布" in _said(response)
