"""Observation checklists (19.4): kept by editors, scored at the sign-off, "needs work" items become weak points
and learning-plan items with their clause, the form taken exactly once."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentorship.catalogue import ensure_catalogues
from mentorship.models import LearningPlanItem, SignOff, WeakPoint
from tests.mentorship.helpers import TODAY, at, happened_trip, skill
from wrongbook.models import Observation, ObservationChecklist, ObservationItem


@pytest.fixture
def checklists(db):
    ensure_catalogues()
    onsite = ObservationChecklist.objects.create(name="上门服务礼仪", kind=ObservationChecklist.Kind.ONSITE)
    ObservationItem.objects.create(checklist=onsite, behaviour="进门前出示工作证并自我介绍", clause_id="WB-01", sort_order=0)
    ObservationItem.objects.create(checklist=onsite, behaviour="收费时唱收唱付", clause_id="WB-02", sort_order=1)
    skilled = ObservationChecklist.objects.create(name="装机流程", kind=ObservationChecklist.Kind.SKILL, skill=skill())
    ObservationItem.objects.create(checklist=skilled, behaviour="装机后演示使用方法", clause_id="WB-03", sort_order=0)
    other = ObservationChecklist.objects.create(name="售后", kind=ObservationChecklist.Kind.SKILL,
                                                skill=skill("售后问题分析"))
    ObservationItem.objects.create(checklist=other, behaviour="先判断故障范围", clause_id="WB-04", sort_order=0)
    return onsite, skilled, other


@pytest.fixture
def trip(cast, checklists, time_machine):
    time_machine.move_to(at(TODAY, 9), tick=True)
    ride_along = happened_trip(cast)
    time_machine.move_to(at(ride_along.end_date + datetime.timedelta(days=1), 9), tick=True)
    return ride_along


def url(trip):
    return reverse("mentorship:ride_along_sign_off", args=[trip.pk])


def form_data(checklists, *, needs_work=("WB-02",), key=None, skip=()):
    data = {"performance": "能独立完成装机", "skills_covered": [skill().pk], "key": str(key or uuid.uuid4())}
    for checklist in checklists:
        for item in checklist.items.all():
            if item.clause_id not in skip:
                data[f"obs_{item.pk}"] = "needs_work" if item.clause_id in needs_work else "well"
    return data


def test_the_trip_is_scored_on_the_onsite_checklist_and_those_of_its_skills(trip, checklists):
    onsite, skilled, other = checklists
    assert set(ObservationChecklist.for_ride_along(trip)) == {onsite, skilled}


def test_the_sign_off_page_lists_every_behaviour_to_score(client, cast, trip):
    client.force_login(cast.mentor)
    page = client.get(url(trip)).content.decode()
    assert "【WB-01】进门前出示工作证并自我介绍" in page and "【WB-03】装机后演示使用方法" in page
    assert "WB-04" not in page  # the trip does not cover 售后问题分析
    assert 'data-draft-key="sign-off-' in page and 'name="key"' in page


def test_needs_work_becomes_a_weak_point_and_a_plan_item_with_its_clause(client, cast, trip, checklists):
    client.force_login(cast.mentor)
    response = client.post(url(trip), form_data(checklists[:2]))
    assert response.status_code == 302
    sign_off = SignOff.objects.get(ride_along=trip)
    assert [w.description for w in WeakPoint.objects.filter(sign_off=sign_off)] == ["【WB-02】收费时唱收唱付"]
    plan = LearningPlanItem.objects.get(sign_off=sign_off)
    assert "WB-02" in plan.description
    assert plan.due_date == trip.end_date + datetime.timedelta(days=1 + 14)
    assert Observation.objects.filter(sign_off=sign_off).count() == 3
    assert Observation.objects.get(sign_off=sign_off, clause_id="WB-02").needs_work
    page = client.get(reverse("mentorship:ride_along", args=[trip.pk])).content.decode()
    assert "收费时唱收唱付" in page and f'data-draft-sent="sign-off-{trip.pk}"' in page


def test_a_form_sent_twice_is_stored_once(client, cast, trip, checklists):
    client.force_login(cast.mentor)
    data = form_data(checklists[:2])
    first = client.post(url(trip), data)
    again = client.post(url(trip), data)  # double tap, reload, resend after reconnecting
    assert first.status_code == again.status_code == 302
    assert again.url == reverse("mentorship:ride_along", args=[trip.pk])
    assert SignOff.objects.filter(ride_along=trip).count() == 1
    assert Observation.objects.count() == 3
    assert WeakPoint.objects.count() == 1


def test_the_service_returns_the_sign_off_it_made_for_a_key_sent_again(cast, trip, checklists):
    from wrongbook.services import sign_off_with_observations

    key = uuid.uuid4()
    scores = {item: "well" for c in checklists[:2] for item in c.items.all()}
    first, created = sign_off_with_observations(ride_along=trip, user=cast.mentor, key=key, scores=scores,
                                                performance="好")
    second, again = sign_off_with_observations(ride_along=trip, user=cast.mentor, key=key, scores=scores,
                                               performance="好")
    assert (created, again) == (True, False) and first.pk == second.pk


def test_every_behaviour_must_be_scored_and_nothing_is_saved_otherwise(client, cast, trip, checklists):
    client.force_login(cast.mentor)
    response = client.post(url(trip), form_data(checklists[:2], skip=("WB-03",)))
    assert response.status_code == 200
    assert not SignOff.objects.exists() and not Observation.objects.exists()


def test_the_service_refuses_a_missing_score(cast, trip, checklists):
    from wrongbook.services import sign_off_with_observations

    with pytest.raises(ValidationError):
        sign_off_with_observations(ride_along=trip, user=cast.mentor, key=uuid.uuid4(), scores={},
                                   performance="好")
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("who, status", [("other_mentor", 404), ("trainee", 403), ("lead", 403)])
def test_only_the_trips_mentor_signs_off(client, cast, trip, checklists, who, status):
    client.force_login(getattr(cast, who))
    assert client.post(url(trip), form_data(checklists[:2])).status_code == status
    assert not SignOff.objects.exists()


def test_a_checklist_other_than_on_site_needs_its_skill():
    with pytest.raises(ValidationError):
        ObservationChecklist(name="柜面", kind=ObservationChecklist.Kind.COUNTER).clean()
    ObservationChecklist(name="上门", kind=ObservationChecklist.Kind.ONSITE).clean()


def test_editors_keep_the_checklists_in_the_admin(client, cast, checklists):
    from django.contrib.auth.models import Group

    from lms.services import EDITOR_GROUP

    cast.editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(cast.editor)
    listing = client.get("/cms/snippets/wrongbook/observationchecklist/")
    assert listing.status_code == 200 and "上门服务礼仪" in listing.content.decode()
    assert client.get("/cms/snippets/wrongbook/observationchecklist/add/").status_code == 200


def test_the_leads_assessment_page_shows_the_checklists_and_weak_clauses(client, bank, cast, trip, checklists):
    from wrongbook.models import BookEntry

    client.force_login(cast.mentor)
    client.post(url(trip), form_data(checklists[:2]))
    BookEntry.objects.create(user=cast.trainee, clause_id="WB-01", in_book=True, wrong_count=2)
    client.force_login(cast.lead)
    page = client.get(reverse("mentorship:skill_assess"), {"trainee": cast.trainee.pk}).content.decode()
    assert "data-chain" in page
    assert "【WB-02】收费时唱收唱付" in page and ("需改进" in page or "Needs work" in page)
    assert f"{bank.lesson.url}#clause-WB-01" in page


def test_another_regions_lead_sees_no_record_of_the_trainee(client, cast, trip, checklists):
    client.force_login(cast.mentor)
    client.post(url(trip), form_data(checklists[:2]))
    client.force_login(cast.other_lead)
    page = client.get(reverse("mentorship:skill_assess"), {"trainee": cast.trainee.pk}).content.decode()
    assert "data-chain" not in page and "收费时唱收唱付" not in page


def _post_together(cast, trip, forms):
    """Each of ``forms`` posted at the same moment by the trip's mentor, one thread (and connection) each."""
    import threading

    from django.db import connection
    from django.test import Client

    barrier = threading.Barrier(len(forms))
    responses, errors = [], []

    def post(data):
        try:
            client = Client()
            client.force_login(cast.mentor)
            barrier.wait()
            responses.append(client.post(url(trip), data))
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(data,)) for data in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses, errors


def assert_signed_off_once(trip):
    from wrongbook.models import SignOffSubmission

    assert SignOff.objects.filter(ride_along=trip).count() == 1
    sign_off = SignOff.objects.get(ride_along=trip)
    assert Observation.objects.filter(sign_off=sign_off).count() == Observation.objects.count() == 3
    assert [w.description for w in WeakPoint.objects.all()] == ["【WB-02】收费时唱收唱付"]
    assert LearningPlanItem.objects.count() == 1
    assert SignOffSubmission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_form_posted_twice_at_once_is_stored_once(cast, trip, checklists):
    """A double tap, or a retry sent while the first post is still on its way on a weak connection: both posts carry
    the form's key and arrive together; one sign-off is stored and both land on the trip."""
    data = form_data(checklists[:2])
    responses, errors = _post_together(cast, trip, [data, data])
    assert errors == []
    trip_url = reverse("mentorship:ride_along", args=[trip.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, trip_url)] * 2
    assert_signed_off_once(trip)


@pytest.mark.django_db(transaction=True)
def test_two_forms_posted_at_once_from_two_tabs_give_one_sign_off(cast, trip, checklists):
    """Two tabs (two keys) sent together: one is taken, the other finds the trip signed off; nothing is doubled."""
    responses, errors = _post_together(cast, trip, [form_data(checklists[:2]), form_data(checklists[:2])])
    assert errors == []
    # The later one is refused on its form (200) or, when the trip was already signed off, sent back to it (302).
    assert sorted(r.status_code for r in responses) in ([200, 302], [302, 302])
    assert_signed_off_once(trip)

