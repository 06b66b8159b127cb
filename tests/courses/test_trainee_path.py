"""The trainee's path (16.3): 继续学习 on the home page, previous/next/back on every lesson, the next step after
marking a lesson read; and the one answer behind them (``CourseProgress.next_step``)."""

import datetime

from django.urls import reverse

from courses.models import CourseAssignment, CourseCompletion, LessonRead
from courses.selectors import continue_learning, course_progress, lesson_progress, my_courses
from courses.services import finish_attempt, mark_lesson_read, start_attempt

from .conftest import answer_all, make_course, make_question, make_quiz


def _lessons(course):
    return [lesson.specific for lesson in course.lessons()]


def test_every_lesson_links_to_its_neighbours_and_back_to_the_course(client, learner):
    course = make_course(lessons=3)
    first, second, third = _lessons(course)
    client.force_login(learner)

    page = client.get(second.url).text
    assert f'rel="prev" href="{first.url}"' in page and f'rel="next" href="{third.url}"' in page
    assert f'class="up" href="{course.url}"' in page and "第 2 课，共 3 课" in page

    page = client.get(first.url).text
    assert 'rel="prev"' not in page and f'rel="next" href="{second.url}"' in page
    page = client.get(third.url).text
    assert f'rel="prev" href="{second.url}"' in page and 'rel="next"' not in page


def test_after_marking_a_lesson_read_the_next_lesson_is_offered(client, learner):
    course = make_course(lessons=2)
    first, second = _lessons(course)
    client.force_login(learner)
    response = client.post(first.url, {"mark_read": "1"}, follow=True)
    assert "已标记为已学习" in response.text
    assert f'href="{second.url}">下一课：{second.title}</a>' in response.text


def test_after_the_last_lesson_the_quiz_is_the_next_step(client, learner):
    course = make_course(lessons=2)
    first, second = _lessons(course)
    quiz = make_quiz(course, questions=[make_question()], title="结业测验")
    client.force_login(learner)
    client.post(first.url, {"mark_read": "1"})
    response = client.post(second.url, {"mark_read": "1"}, follow=True)
    assert f'href="{quiz.url}">下一步：参加测验“结业测验”</a>' in response.text


def test_a_practice_quiz_is_not_the_step_that_finishes_a_course(learner):
    course = make_course(lessons=1)
    make_quiz(course, questions=[make_question()], title="练习", practice=True)
    final = make_quiz(course, questions=[make_question()], title="结业测验")
    mark_lesson_read(learner, course.lessons().first().specific)
    step = course_progress(learner, course).next_step()
    assert step.is_quiz and step.page.pk == final.pk


def test_the_step_after_a_lesson_is_the_next_unread_one_then_the_first_left_behind(learner):
    course = make_course(lessons=4)
    first, second, third, fourth = _lessons(course)
    for lesson in (second, third):
        LessonRead.objects.create(user=learner, lesson=lesson)
    progress = lesson_progress(learner, second)
    assert progress.next_step(after=second).page.pk == fourth.pk
    LessonRead.objects.create(user=learner, lesson=fourth)
    progress = lesson_progress(learner, fourth)
    assert progress.next_step(after=fourth).page.pk == first.pk  # skipped earlier, still to do


def test_a_completed_course_offers_no_next_step_and_says_so(client, learner):
    course = make_course(lessons=1)
    (lesson,) = _lessons(course)
    client.force_login(learner)
    response = client.post(lesson.url, {"mark_read": "1"}, follow=True)
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()
    assert "您已完成本课程。" in response.text and "下一课：" not in response.text
    assert course_progress(learner, course).next_step() is None


def test_home_continue_learning_leads_to_the_next_thing_to_do(client, learner):
    soon = make_course(lessons=2)
    later = make_course(lessons=1)
    CourseAssignment.objects.create(course=later, user=learner, due_date=datetime.date(2031, 1, 1))
    CourseAssignment.objects.create(course=soon, user=learner, due_date=datetime.date(2030, 1, 1))
    first, second = _lessons(soon)
    quiz = make_quiz(soon, questions=[make_question()], title="结业测验")
    client.force_login(learner)

    page = client.get(reverse("home")).text
    assert "继续学习 · " + soon.title in page and f'href="{first.url}">学习“{first.title}”</a>' in page

    mark_lesson_read(learner, first)
    mark_lesson_read(learner, second)
    page = client.get(reverse("home")).text
    assert f'href="{quiz.url}">参加测验“结业测验”</a>' in page

    finish_attempt(answer_all(start_attempt(learner, quiz)))
    (later_lesson,) = _lessons(later)
    page = client.get(reverse("home")).text
    assert "继续学习 · " + later.title in page and f'href="{later_lesson.url}"' in page

    mark_lesson_read(learner, later_lesson)
    assert 'id="continue-learning"' not in client.get(reverse("home")).text


def test_continue_learning_passes_over_a_locked_course(learner):
    basic = make_course("BASIC", lessons=1)
    advanced = make_course("ADV", lessons=1)
    advanced.prerequisites.add(basic)
    advanced.save()
    CourseAssignment.objects.create(course=advanced, user=learner, due_date=datetime.date(2030, 1, 1))
    CourseAssignment.objects.create(course=basic, user=learner, due_date=datetime.date(2031, 1, 1))
    rows = my_courses(learner)
    assert [p.course.pk for p in rows] == [advanced.pk, basic.pk] and rows[0].locked
    progress, step = continue_learning(rows)
    assert progress.course.pk == basic.pk and step.page.pk == basic.lessons().first().pk


def test_a_locked_lesson_names_what_unlocks_it_and_offers_no_step(client, learner):
    basic = make_course("BASIC", lessons=1)
    advanced = make_course("ADV", lessons=2)
    advanced.prerequisites.add(basic)
    advanced.save()
    first, _second = _lessons(advanced)
    client.force_login(learner)
    page = client.get(first.url).text
    assert "完成以下课程后解锁" in page and f'href="{basic.url}"' in page
    assert lesson_progress(learner, first).next_step(after=first) is None
