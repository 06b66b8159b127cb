"""The cluster test's people, run inside the cluster's own settings: ``manage.py shell -c "…seed.main(200)"``.

Prints one JSON line: session cookies of the learners, the editor and the training lead (sessions are rows in the
shared database, so they are valid on every app server), and the quiz, lesson and program the checks use.
"""

import json
import random


def _session(user):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "lms.backends.UsernameOrEmployeeNumberBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def main(learners):
    from certificates.models import Program
    from courses.models import LessonPage, QuizPage
    from lms.models import Region
    from lms.roles import Role
    from lms.services import assign_role, create_staff

    region = Region.objects.create(code="cluster", name="集群大区")
    lead = create_staff(username="c-lead", employee_no="C-LEAD", name="集群负责人", region=region, status="regular")
    assign_role(user=lead, role=Role.TRAINING_LEAD, region=region)
    editor = create_staff(username="c-editor", employee_no="C-EDITOR", name="集群编辑", status="regular")
    assign_role(user=editor, role=Role.CONTENT_EDITOR)
    people = []
    for n in range(learners):
        person = create_staff(username=f"c-t{n}", employee_no=f"C{n:04d}", name=f"学员{n}", region=region)
        assign_role(user=person, role=Role.TRAINEE)
        people.append(person)
    quiz = next(q for q in QuizPage.objects.live().specific() if q.draw_questions(rng=random.Random(1)))
    lesson = LessonPage.objects.live().first()
    program = Program.objects.filter(active=True).order_by("pk").first()
    print(json.dumps({
        "learners": [{"id": p.pk, "session": _session(p)} for p in people],
        "lead": _session(lead), "editor": _session(editor),
        "quiz": quiz.pk, "lesson": {"id": lesson.pk, "url": lesson.url, "title": lesson.title, "slug": lesson.slug},
        "program": program.pk,
    }))


def bulk_people(count):
    """``count`` people in a region of their own, each having completed the one course of a program of their own
    (CLUSTER-BULK), and the training lead of that region; prints the lead's username and the program's code."""
    from django.db import transaction

    from certificates.models import Program
    from courses.models import CourseCompletion, CoursePage
    from lms.models import Region
    from lms.roles import Role
    from lms.services import assign_role, create_staff

    with transaction.atomic():
        region = Region.objects.create(code="cluster-bulk", name="集群批量发证大区")
        lead = create_staff(username="c-bulk-lead", employee_no="C-BULK-LEAD", name="批量发证负责人", region=region,
                            status="regular")
        assign_role(user=lead, role=Role.TRAINING_LEAD, region=region)
        course = CoursePage.objects.live().order_by("path").first()
        program = Program.objects.create(code="CLUSTER-BULK", name="集群批量发证检查")
        program.required_courses.add(course)
        for n in range(count):
            person = create_staff(username=f"c-b{n}", employee_no=f"CB{n:04d}", name=f"批量学员{n}", region=region)
            assign_role(user=person, role=Role.TRAINEE)
            CourseCompletion.objects.create(user=person, course=course)
    print(json.dumps({"lead": lead.username, "program": program.code}))
