"""``lms.routing``: a learner URL under /learn/ resolves to its specific page in one query, and the faster routing
honours every change at once — a move, a new slug, unpublishing, deleting — and Wagtail's page privacy."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from courses.models import LessonPage
from lms import routing
from .conftest import make_course


@pytest.fixture(autouse=True)
def fresh_paths():
    routing.paths.clear()
    yield
    routing.paths.clear()


@pytest.fixture
def lesson(db):
    return make_course(lessons=2).lessons().first().specific


def _request(url):
    """A request for ``url`` whose site is already known (Wagtail reads it once per request, routing or not)."""
    request = RequestFactory().get(url)
    Site.find_for_request(request)
    return request


def test_a_lesson_is_found_in_one_query_once_its_url_is_known(client, learner, lesson):
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200  # the URL is known from now on
    with CaptureQueriesContext(connection) as ctx:
        route = routing.route(_request(lesson.url), lesson.url.removeprefix("/learn/"))
    assert route[0].pk == lesson.pk and isinstance(route[0], LessonPage)
    pages = [q["sql"] for q in ctx.captured_queries if 'FROM "wagtailcore_site"' not in q["sql"]]
    assert len(pages) == 1  # besides the site (read once per request, as Wagtail's own routing reads it)


def test_the_faster_routing_gives_what_wagtail_gives(client, learner, lesson):
    for page in [lesson, lesson.get_parent().specific, lesson.get_parent().get_parent().specific]:
        path = page.url.removeprefix("/learn/")
        ours = routing.route(_request(page.url), path)
        theirs = Page.route_for_request(_request(page.url), path)
        assert ours[0] == theirs[0] and type(ours[0]) is type(theirs[0])


def test_a_moved_lesson_is_found_at_its_new_url_at_once_and_the_old_one_is_gone(client, learner, lesson):
    client.force_login(learner)
    old = lesson.url
    assert client.get(old).status_code == 200
    other = make_course(lessons=0)
    lesson.move(other, pos="last-child")
    lesson.refresh_from_db()
    assert lesson.url != old and lesson.url.startswith(other.url)
    page = client.get(lesson.url)
    assert page.status_code == 200 and lesson.title in page.text
    gone = client.get(old)  # not served there any more: Wagtail's redirects app sends the old URL on
    assert gone.status_code == 301 and gone.url == lesson.url


def test_a_new_slug_moves_the_url_at_once(client, learner, lesson):
    client.force_login(learner)
    old = lesson.url
    assert client.get(old).status_code == 200
    lesson.slug = "renamed"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert client.get(lesson.url).status_code == 200
    assert client.get(old).status_code == 404


def test_an_unpublished_lesson_gives_404_at_once(client, learner, lesson):
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
    lesson.refresh_from_db()
    lesson.save_revision().publish()
    assert client.get(lesson.url).status_code == 200


def test_a_deleted_lesson_gives_404_at_once_and_its_url_can_be_taken_again(client, learner, lesson):
    client.force_login(learner)
    url, course = lesson.url, lesson.get_parent()
    assert client.get(url).status_code == 200
    lesson.delete()
    assert client.get(url).status_code == 404
    course.add_child(instance=LessonPage(title="接替的课", slug=url.rstrip("/").rsplit("/", 1)[1]))
    page = client.get(url)
    assert page.status_code == 200 and "接替的课" in page.text


def test_a_group_restriction_above_a_known_lesson_holds_at_once(client, learner, lesson):
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    group = Group.objects.create(name="柜面班")
    restriction = PageViewRestriction.objects.create(page=lesson.get_parent(), restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([group])
    response = client.get(lesson.url)
    assert response.status_code == 302 and lesson.title not in response.text
    learner.groups.add(group)
    assert client.get(lesson.url).status_code == 200


def test_a_password_on_the_lesson_asks_for_it(client, learner, lesson):
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="secret")
    response = client.get(lesson.url)
    assert 'name="password"' in response.text and "标记为已学习" not in response.text


def test_an_unknown_url_is_404(client, learner, lesson):
    client.force_login(learner)
    assert client.get(lesson.url + "nothing-here/").status_code == 404
    assert client.get("/learn/no-such-page/").status_code == 404
