"""Small builders for the mentorship tests (on top of the ``cast`` fixture)."""

import datetime

from mentorship.models import Approval, Skill
from mentorship.services import (
    decide_approval,
    record_trip_happened,
    request_ride_along,
    sign_off_ride_along,
    start_ride_along,
)

START = datetime.date(2026, 10, 12)


def skill(name="上门服务流程"):
    return Skill.objects.get(name=name)


def request_trip(cast, **overrides):
    fields = dict(
        mentor=cast.mentor, trainee=cast.trainee, destination_region=cast.org.hz, cities=["杭州", "宁波"],
        start_date=START, end_date=START + datetime.timedelta(days=9), skills=[skill()], purpose="上门装机",
    )
    fields.update(overrides)
    return request_ride_along(**fields)


APPROVER = {
    Approval.Kind.TRAINING_SUPERVISOR: "supervisor",
    Approval.Kind.REGIONAL_MANAGER: "regional_manager",
    Approval.Kind.POST_HEAD: "post_head",
}


def approve_all(cast, ride_along):
    for approval in ride_along.approvals.all():
        decide_approval(approval=approval, user=getattr(cast, APPROVER[approval.kind]), approve=True, comment="同意")
    ride_along.refresh_from_db()
    return ride_along


def signed_off_trip(cast, skills=None, **overrides):
    ride_along = approve_all(cast, request_trip(cast, **overrides))
    start_ride_along(ride_along=ride_along, user=cast.mentor)
    record_trip_happened(ride_along=ride_along, user=cast.mentor)
    sign_off_ride_along(
        ride_along=ride_along, user=cast.mentor, performance="表现良好",
        skills_covered=skills if skills is not None else [skill()],
        weak_points=[(skill("售后问题分析"), "故障定位慢")],
        plan_items=[("复习售后问题分析课程", START + datetime.timedelta(days=30))],
    )
    ride_along.refresh_from_db()
    return ride_along
