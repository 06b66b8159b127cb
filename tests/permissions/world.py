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
    _quizzes(world)
    _certificates(world)
    _mentorship(world)
    _onboarding(world)
    _wrongbook(world)
    return world


def _onboarding(world):
    """A new hire of Shanghai imported from the roster: no password yet, an e-mail address to invite."""
    from lms.roles import Role

    from ..factories import make_person

    world.new_hire = make_person("new_hire", role=Role.TRAINEE, region=world.org.sh, post=world.org.field)
    world.new_hire.set_unusable_password()
    world.new_hire.email = "new_hire@example.cn"
    world.new_hire.save()


def _wrongbook(world):
    """A drill the trainee is in the middle of (one unanswered question on clause WIN-01)."""
    from wrongbook.models import Drill, DrillItem

    world.drill = Drill.objects.create(user=world.trainee)
    DrillItem.objects.create(drill=world.drill, order=0, clause_id="WIN-01", type="single", stem="来有迎声指的是什么？",
                             options=[{"text": "起身问候", "correct": True}, {"text": "点头示意", "correct": False}])


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
    from courses.assignments import add_assignment_rule

    world.assignment_rule, _made = add_assignment_rule(by=world.lead, course=course, region=world.org.sh)


def _quizzes(world):
    """A quiz the trainee finished with an essay awaiting marking, and one they are in the middle of."""
    from courses.models import Question
    from courses.services import finish_attempt, start_attempt

    from ..courses.conftest import answer_all, make_question, make_quiz

    essay = make_question(type=Question.Type.ESSAY, stem="如何回应顾客的投诉？")
    single = make_question(stem="来有迎声指的是什么？")
    world.quiz_done = make_quiz(world.course, questions=[single, essay], title="已交测验")
    world.quiz_open = make_quiz(world.course, questions=[single], title="进行中测验")
    world.attempt_done, _ = finish_attempt(answer_all(start_attempt(world.trainee, world.quiz_done)))
    world.essay_answer = world.attempt_done.questions.get(type=Question.Type.ESSAY)
    world.attempt_open = start_attempt(world.trainee, world.quiz_open)
    world.other_attempt = start_attempt(world.other_trainee, world.quiz_open)


def _certificates(world):
    """The trainee holds a certificate issued by hand by the east lead (PDF rendered)."""
    from certificates.models import BulkRun, CohortArchive, Program, Refresher
    from certificates.services import issue_manually
    from certificates.tasks import render_certificate_pdf

    program = Program.objects.create(code="CS-ONBOARD", name="客服新员工上岗认证", validity_months=24)
    program.required_courses.set([world.course])
    world.certificate = issue_manually(holder=world.trainee, program=program, by=world.lead, reason="考核通过",
                                       override=True)
    world.other_certificate = issue_manually(holder=world.other_trainee, program=program, by=world.other_lead,
                                             reason="考核通过", override=True)
    # Issuing renders the PDF after commit; the world never commits, so render it here.
    render_certificate_pdf.call(world.certificate.pk)
    world.refresher = Refresher.objects.create(holder=world.trainee, certificate=world.certificate,
                                               lesson=world.lesson, due_on="2027-01-31")
    world.archive = CohortArchive.objects.create(requested_by=world.lead, certificate_ids=[world.certificate.pk])
    world.bulk_run = BulkRun.objects.create(program=program, kind=BulkRun.Kind.ISSUE, requested_by=world.lead)


def _mentorship(world):
    """A waiting ride-along, a signed-off one, a question with an answer and a report, guidance,
    a checklist item and a conduct report (see tests/permissions/expected_mentorship.py)."""
    import datetime

    from mentorship import services as m
    from mentorship.catalogue import ensure_catalogues
    from mentorship.models import Approval, ChecklistTopic, Skill

    from django.utils import timezone

    ensure_catalogues()
    skill = Skill.objects.get(name="上门服务流程")
    today = timezone.localdate()

    def at(days_from_today, hour=10):
        day = today + datetime.timedelta(days=days_from_today)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def trip(start, now):
        return m.request_ride_along(mentor=world.mentor, trainee=world.trainee, destination_region=world.org.hz,
                                    cities=["杭州"], start_date=start, end_date=start, skills=[skill], now=now)

    # Waiting for approval: a trip a month ahead. Signed off: a one-day trip three weeks ago, each step in time.
    world.ride_along = trip(today + datetime.timedelta(days=30), timezone.now())
    world.approval = world.ride_along.approvals.get(kind=Approval.Kind.POST_HEAD)
    done = trip(today - datetime.timedelta(days=21), at(-30))
    approvers = {Approval.Kind.TRAINING_SUPERVISOR: world.supervisor,
                 Approval.Kind.REGIONAL_MANAGER: world.regional_manager, Approval.Kind.POST_HEAD: world.post_head}
    for approval in done.approvals.all():
        m.decide_approval(approval=approval, user=approvers[approval.kind], approve=True, now=at(-29))
    m.start_ride_along(ride_along=done, user=world.mentor, now=at(-21, 8))
    m.record_trip_happened(ride_along=done, user=world.mentor, now=at(-21, 18))
    m.sign_off_ride_along(ride_along=done, user=world.mentor, performance="好", skills_covered=[skill], now=at(-20))
    start = today - datetime.timedelta(days=21)
    world.signed_off = done
    world.question = m.ask_question(trainee=world.trainee, owner=world.post_head, subject="问题", body="内容")
    world.answer = m.answer_question(question=world.question, user=world.post_head, body="答复")
    world.question_report = m.report_question(question=world.question, user=world.trainee,
                                              against=world.post_head, kind="perfunctory", description="敷衍")
    world.guidance = m.log_guidance(mentor=world.mentor, trainee=world.trainee, mode="qa", topic="主题",
                                    duration_minutes=10)
    world.topic = ChecklistTopic.objects.filter(active=True).first()
    world.checklist_item = m.mark_topic_covered(trainee=world.trainee, topic=world.topic, mentor=world.mentor)
    world.conduct_report = m.file_conduct_report(reporter=world.mentor, subject=world.trainee,
                                                 occurred_on=start, description="违规")
