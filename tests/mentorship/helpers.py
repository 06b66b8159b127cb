"""Small builders for the mentorship tests (on top of the ``cast`` fixture).

Dates are fixed, not today's: a trip is requested on ``TODAY`` for ``START``–``END`` and every later step
happens at its own moment (``at(day)``), so the rules on dates hold whatever the real clock says. Tests in
``tests/mentorship`` run with the clock on ``TODAY`` (conftest); a test that acts later moves it
(``time_machine.move_to(at(END))``).
"""

import datetime
import zoneinfo

from mentorship.models import Approval, Skill
from mentorship.services import (
    decide_approval,
    record_trip_happened,
    request_ride_along,
    sign_off_ride_along,
    start_ride_along,
)

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 10, 1)
START = datetime.date(2026, 10, 12)
END = START + datetime.timedelta(days=9)


def at(day, hour=10):
    """``day`` at ``hour`` o'clock in Shanghai."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def skill(name="上门服务流程"):
    return Skill.objects.get(name=name)


def request_trip(cast, now=None, **overrides):
    fields = dict(
        mentor=cast.mentor, trainee=cast.trainee, destination_region=cast.org.hz, cities=["杭州", "宁波"],
        start_date=START, end_date=END, skills=[skill()], purpose="上门装机",
    )
    fields.update(overrides)
    return request_ride_along(now=now or at(TODAY), **fields)


APPROVER = {
    Approval.Kind.TRAINING_SUPERVISOR: "supervisor",
    Approval.Kind.REGIONAL_MANAGER: "regional_manager",
    Approval.Kind.POST_HEAD: "post_head",
}


def approve_all(cast, ride_along, now=None):
    for approval in ride_along.approvals.all():
        decide_approval(approval=approval, user=getattr(cast, APPROVER[approval.kind]), approve=True,
                        comment="同意", now=now or at(TODAY, 15))
    ride_along.refresh_from_db()
    return ride_along


def happened_trip(cast, **overrides):
    """Requested, approved by the three, started on its first day and recorded as happened on its last."""
    ride_along = approve_all(cast, request_trip(cast, **overrides))
    start_ride_along(ride_along=ride_along, user=cast.mentor, now=at(ride_along.start_date, 8))
    record_trip_happened(ride_along=ride_along, user=cast.mentor, now=at(ride_along.end_date, 18))
    ride_along.refresh_from_db()
    return ride_along


def signed_off_trip(cast, skills=None, **overrides):
    """``happened_trip``, then signed off by the mentor the day after it ended (it counts toward a certificate)."""
    ride_along = happened_trip(cast, **overrides)
    sign_off_ride_along(
        ride_along=ride_along, user=cast.mentor, performance="表现良好",
        skills_covered=skills if skills is not None else [skill()],
        weak_points=[(skill("售后问题分析"), "故障定位慢")],
        plan_items=[("复习售后问题分析课程", START + datetime.timedelta(days=30))],
        now=at(ride_along.end_date + datetime.timedelta(days=1)),
    )
    ride_along.refresh_from_db()
    return ride_along
