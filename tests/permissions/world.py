"""The world the permission matrix runs against: the suite's cast plus one object of each kind.

Built once per test module (see ``conftest.py``); cases read real ids from it.
When an app adds a model whose views take an id, add one object here.
"""

from django.contrib.auth.models import Group

from lms.services import EDITOR_GROUP

from ..conftest import build_cast, build_org


def build_world():
    world = build_cast(build_org())
    # Content editors join Wagtail's editor group, as lms.services.assign_role does.
    world.editor.groups.add(Group.objects.get_or_create(name=EDITOR_GROUP)[0])
    _courses(world)
    _certificates(world)
    return world


def _courses(world):
    from courses.models import CoursePage, LessonPage, QuizPage
    from courses.services import ensure_training_index

    world.training = ensure_training_index()
    course = CoursePage(title="窗口服务规范", slug="win", code="WIN")
    world.training.add_child(instance=course)
    lesson = LessonPage(title="五声服务", slug="win-1")
    course.add_child(instance=lesson)
    quiz = QuizPage(title="窗口服务测验", slug="win-quiz")
    course.add_child(instance=quiz)
    world.course, world.lesson, world.quiz = course, lesson, quiz


def _certificates(world):
    """A certificate of the trainee with a stored PDF, a refresher, and a finished cohort zip of the lead."""
    import datetime

    from django.core.files.base import ContentFile

    from certificates.models import Certificate, CohortArchive, Program, Refresher

    program = Program.objects.create(code="CS-ONBOARD", name="客服新员工上岗认证", validity_months=24)
    program.required_courses.set([world.course])
    certificate = Certificate.objects.create(
        holder=world.trainee, program=program, holder_name="李明轩", employee_no="T0001",
        program_name=program.name, issued_on=datetime.date(2026, 10, 1), expires_on=datetime.date(2028, 10, 1),
        kind=Certificate.Kind.MANUAL,
    )
    certificate.pdf.save(f"matrix-{certificate.code}.pdf", ContentFile(b"%PDF-1.7 matrix"), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name, pdf_sha256="0" * 64)
    world.certificate = certificate
    world.refresher = Refresher.objects.create(holder=world.trainee, certificate=certificate, lesson=world.lesson,
                                               due_on=datetime.date(2026, 12, 1))
    archive = CohortArchive.objects.create(requested_by=world.lead, certificate_ids=[certificate.pk], total=1, done=1,
                                           status=CohortArchive.Status.DONE)
    archive.file.save(f"matrix-{archive.pk}.zip", ContentFile(b"PK"), save=True)
    world.archive = archive
