"""``lms.prepared``: a read compiled once gives the same rows as its plain queryset, with new values each time."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail.models import Page

from courses.models import CourseCompletion, LessonRead
from courses.selectors import FACTS, _content_types, _outline, _prepared_outline
from lms.prepared import Prepared

from .conftest import make_course, make_question, make_quiz


def _facts(rows):
    return [(row.pk, type(row).__name__, tuple(getattr(row, name, None) for name in FACTS)) for row in rows]


def test_the_prepared_outline_gives_the_rows_of_its_plain_queryset_for_each_learner_and_course(learner, cast):
    first = make_course(lessons=2)
    second = make_course(lessons=1)
    make_quiz(second, questions=[make_question()])
    LessonRead.objects.create(user=learner, lesson=first.lessons().first())
    CourseCompletion.objects.create(user=cast.other_trainee, course=second)
    kinds = list(_content_types())
    for user in (learner, cast.other_trainee):
        for course in (first, second):
            values = {"user_id": user.pk, "kinds": kinds, "course_paths": [course.path]}
            plain = list(_outline(with_due=False, **values))
            prepared = _prepared_outline.read({"with_due": False}, **values)
            assert _facts(prepared) == _facts(plain) and len(plain) >= 2
    rows = _prepared_outline.read({"with_due": False}, user_id=learner.pk, kinds=kinds, course_paths=[first.path])
    assert [row.pk for row in rows] == [first.pk, *first.lessons().values_list("pk", flat=True)]
    assert [row.learner_read for row in rows[1:]] == [True, False]


def test_a_value_the_sql_would_transform_is_refused_when_prepared(db):
    prepared = Prepared(lambda *, prefix: Page.objects.filter(path__startswith=prefix))
    with pytest.raises(ImproperlyConfigured):
        prepared.read(prefix="0001")
