"""Demo data of the mentorship app, called by ``manage.py load_demo`` (idempotent).

Mentor links for the demo people, then around ``demo-trainee`` and
``demo-mentor``: ride-alongs in each state (waiting, approved, rejected, under
way, signed off, and one that happened without approval), questions open and
answered, guidance, checklist progress, a care check-in, assessments and the
accountability records they lead to.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lms.demo import at
from lms.models import Region

from .access import training_leads_of
from .catalogue import ensure_catalogues
from .models import Approval, ChecklistTopic, Guidance, MentorAssignment, RideAlong, Skill
from .services import (
    accept_answer,
    acknowledge_topic,
    answer_question,
    ask_question,
    assess_mentor,
    assess_skill,
    assign_mentor,
    confirm_guidance,
    decide_approval,
    escalate_question,
    expense_guidance_owed_on_next_trip,
    log_guidance,
    mark_topic_covered,
    record_care_check_in,
    record_expense_filing,
    record_trip_happened,
    sign_off_ride_along,
    start_ride_along,
)

# trainee username → mentor username
MENTOR_LINKS = {
    "demo-trainee": "demo-mentor",
    "zhang.yuxuan": "demo-mentor",
    "liu.zihan": "he.zhiqiang",
    "huang.siyuan": "he.zhiqiang",
    "lin.jiayi": "ma.xiaodong",
}

APPROVER_OF = {
    Approval.Kind.TRAINING_SUPERVISOR: "demo-supervisor",
    Approval.Kind.REGIONAL_MANAGER: "demo-regional-manager",
    Approval.Kind.POST_HEAD: "demo-post-head",
}


def load(stdout=None):
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[*MENTOR_LINKS, *MENTOR_LINKS.values()])}
    for trainee_name, mentor_name in MENTOR_LINKS.items():
        trainee, mentor = users.get(trainee_name), users.get(mentor_name)
        if trainee is None or mentor is None:
            continue
        if MentorAssignment.objects.filter(trainee=trainee).exists():
            continue
        assign_mentor(
            trainee=trainee,
            mentor=mentor,
            assigned_by=training_leads_of(trainee).first(),
            start_date=datetime.date(2026, 9, 1),
            reason="入职分配导师",
        )
    load_regulation_demo(stdout)


def _at(days_from_today, hour=10):
    """A moment ``days_from_today`` days from today (negative: in the past), at ``hour`` o'clock local time."""
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _trip(trainee, mentor, region, cities, start, days, skills, purpose, requested):
    """A trip requested at ``requested`` (as ``request_ride_along`` makes it, without the course check: demo
    data). Every later step goes through the services with the moment it happened, so the history keeps the
    rules: approved before it starts, started on its first day, recorded and signed off after it ended."""
    ride_along = RideAlong.objects.create(
        trainee=trainee, mentor=mentor, destination_region=region, cities=cities, start_date=start,
        end_date=start + datetime.timedelta(days=days - 1), purpose=purpose, requested_at=requested,
        expense_guidance_owed=expense_guidance_owed_on_next_trip(trainee),
    )
    ride_along.skills.set(skills)
    for kind in Approval.Kind.values:
        Approval.objects.create(ride_along=ride_along, kind=kind)
    return ride_along


def _decide_all(ride_along, people, now, reject_kind=None):
    for approval in ride_along.approvals.all():
        user = people[APPROVER_OF[approval.kind]]
        if approval.kind == reject_kind:
            decide_approval(approval=approval, user=user, approve=False, comment="该员工岗位实操尚未完成，暂缓出行。",
                            now=now)
            return
        decide_approval(approval=approval, user=user, approve=True, comment="同意。", now=now)


@transaction.atomic
def load_regulation_demo(stdout=None):
    User = get_user_model()
    names = ["demo-trainee", "demo-mentor", "demo-lead", "demo-regional-head", *APPROVER_OF.values()]
    people = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(people) < len(names) or RideAlong.objects.filter(trainee=people["demo-trainee"]).exists():
        return
    trainee, mentor, lead = people["demo-trainee"], people["demo-mentor"], people["demo-lead"]
    hz = Region.objects.filter(code="hz").first()
    if hz is None:
        return
    ensure_catalogues()
    skills = {s.name: s for s in Skill.objects.all()}
    field_service, install, after_sales = skills["上门服务流程"], skills["装机培训"], skills["售后问题分析"]
    today = timezone.localdate()

    # Signed off, with expenses filed under guidance (M8, M9).
    done = _trip(trainee, mentor, hz, ["杭州"], today - datetime.timedelta(days=40), 5, [field_service, install],
                 "随导师上门装机并完成客户培训", requested=_at(-50))
    _decide_all(done, people, now=_at(-48))
    start_ride_along(ride_along=done, user=mentor, now=_at(-40, 8))
    record_trip_happened(ride_along=done, user=mentor, now=_at(-36, 18))
    sign_off_ride_along(
        ride_along=done, user=mentor, now=_at(-35),
        performance="服务礼仪规范，装机步骤熟练；与客户沟通时解释不够清楚。",
        study_directions="加强售后问题分析，熟悉常见故障的排查顺序。",
        skills_covered=[field_service, install],
        weak_points=[(after_sales, "遇到整板阳性率偏高时排查思路不清"), (None, "验收单填写不完整")],
        plan_items=[("复习售后问题分析课程并完成练习", today + datetime.timedelta(days=14)),
                    ("整理三个现场案例交导师点评", today + datetime.timedelta(days=30))],
    )
    record_expense_filing(ride_along=done, user=mentor, filed=True, guided=True, total_yuan=Decimal("1260.00"))
    # The training lead finds the trainee has not mastered a skill the trip covered → M10 record.
    assess_skill(trainee=trainee, skill=field_service, assessor=lead, result="passed", score=88,
                 notes="流程完整，礼仪规范。")
    assess_skill(trainee=trainee, skill=install, assessor=lead, result="failed", score=52,
                 notes="装机后未按要求进行客户培训。")
    assess_mentor(mentor=mentor, assessor=people["demo-regional-head"], result="good", score=82,
                  notes="带教认真，签认报告及时。", ride_along=done)

    # Under way, its last day yesterday: the mentor is to record that it happened.
    underway = _trip(trainee, mentor, hz, ["杭州", "宁波"], today - datetime.timedelta(days=9), 9, [after_sales],
                     "售后问题现场分析", requested=_at(-15))
    _decide_all(underway, people, now=_at(-12))
    start_ride_along(ride_along=underway, user=mentor, now=_at(-9, 8))

    # Approved, waiting to start.
    approved = _trip(trainee, mentor, hz, ["宁波", "绍兴"], today + datetime.timedelta(days=20), 12,
                     [field_service], "上门服务", requested=_at(-1))
    _decide_all(approved, people, now=timezone.now())

    # Rejected by the post head.
    rejected = _trip(trainee, mentor, hz, ["温州"], today + datetime.timedelta(days=9), 3, [install], "装机培训",
                     requested=_at(-3))
    _decide_all(rejected, people, now=_at(-2), reject_kind=Approval.Kind.POST_HEAD)

    # Waiting for approval: only the training supervisor has approved so far.
    waiting = _trip(trainee, mentor, hz, ["杭州", "嘉兴"], today + datetime.timedelta(days=35), 10,
                    [after_sales, install], "售后巡检", requested=_at(-1, 15))
    decide_approval(approval=waiting.approvals.get(kind=Approval.Kind.TRAINING_SUPERVISOR),
                    user=people["demo-supervisor"], approve=True, comment="同意。")

    # Happened without the three approvals: not reimbursable, mentor flagged (M6).
    unapproved = _trip(trainee, mentor, hz, ["湖州"], today - datetime.timedelta(days=14), 2, [field_service],
                       "临时上门", requested=_at(-18))
    record_trip_happened(ride_along=unapproved, user=mentor, now=_at(-13, 18))

    # Questions under 首问负责制 (M4): one answered and accepted, one open and overdue.
    answered = ask_question(trainee=trainee, owner=mentor, subject="整板阳性率偏高先查什么？",
                            body="客户反映整板阳性率偏高，现场应先排查哪些环节？")
    escalate_question(question=answered, user=mentor, to=people["demo-post-head"], note="请孙经理补充批次信息。")
    answer = answer_question(question=answered, user=mentor,
                             body="先核对试剂批号和有效期，再检查洗板机和孵育温度，最后看操作记录。")
    accept_answer(question=answered, user=trainee, answer=answer)
    with at(_at(-6)):
        ask_question(trainee=trainee, owner=people["demo-post-head"], subject="出差住宿标准是多少？",
                     body="杭州出差住宿每晚的报销上限是多少？需要什么发票？")

    # Guidance (M2), checklist (M7), care (M11).
    confirmed = log_guidance(mentor=mentor, trainee=trainee, mode=Guidance.Mode.ONE_TO_ONE,
                             topic="首问负责制与一次性告知", duration_minutes=45, date=today - datetime.timedelta(days=20))
    log_guidance(mentor=mentor, trainee=trainee, mode=Guidance.Mode.CORRECTION, topic="上门时未出示工牌",
                 duration_minutes=10, date=today - datetime.timedelta(days=3))
    confirm_guidance(guidance=confirmed, trainee=trainee)
    for n, topic in enumerate(ChecklistTopic.objects.filter(active=True)[:6]):
        item = mark_topic_covered(trainee=trainee, topic=topic, mentor=mentor)
        if n < 4:
            acknowledge_topic(item=item, trainee=trainee)
    record_care_check_in(mentor=mentor, trainee=trainee, date=today - datetime.timedelta(days=7),
                         work="适应较快，主动提问。", life="刚到上海，租房通勤时间较长。", study="理论课程已完成大半。",
                         help_given="介绍了公司宿舍申请流程。")
    if stdout:
        stdout.write("mentorship demo: ride-alongs in each state, questions, an accountability record\n")
