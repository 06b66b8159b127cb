"""Demo certificates, issued through the same path as real ones (idempotent).

Four holders complete the window-service courses (WIN, FIRST from the
standards library) the way a learner does: every lesson read, the certifying
quiz passed, its written answers marked by their training lead (the evidence is
dated on the day of issue, written on a clock moved there); ``issue_if_eligible`` issues their certificates and the
task renders the PDFs. One holder's name has 𠮷 (U+20BB7, outside the BMP),
one certificate is revoked by the demo training lead, one was issued over a
year ago and the daily job has marked it expired. Needs the standards library
(``load_standards``) for the courses; without them it does nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lms.demo import at, create_demo_person, days_ago
from lms.models import Post, Region

from .models import Certificate, Program
from .services import expire_certificates, issue_if_eligible, revoke

PROGRAM_CODE = "CS-WINDOW"
COURSES = ["WIN", "FIRST"]

# username, employee_no, name, region, post, issued how many days ago
HOLDERS = [
    ("ji.xiangyun", "E2001", "𠮷祥云", "sh", "counter", 30),
    ("zhou.xiaomei", "E2002", "周晓梅", "hz", "hall", 60),
    ("qian.zhiyuan", "E2003", "钱志远", "sh", "field", 90),
    ("sun.yue", "E2004", "孙悦", "hz", "counter", 400),
]
REVOKED = "qian.zhiyuan"
EXPIRED = "sun.yue"


def _program():
    from courses.models import CoursePage

    courses = list(CoursePage.objects.filter(code__in=COURSES))
    if len(courses) < len(COURSES):
        return None
    program, created = Program.objects.get_or_create(
        code=PROGRAM_CODE,
        defaults={"name": "窗口服务基础认证", "name_en": "Window service foundation certificate",
                  "description": "完成窗口服务规范与首问负责制两门课程后自动颁发。", "validity_months": 12,
                  "recert_window_days": 30},
    )
    if created:
        program.required_courses.set(courses)
        program.recert_courses.set(courses)
    return program


def _holder(username, employee_no, name, region, post):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = create_demo_person(
            username=username, employee_no=employee_no, name=name,
            region=Region.objects.filter(code=region).first(), post=Post.objects.filter(code=post).first(),
            status="regular", hire_date=datetime.date(2025, 3, 1), email=f"{username}@example.com",
        )
    return user


def _complete_on(user, course):
    """``user`` completes ``course`` through the real path (``courses.demo``), on the clock's day."""
    from courses.demo import complete_course
    from courses.models import CourseCompletion

    if not CourseCompletion.objects.filter(user=user, course=course).exists():
        complete_course(user, course)


def load(stdout=None):
    from courses.models import CoursePage

    from .services import ensure_programs_from_data

    try:
        ensure_programs_from_data()
    except FileNotFoundError:
        pass
    program = _program()
    if program is None:
        if stdout:
            stdout.write("certificates: no standards courses (run load_standards first); no demo certificates")
        return
    lead = get_user_model().objects.filter(username="demo-lead").first()
    today = timezone.localdate()
    for username, employee_no, name, region, post, days in HOLDERS:
        # On the clock of the day of issue: the lessons, attempts, marks and completions are dated then.
        with at(days_ago(days)), transaction.atomic():
            user = _holder(username, employee_no, name, region, post)
            for course in CoursePage.objects.live().filter(code__in=COURSES).order_by("path"):
                _complete_on(user, course)
            issue_if_eligible(user, on=today - datetime.timedelta(days=days))
        certificate = Certificate.objects.filter(holder=user, program=program).first()
        if username == REVOKED and lead and certificate and certificate.status == Certificate.Status.VALID:
            revoke(certificate, by=lead, reason="演示：复核发现带教实战记录不实")
    expire_certificates(today)
    if stdout:
        stdout.write(f"certificates: {Certificate.objects.filter(program=program).count()} demo certificates")
