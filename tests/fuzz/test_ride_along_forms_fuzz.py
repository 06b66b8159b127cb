"""The ride-along forms (M6, M8, M9) under arbitrary text: no server error; either the whole record or state
change, or the form (or a message) in Chinese and nothing saved.

Each test builds the trip in the state its form needs once (a fixture); every example's writes are rolled back.
"""

import datetime
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from mentorship.catalogue import ensure_catalogues
from mentorship.models import (
    AccountabilityRecord,
    Approval,
    LearningPlanItem,
    RideAlong,
    SignOff,
    SignOffAmendment,
    WeakPoint,
)
from mentorship.services import parse_cities, record_expense_filing
from tests.mentorship.helpers import END, TODAY, at, happened_trip, request_trip, signed_off_trip, skill

from .conftest import FUZZ, assert_form_came_back, assert_redirect_with_message, post, rolled_back
from .test_free_text_forms_fuzz import texts

dates = st.sampled_from(["", "2026-11-30", "2026-02-30", "明天", "\x00"])
# Sign-off rows: often left empty or filled in properly, so whole sign-offs are saved too, not only refused.
weak_rows = st.one_of(st.just((False, "")), st.tuples(st.booleans(), st.just("故障定位慢")), st.tuples(st.booleans(), texts))
plan_rows = st.one_of(st.just(("", "")), st.tuples(texts, st.just("2026-11-30")), st.tuples(texts, dates))


@pytest.fixture
def world(cast, time_machine, settings):
    """The cast on the day the helpers' trips are requested (tests/mentorship/helpers.py); sessions outlive the
    clock's moves."""
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600
    ensure_catalogues()
    time_machine.move_to(at(TODAY, 9), tick=True)
    cast.clock = time_machine
    return cast


@pytest.fixture
def completed_trip(world):
    """A trip recorded as happened; the clock on the day after it ended (its sign-off and expenses are due)."""
    ride_along = happened_trip(world)
    world.clock.move_to(at(END + datetime.timedelta(days=1), 9), tick=True)
    return ride_along


def _trip_state(ride_along):
    fields = ("state", "expenses_filed", "expense_filing_guided", "expense_total_yuan", "expense_recorded_at",
              "filing_problem", "filing_problem_bearer", "filing_problem_recorded_at")
    return RideAlong.objects.filter(pk=ride_along.pk).values(*fields).get()


# --- M6 the request and the approvals -------------------------------------------------------------


def _request(client, world, cities, purpose):
    return post(client, "/mentorship/ride-alongs/new/", {
        "trainee": world.trainee.pk, "destination_region": world.org.hz.pk, "cities": cities,
        "start_date": "2026-10-12", "end_date": "2026-10-21", "skills": [skill().pk], "purpose": purpose,
    })


@FUZZ
@given(cities=st.one_of(texts, st.sampled_from(["杭州、宁波", " 杭州，，宁波 ", "、", "上海 上海"])), purpose=texts)
def test_a_ride_along_request_is_saved_whole_or_explained(world, client, cities, purpose):
    client.force_login(world.mentor)
    with rolled_back():
        before = RideAlong.objects.count(), Approval.objects.count()
        response = _request(client, world, cities, purpose)
        if response.status_code == 302:
            event("saved")
            trip = RideAlong.objects.latest("pk")
            assert (RideAlong.objects.count(), Approval.objects.count()) == (before[0] + 1, before[1] + 3)
            assert trip.cities == parse_cities(cities.strip()) and trip.cities
            assert trip.purpose == purpose.strip()
            assert list(trip.skills.all()) == [skill()]
        else:
            event("refused")
            assert_form_came_back(response)
            assert (RideAlong.objects.count(), Approval.objects.count()) == before


@pytest.fixture
def requested_trip(world):
    return request_trip(world)


@FUZZ
@given(decision=st.sampled_from(["approve", "reject", "", "maybe"]), comment=texts)
def test_an_approval_is_decided_whole_or_explained(world, client, requested_trip, decision, comment):
    approval = requested_trip.approvals.get(kind=Approval.Kind.TRAINING_SUPERVISOR)
    client.force_login(world.supervisor)
    with rolled_back():
        response = post(client, f"/mentorship/ride-alongs/{requested_trip.pk}/approvals/{approval.pk}/",
                        {f"a{approval.pk}-decision": decision, f"a{approval.pk}-comment": comment})
        ok = assert_redirect_with_message(response)
        approval.refresh_from_db()
        trip = _trip_state(requested_trip)
        event("saved" if ok else "refused")
        if ok:
            assert decision in ("approve", "reject")
            assert approval.decision == (Approval.Decision.APPROVED if decision == "approve"
                                         else Approval.Decision.REJECTED)
            assert approval.comment == comment.strip() and approval.decided_by == world.supervisor
            assert trip["state"] == (RideAlong.State.REQUESTED if decision == "approve" else RideAlong.State.REJECTED)
        else:
            assert approval.decision == Approval.Decision.PENDING
            assert (approval.comment, approval.decided_by, approval.decided_at) == ("", None, None)
            assert trip["state"] == RideAlong.State.REQUESTED


# --- M9 the sign-off, its confirmation and amendments -------------------------------------------------


@FUZZ
@given(performance=texts, study=texts, weak=st.lists(weak_rows, min_size=3, max_size=3),
       plan=st.lists(plan_rows, min_size=3, max_size=3), covered=st.booleans())
def test_a_sign_off_is_saved_whole_or_explained(world, client, completed_trip, performance, study, weak, plan,
                                                 covered):
    client.force_login(world.mentor)
    data = {"performance": performance, "study_directions": study}
    if covered:
        data["skills_covered"] = [skill().pk]
    for n, (with_skill, text) in enumerate(weak, start=1):
        data[f"weak_skill_{n}"] = skill("售后问题分析").pk if with_skill else ""
        data[f"weak_text_{n}"] = text
    for n, (text, due) in enumerate(plan, start=1):
        data[f"plan_text_{n}"] = text
        data[f"plan_due_{n}"] = due
    with rolled_back():
        before = SignOff.objects.count(), WeakPoint.objects.count(), LearningPlanItem.objects.count()
        response = post(client, f"/mentorship/ride-alongs/{completed_trip.pk}/sign-off/", data)
        if response.status_code == 302:
            event("saved")
            sign_off = SignOff.objects.get(ride_along=completed_trip)
            assert SignOff.objects.count() == before[0] + 1
            assert _trip_state(completed_trip)["state"] == RideAlong.State.SIGNED_OFF
            assert (sign_off.performance, sign_off.study_directions) == (performance.strip(), study.strip())
            assert list(sign_off.skills_covered.all()) == ([skill()] if covered else [])
            assert [(w.skill_id, w.description) for w in sign_off.weak_points.order_by("pk")] == [
                (skill("售后问题分析").pk if with_skill else None, text.strip()) for with_skill, text in weak
                if text.strip()]
            assert [(p.description, str(p.due_date)) for p in sign_off.plan_items.order_by("pk")] == [
                (text.strip(), due) for text, due in plan if text.strip()]
        else:
            event("refused")
            assert_form_came_back(response)
            assert (SignOff.objects.count(), WeakPoint.objects.count(), LearningPlanItem.objects.count()) == before
            assert _trip_state(completed_trip)["state"] == RideAlong.State.COMPLETED


@pytest.fixture
def signed_off(world):
    sign_off = signed_off_trip(world).sign_off
    world.clock.move_to(at(END + datetime.timedelta(days=2), 9), tick=True)
    return sign_off


@FUZZ
@given(comment=texts)
def test_the_trainee_confirms_a_sign_off_whole_or_is_told_why_not(world, client, signed_off, comment):
    client.force_login(world.trainee)
    with rolled_back():
        response = post(client, f"/mentorship/ride-alongs/{signed_off.ride_along_id}/sign-off/confirm/",
                        {"comment": comment})
        signed_off.refresh_from_db()
        if response.status_code == 302:
            event("saved")
            assert signed_off.trainee_confirmed_at is not None and signed_off.trainee_comment == comment.strip()
        else:
            event("refused")
            assert_form_came_back(response)
            assert (signed_off.trainee_confirmed_at, signed_off.trainee_comment) == (None, "")


@FUZZ
@given(reason=texts, correction=texts)
def test_an_amendment_is_added_whole_or_explained(world, client, signed_off, reason, correction):
    client.force_login(world.mentor)
    locked = SignOff.objects.filter(pk=signed_off.pk).values().get()
    with rolled_back():
        before = SignOffAmendment.objects.count()
        response = post(client, f"/mentorship/ride-alongs/{signed_off.ride_along_id}/sign-off/amend/",
                        {"reason": reason, "correction": correction})
        if response.status_code == 302:
            event("saved")
            amendment = SignOffAmendment.objects.get(sign_off=signed_off)
            assert (amendment.reason, amendment.correction) == (reason.strip(), correction.strip())
        else:
            event("refused")
            assert_form_came_back(response)
            assert SignOffAmendment.objects.count() == before
        assert SignOff.objects.filter(pk=signed_off.pk).values().get() == locked  # the sign-off itself never changes


# --- M8 expenses --------------------------------------------------------------------------------------

amounts = st.one_of(texts, st.decimals(allow_nan=True, allow_infinity=True).map(str),
                    st.sampled_from(["", "0", "1500", "1499.99", "-1", "1e3", "NaN", "１２", "12345678901", "0.001"]))


def _decimal(text):
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


@FUZZ
@given(filed=st.booleans(), guided=st.booleans(), total=amounts)
def test_an_expense_filing_is_recorded_whole_or_explained(world, client, completed_trip, filed, guided, total):
    client.force_login(world.mentor)
    data = {"total_yuan": total}
    data.update({"filed": "on"} if filed else {})
    data.update({"guided": "on"} if guided else {})
    with rolled_back():
        before = _trip_state(completed_trip)
        response = post(client, f"/mentorship/ride-alongs/{completed_trip.pk}/expenses/", data)
        after = _trip_state(completed_trip)
        if response.status_code == 302:
            event("saved")
            assert after["expense_recorded_at"] is not None and after["expenses_filed"] == filed
            assert after["expense_filing_guided"] == (guided and filed)
            assert after["expense_total_yuan"] == (_decimal(total) if filed else None)
        else:
            event("refused")
            assert_form_came_back(response)
            assert after == before


@pytest.fixture
def filed_trip(world, completed_trip):
    return record_expense_filing(ride_along=completed_trip, user=world.mentor, filed=True, guided=True,
                                 total_yuan=Decimal("800"))


@FUZZ
@given(description=texts)
def test_a_filing_problem_is_recorded_whole_or_explained(world, client, filed_trip, description):
    client.force_login(world.lead)
    with rolled_back():
        before, records = _trip_state(filed_trip), AccountabilityRecord.objects.count()
        response = post(client, f"/mentorship/ride-alongs/{filed_trip.pk}/filing-problem/",
                        {"description": description})
        after = _trip_state(filed_trip)
        if response.status_code == 302:
            event("saved")
            assert after["filing_problem"] == description.strip() and after["filing_problem_recorded_at"]
            # Guidance was owed (a first trip) and given: the mentor answers for the filing (M8).
            assert after["filing_problem_bearer"] == RideAlong.Bearer.MENTOR
            record = AccountabilityRecord.objects.get(ride_along=filed_trip)
            assert AccountabilityRecord.objects.count() == records + 1 and record.description == description.strip()
        else:
            event("refused")
            assert_form_came_back(response)
            assert (after, AccountabilityRecord.objects.count()) == (before, records)


# --- the success branches above are reachable ------------------------------------------------------------


def test_the_ride_along_forms_accept_ordinary_text(world, client):
    """Plain input goes through every form of a trip's life, so the fuzz tests' "saved" branches can be taken."""
    client.force_login(world.mentor)
    assert _request(client, world, "杭州、宁波", "上门装机").status_code == 302
    trip = RideAlong.objects.get()
    for approval in trip.approvals.all():
        approver = {Approval.Kind.TRAINING_SUPERVISOR: world.supervisor,
                    Approval.Kind.REGIONAL_MANAGER: world.regional_manager,
                    Approval.Kind.POST_HEAD: world.post_head}[approval.kind]
        client.force_login(approver)
        assert assert_redirect_with_message(post(
            client, f"/mentorship/ride-alongs/{trip.pk}/approvals/{approval.pk}/",
            {f"a{approval.pk}-decision": "approve", f"a{approval.pk}-comment": "同意"}))
    world.clock.move_to(at(trip.start_date, 8), tick=True)  # on its first day
    client.force_login(world.mentor)
    assert assert_redirect_with_message(post(client, f"/mentorship/ride-alongs/{trip.pk}/start/", {}))
    world.clock.move_to(at(trip.end_date, 18), tick=True)  # on its last day
    assert assert_redirect_with_message(post(client, f"/mentorship/ride-alongs/{trip.pk}/happened/", {}))
    assert post(client, f"/mentorship/ride-alongs/{trip.pk}/expenses/",
                {"filed": "on", "guided": "on", "total_yuan": "800"}).status_code == 302
    response = post(client, f"/mentorship/ride-alongs/{trip.pk}/sign-off/", {
        "performance": "表现良好", "study_directions": "多看案例", "skills_covered": [skill().pk],
        "weak_skill_1": skill("售后问题分析").pk, "weak_text_1": "故障定位慢",
        "plan_text_1": "复习售后问题分析课程", "plan_due_1": "2026-11-30"})
    assert response.status_code == 302
    sign_off = SignOff.objects.get(ride_along=trip)
    assert (sign_off.weak_points.count(), sign_off.plan_items.count()) == (1, 1)
    assert post(client, f"/mentorship/ride-alongs/{trip.pk}/sign-off/amend/",
                {"reason": "笔误", "correction": "故障定位较慢"}).status_code == 302
    client.force_login(world.trainee)
    assert post(client, f"/mentorship/ride-alongs/{trip.pk}/sign-off/confirm/", {"comment": "收到"}).status_code == 302
    client.force_login(world.lead)
    assert post(client, f"/mentorship/ride-alongs/{trip.pk}/filing-problem/",
                {"description": "发票抬头错误"}).status_code == 302
    trip.refresh_from_db()
    assert (trip.state, trip.filing_problem, SignOffAmendment.objects.count()) == (
        RideAlong.State.SIGNED_OFF, "发票抬头错误", 1)
    assert SignOff.objects.get().trainee_comment == "收到"


def test_refusals_come_back_in_chinese(world, client, completed_trip):
    """The refusal branches: the form again with its errors in Chinese, nothing saved."""
    client.force_login(world.mentor)
    response = post(client, f"/mentorship/ride-alongs/{completed_trip.pk}/sign-off/",
                    {"performance": "  ", "plan_text_1": "复习", "plan_due_1": ""})
    errors = assert_form_came_back(response)
    assert "每条学习计划都需要完成期限。" in errors, errors
    assert not SignOff.objects.exists() and _trip_state(completed_trip)["state"] == RideAlong.State.COMPLETED
