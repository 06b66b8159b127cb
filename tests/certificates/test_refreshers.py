"""A material revision (重大修订) of a lesson gives holders of valid certificates a refresher."""

import datetime

from django.utils import timezone

from certificates.models import Certificate, Refresher
from certificates.services import revoke
from courses.models import QuizPage

from .conftest import make_course


def _publish(lesson, *, material, note="新增五声服务要求"):
    lesson.material_change = material
    lesson.change_note = note
    return lesson.save_revision().publish()


def test_a_material_revision_assigns_the_lesson_and_its_quiz_with_a_deadline(certified):
    quiz = QuizPage(title="WIN 测验", slug="win-quiz")
    certified.win.add_child(instance=quiz)
    _publish(certified.win_lesson, material=True)
    refresher = Refresher.objects.get()
    assert (refresher.holder, refresher.lesson_id, refresher.quiz_id) == (
        certified.cast.trainee, certified.win_lesson.pk, quiz.pk)
    assert refresher.certificate == certified.certificate
    assert refresher.change_note == "新增五声服务要求"
    assert refresher.due_on == timezone.localdate() + datetime.timedelta(days=30)


def test_a_minor_revision_assigns_nothing(certified):
    _publish(certified.win_lesson, material=False)
    assert not Refresher.objects.exists()


def test_only_holders_of_valid_certificates_of_programs_with_that_course(certified):
    other_course, other_lesson = make_course("PHONE")
    _publish(other_lesson, material=True)
    assert not Refresher.objects.exists()
    revoke(certified.certificate, by=certified.cast.lead, reason="x")
    _publish(certified.win_lesson, material=True)
    assert not Refresher.objects.exists()


def test_publishing_again_while_one_is_open_does_not_pile_up(certified):
    _publish(certified.win_lesson, material=True)
    _publish(certified.win_lesson, material=True, note="再次修订")
    assert Refresher.objects.count() == 1


def test_the_lead_sees_who_has_not_done_it_and_others_do_not(client, certified):
    _publish(certified.win_lesson, material=True)
    client.force_login(certified.cast.lead)
    assert "李明轩" in client.get("/certificates/refreshers/").content.decode()
    client.force_login(certified.cast.other_lead)
    assert "李明轩" not in client.get("/certificates/refreshers/").content.decode()
    client.force_login(certified.cast.trainee)
    assert client.get("/certificates/refreshers/").status_code == 403


def test_the_holder_confirms_a_refresher_without_a_quiz(client, certified):
    _publish(certified.win_lesson, material=True)
    client.force_login(certified.cast.trainee)
    home = client.get("/").content.decode()
    assert "待完成的复训" in home
    refresher = Refresher.objects.get()
    client.post(f"/certificates/refreshers/{refresher.pk}/done/")
    refresher.refresh_from_db()
    assert refresher.completed_at is not None
    assert Certificate.objects.get().status == Certificate.Status.VALID


def test_the_holders_home_lists_refreshers_with_links_in_constant_queries(client, certified):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(certified.cast.trainee)
    client.get("/")
    with CaptureQueriesContext(connection) as none_open:
        client.get("/")
    quiz = QuizPage(title="WIN 测验", slug="win-quiz")
    certified.win.add_child(instance=quiz)
    _publish(certified.win_lesson, material=True)
    other_course, other_lesson = make_course("PHONE")
    Refresher.objects.create(holder=certified.cast.trainee, certificate=certified.certificate, lesson=other_lesson,
                             change_note="电话礼仪修订", due_on=timezone.localdate())
    with CaptureQueriesContext(connection) as two_open:
        home = client.get("/").content.decode()
    assert f'href="{certified.win_lesson.url}"' in home and f'href="{quiz.url}"' in home
    assert f'href="{other_lesson.url}"' in home and "电话礼仪修订" in home
    # The refreshers (counted with the home's other numbers), then their lesson and quiz pages, are read once for
    # all of them, and only when there are some.
    assert len(two_open.captured_queries) == len(none_open.captured_queries) + 3
    assert not any('FROM "certificates_refresher"' in q["sql"] and "COUNT" not in q["sql"]
                   for q in none_open.captured_queries)
