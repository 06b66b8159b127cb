"""The world the permission matrix runs against: the suite's cast plus one object of each kind.

Built once per test module (see ``conftest.py``); cases read real ids from it.
When an app adds a model whose views take an id, add one object here.
"""

from django.contrib.auth.models import Group

from lms.services import EDITOR_GROUP

from ..conftest import build_cast, build_org


def build_world():
    world = build_cast(build_org())
    # Content editors join Wagtail's editor group, as lms.services.assign_role does.
    world.editor.groups.add(Group.objects.get_or_create(name=EDITOR_GROUP)[0])
    _courses(world)
    return world


def _courses(world):
    from courses.models import CoursePage, LessonPage, QuizPage
    from courses.services import ensure_training_index

    world.training = ensure_training_index()
    course = CoursePage(title="窗口服务规范", slug="win", code="WIN")
    world.training.add_child(instance=course)
    lesson = LessonPage(title="五声服务", slug="win-1")
    course.add_child(instance=lesson)
    quiz = QuizPage(title="窗口服务测验", slug="win-quiz")
    course.add_child(instance=quiz)
    world.course, world.lesson, world.quiz = course, lesson, quiz
