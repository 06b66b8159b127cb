"""A cohort for the cockpit (16.8), called by ``manage.py load_demo`` after the other apps' demo data (idempotent).

Three regions — 上海 and 杭州 under the 华东 training lead 陈静 (demo-lead), 广州 under the 华南 lead 郭倩 — each
with 19 new hires and three mentors, so every standing the cockpit counts has people: certified (every
requirement of 客服新员工上岗认证 really met: eight courses, two ride-alongs that count, the 入职清单), at risk (a
round of a certifying quiz used up, or a skill failed at the lead's assessment), overdue (an assigned course past its
due date), waiting for marking (a written answer 待评阅), without a mentor, on track; and trips in every state.

Everything is written through the services the product uses, each on a clock moved to the moment it happened
(``lms.demo.at``): the lead assigns mentors, the trainee reads lessons and hands in quizzes, the lead marks the
written answers, the mentor requests a trip after the theory courses are done, the approvers decide before it
starts, the mentor starts it, records it after its last day and signs it off, topics are covered and acknowledged,
and the certificate is issued when the last requirement is met. So the dates hold as the rules make them:
approvals before the trip, trips after the theory courses, sign-offs after the trip ended, attempts before
certificates. One trainee of 上海 shows the chain of 19: wrong answers in 错题本 from a practice round, a trip
whose focus the mentor took from them, and an observation checklist scored at its sign-off.

A trainee is built once, when their account is made; running it again changes nothing.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from courses.demo import hand_in, mark_written_answers
from courses.models import CourseAssignment, CoursePage, QuizPage
from courses.services import mark_lesson_read
from lms.demo import at, create_demo_person, days_ago
from lms.models import Post, Region
from lms.roles import Role
from lms.services import assign_role
from mentorship.access import approvers_for, training_leads_of
from mentorship.catalogue import ensure_catalogues
from mentorship.models import ChecklistTopic, Skill
from mentorship.services import (
    acknowledge_topic,
    assess_skill,
    assign_mentor,
    decide_approval,
    mark_topic_covered,
    propose_focus,
    record_trip_happened,
    request_ride_along,
    start_ride_along,
)
from wrongbook.demo import demo_checklists
from wrongbook.models import Observation, ObservationChecklist
from wrongbook.services import sign_off_with_observations

# region code, the mentors of its trainees, the region the trips go to (its regional manager approves them)
REGIONS = [
    ("sh", ["demo-mentor", "gao.wenbo", "xu.lihua"], "hz"),
    ("hz", ["he.zhiqiang", "cao.yang", "peng.jing"], "hz"),
    ("gz", ["ma.xiaodong", "liang.hui", "deng.min"], "gz"),
]

SURNAMES = [("王", "wang"), ("陈", "chen"), ("杨", "yang"), ("赵", "zhao"), ("吴", "wu"), ("徐", "xu"), ("朱", "zhu"),
            ("胡", "hu"), ("郭", "guo"), ("罗", "luo"), ("宋", "song"), ("谢", "xie"), ("韩", "han"), ("唐", "tang"),
            ("冯", "feng"), ("于", "yu"), ("董", "dong"), ("萧", "xiao"), ("程", "cheng")]
GIVEN = [("子豪", "zihao"), ("欣怡", "xinyi"), ("浩然", "haoran"), ("雨桐", "yutong"), ("梓涵", "zihan"),
         ("宇航", "yuhang"), ("思琪", "siqi"), ("俊杰", "junjie"), ("佳琪", "jiaqi"), ("博文", "bowen"),
         ("诗涵", "shihan"), ("一鸣", "yiming"), ("若曦", "ruoxi"), ("天佑", "tianyou"), ("可欣", "kexin"),
         ("明哲", "mingzhe"), ("雅静", "yajing"), ("振宇", "zhenyu"), ("晓彤", "xiaotong"), ("嘉豪", "jiahao"),
         ("婉婷", "wanting"), ("文轩", "wenxuan"), ("紫萱", "zixuan")]
OTHER_POSTS = ["counter", "hall", "lobby", "hotline"]

COURSE_DAYS = 3  # a full-time new hire completes a course every few days
DUE_DAYS = 15  # course k (from 0) of the assignment is due (k + 1) × DUE_DAYS days after the hire date
REASON = "新员工入职培训"


@dataclass(frozen=True)
class Story:
    """What one trainee has done, counted in days before today (the loader's day)."""

    kind: str
    hired: int  # days ago
    courses: int = 0  # courses completed, in the library's order
    lessons: int = 0  # lessons of the next course read
    mentor: bool = True
    field: bool = False  # post 上门服务工程师 (the trainees who go on ride-alongs)
    theory: bool = False  # the courses required before a ride-along (M6) instead of the first ``courses``
    regions: tuple = ()  # only in these regions (all when empty)


# The 19 trainees of each region (the same shape in the three, so each region's chart shows every standing).
STORIES = [
    Story("certified", hired=115, courses=8, field=True),
    Story("second_trip", hired=80, theory=True, field=True),
    Story("one_trip", hired=75, theory=True, field=True, regions=("sh", "hz")),
    Story("on_track", hired=40, courses=2, lessons=1, regions=("gz",)),
    Story("at_risk", hired=70, courses=0, lessons=3),
    Story("marking", hired=28, courses=1),
    Story("retried", hired=50, courses=2),
    Story("on_track", hired=42, courses=2),
    Story("retried", hired=29, courses=1),
    Story("on_track", hired=28, courses=1),
    Story("on_track", hired=26, courses=1, lessons=1),
    Story("on_track", hired=20, courses=1),
    Story("overdue", hired=110, courses=1),
    Story("overdue", hired=105, courses=0, lessons=2),
    Story("overdue", hired=90, courses=0, lessons=1),
    Story("started", hired=12, lessons=2),
    Story("started", hired=10, lessons=1),
    Story("started", hired=8, lessons=2),
    Story("no_mentor", hired=4, mentor=False),
    Story("no_mentor", hired=2, mentor=False),
]
# The trainee of each region whose second trip shows a state of its own.
SECOND_TRIP = {"sh": "approved", "hz": "started", "gz": "completed"}
CHAIN_REGION = "sh"  # its "one_trip" trainee shows 19's chain: 错题本 → focused trip → scored checklist


def people():
    """``[(username, employee no, name, region code, Story)]`` of the cohort, in a fixed order."""
    result, index = [], 0
    for region, _mentors, _destination in REGIONS:
        for story in STORIES:
            if story.regions and region not in story.regions:
                continue
            surname, surname_py = SURNAMES[index % len(SURNAMES)]
            given, given_py = GIVEN[(index * 5 + index // len(SURNAMES)) % len(GIVEN)]
            result.append((f"{surname_py}.{given_py}", f"T2026{101 + index}", surname + given, region, story))
            index += 1
    return result


class Clock:
    """Moments counted back from the loader's day; ``on(days, hour)`` runs a step then, in one transaction (whose
    on-commit work, e.g. issuing a certificate, runs at that moment too)."""

    def __init__(self):
        self.today = timezone.localdate()

    def day(self, days):
        return self.today - datetime.timedelta(days=days)

    @contextmanager
    def on(self, days, hour=10, minute=0):
        with at(days_ago(days, hour, minute)), transaction.atomic():
            yield


class Cohort:
    def __init__(self, clock):
        self.clock = clock
        self.courses = list(CoursePage.objects.live().order_by("path"))
        self.users = {u.username: u for u in get_user_model().objects.select_related("profile")}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.posts = {p.code: p for p in Post.objects.all()}
        self.topics = list(ChecklistTopic.objects.filter(active=True).order_by("pk"))
        self.skills = {s.name: s for s in Skill.objects.all()}
        self.practice = QuizPage.objects.live().filter(practice=True).order_by("path").first()

    # --- the steps, each at its moment ---

    def hire(self, username, employee_no, name, region, story, n):
        post = "field" if story.field else OTHER_POSTS[n % len(OTHER_POSTS)]
        hired = self.clock.day(story.hired)
        with self.clock.on(story.hired, 9):
            user = create_demo_person(
                username=username, employee_no=employee_no, name=name, region=self.regions[region],
                post=self.posts[post], status="probation", hire_date=hired, email=f"{username}@example.com",
                phone=f"139{employee_no[-6:]:0>8}",
            )
            assign_role(user=user, role=Role.TRAINEE)
            for k, course in enumerate(self.courses):
                CourseAssignment.objects.create(course=course, user=user, reason=REASON,
                                                due_date=hired + datetime.timedelta(days=DUE_DAYS * (k + 1)))
        return user

    def assign_mentor(self, user, mentor, days_ago):
        with self.clock.on(days_ago, 11):
            assign_mentor(trainee=user, mentor=mentor, assigned_by=training_leads_of(user).first(),
                          start_date=self.clock.day(days_ago), reason="入职分配导师")

    def read(self, user, course, days_ago, count=None):
        with self.clock.on(days_ago, 9):
            for lesson in list(course.lessons())[:count]:
                mark_lesson_read(user, lesson)

    def complete(self, user, course, days_ago, wrong_first=0):
        """Lessons read, the quiz handed in (after a failed try when ``wrong_first``), its written answers marked
        by the lead in the afternoon."""
        self.read(user, course, days_ago)
        for quiz in course.quizzes().filter(practice=False):
            if wrong_first:
                self.quiz(user, quiz, days_ago + 1, wrong=wrong_first)
            self.quiz(user, quiz, days_ago, wrong=0)

    def quiz(self, user, quiz, days_ago, wrong=0, mark=True):
        with self.clock.on(days_ago, 10):
            attempt = hand_in(user, quiz, wrong=wrong, seed=user.pk)
        if mark and attempt is not None and attempt.awaiting_marking:
            with self.clock.on(days_ago, 16):
                mark_written_answers(attempt)
        return attempt

    def trip(self, user, mentor, destination, *, requested, starts, days, skills, purpose, until="signed_off",
             focus=(), sign=None):
        """A trip requested ``requested`` days ago for ``starts`` days ago (negative: ahead), taken as far as
        ``until`` (requested, approved, started, completed, signed_off); ``sign(trip, days_ago)`` signs it off."""
        with self.clock.on(requested, 14):
            trip = request_ride_along(
                mentor=mentor, trainee=user, destination_region=self.regions[destination],
                cities=["杭州", "绍兴"] if destination == "hz" else ["广州", "佛山"],
                start_date=self.clock.day(starts), end_date=self.clock.day(starts - days + 1),
                skills=skills, purpose=purpose, focus_clauses=focus)
        approvals = list(trip.approvals.order_by("kind"))
        for n, approval in enumerate(approvals if until != "requested" else approvals[:1]):
            with self.clock.on(requested, 15, 10 * n + 10):
                decide_approval(approval=approval, user=approvers_for(trip, approval.kind).first(), approve=True,
                                comment="同意。")
        if until in ("requested", "approved"):
            return trip
        with self.clock.on(starts, 8):
            start_ride_along(ride_along=trip, user=mentor)
        if until == "started":
            return trip
        ended = starts - days + 1
        with self.clock.on(ended, 18):
            record_trip_happened(ride_along=trip, user=mentor)
        if until == "signed_off":
            (sign or self.sign)(trip, mentor, ended - 1)
        return trip

    def sign(self, trip, mentor, days_ago, needs_work=False, **report):
        """The mentor signs the trip off as the sign-off form does: every item of its observation checklists scored
        (observed well; one not seen; the last one "needs work" when ``needs_work``, which becomes a weak point and
        a plan item with its clause)."""
        items = [item for checklist in ObservationChecklist.for_ride_along(trip) for item in checklist.items.all()]
        scores = {item: Observation.Score.WELL for item in items}
        if len(items) > 2:
            scores[items[1]] = Observation.Score.NOT_SEEN
        if needs_work and items:
            scores[items[-1]] = Observation.Score.NEEDS_WORK
        report = {"performance": "服务流程完整，礼仪规范；与客户沟通时解释还可更清楚。",
                  "study_directions": "复习上门服务规范，熟悉常见故障的排查顺序。",
                  "weak_points": [(None, "验收单填写不完整")],
                  "plan_items": [("整理两个现场案例交导师点评", self.clock.day(days_ago - 14))], **report}
        with self.clock.on(days_ago, 10):
            sign_off_with_observations(ride_along=trip, user=mentor, key=None, scores=scores,
                                       skills_covered=list(trip.skills.all()), **report)

    def checklist(self, user, mentor, days_ago, count=None):
        """The mentor covers the first ``count`` topics (all by default) and the trainee acknowledges them."""
        done = set(user.checklist.values_list("topic_id", flat=True))
        with self.clock.on(days_ago, 15):
            for topic in self.topics[:count]:
                if topic.pk not in done:
                    item = mark_topic_covered(trainee=user, topic=topic, mentor=mentor)
                    acknowledge_topic(item=item, trainee=user)

    # --- one trainee's story ---

    def build(self, username, employee_no, name, region, story, n):
        _code, mentors, destination = next(r for r in REGIONS if r[0] == region)
        user = self.hire(username, employee_no, name, region, story, n)
        mentor = self.users[mentors[n % len(mentors)]]
        if story.kind in ("certified", "second_trip", "one_trip"):
            mentor = self.users[mentors[0]]  # the trips of a region are led by its first mentor
        if story.mentor:
            self.assign_mentor(user, mentor, story.hired - 1)
        day = story.hired - 3
        done = [c for c in self.courses if c.required_before_ride_along] if story.theory else \
            self.courses[:story.courses]
        for k, course in enumerate(done):
            self.complete(user, course, day, wrong_first=4 if story.kind == "retried" and k == len(done) - 1 else 0)
            day -= COURSE_DAYS
        following = next((c for c in self.courses if c not in done), None)
        if following is not None and story.lessons:
            self.read(user, following, day, story.lessons)
        if story.mentor:
            self.checklist(user, mentor, story.hired - 5, count=2 + len(done) // 2)
        getattr(self, f"_{story.kind}", lambda *a: None)(user, mentor, region, destination, day)
        return user

    def _certified(self, user, mentor, region, destination, day):
        field, install = self.skills["上门服务流程"], self.skills["装机培训"]
        self.trip(user, mentor, destination, requested=day - 2, starts=day - 6, days=3, skills=[field],
                  purpose="随导师上门服务")
        self.checklist(user, mentor, day - 12)
        # The second sign-off meets the last requirement: the certificate is issued then.
        self.trip(user, mentor, destination, requested=day - 14, starts=day - 18, days=5, skills=[field, install],
                  purpose="随导师上门装机并完成客户培训")

    def _second_trip(self, user, mentor, region, destination, day):
        field, after_sales = self.skills["上门服务流程"], self.skills["售后问题分析"]
        self.trip(user, mentor, destination, requested=day - 2, starts=day - 6, days=3, skills=[field],
                  purpose="随导师上门服务")
        state = SECOND_TRIP[region]
        timing = {"approved": dict(requested=3, starts=-10, days=4), "started": dict(requested=10, starts=2, days=5),
                  "completed": dict(requested=14, starts=8, days=3)}[state]
        self.trip(user, mentor, destination, skills=[after_sales], purpose="售后问题现场分析", until=state, **timing)

    def _one_trip(self, user, mentor, region, destination, day):
        field, install = self.skills["上门服务流程"], self.skills["装机培训"]
        if region == CHAIN_REGION:
            self._chain(user, mentor, destination, day)
        else:
            self.trip(user, mentor, destination, requested=day - 2, starts=day - 6, days=3, skills=[field, install],
                      purpose="随导师上门装机")
        if region == "hz":
            # The lead's assessment finds the trainee has not mastered a skill the trip covered: at risk, and an
            # accountability record against the mentor who led it (M10).
            with self.clock.on(day - 12, 15):
                assess_skill(trainee=user, skill=install, assessor=training_leads_of(user).first(), result="failed",
                             score=55, notes="装机后未按要求向客户演示使用方法。")
        # The next trip waits for approval: the training supervisor has approved so far.
        self.trip(user, mentor, destination, requested=1, starts=-15, days=3, skills=[field],
                  purpose="上门服务", until="requested")

    def _chain(self, user, mentor, destination, day):
        """19: wrong answers filed by a practice round, a trip whose focus the mentor took from them, and the
        observation checklist scored at its sign-off with one item that needs work."""
        if self.practice is not None:
            with self.clock.on(day - 1, 10):
                hand_in(user, self.practice, wrong=3, seed=19)
        with self.clock.on(day - 2, 11):
            focus, _skills = propose_focus(user)
        field = self.skills["上门服务流程"]

        def sign(trip, mentor, days_ago):
            self.sign(trip, mentor, days_ago, needs_work=True, weak_points=[], plan_items=[],
                      performance="上门礼仪规范，能按约定时间到达；完工后的试用与签字环节不够完整。",
                      study_directions="对照错题本复习薄弱条款。")

        self.trip(user, mentor, destination, requested=day - 2, starts=day - 6, days=3, skills=[field],
                  purpose="随导师上门服务（重点：错题本中的薄弱条款）", focus=focus, sign=sign)

    def _at_risk(self, user, mentor, region, destination, day):
        """A round of the first certifying quiz used up without a pass (each try marked by the lead)."""
        quiz = self.courses[0].quizzes().filter(practice=False).first()
        for n in range(quiz.attempts_allowed if quiz else 0):
            self.quiz(user, quiz, day - 2 * n, wrong=5)

    def _marking(self, user, mentor, region, destination, day):
        """The next course's lessons read and its quiz handed in yesterday: the written answer waits (待评阅)."""
        course = self.courses[1]
        self.read(user, course, 2)
        for quiz in course.quizzes().filter(practice=False):
            self.quiz(user, quiz, 1, mark=False)


def load(stdout=None):
    clock = Clock()
    ensure_catalogues()
    demo_checklists()
    cohort = Cohort(clock)
    needed = {m for _r, mentors, _d in REGIONS for m in mentors}
    if len(cohort.courses) < 8 or not needed <= set(cohort.users) or not {r[0] for r in REGIONS} <= set(cohort.regions):
        if stdout:
            stdout.write("cockpit: no standards courses or demo organisation yet; no demo cohort\n")
        return
    made = 0
    for n, (username, employee_no, name, region, story) in enumerate(people()):
        if username in cohort.users:
            continue
        cohort.build(username, employee_no, name, region, story, n)
        made += 1
    if stdout:
        stdout.write(f"cockpit: demo cohort of {len(people())} trainees in {len(REGIONS)} regions ({made} new)\n")
