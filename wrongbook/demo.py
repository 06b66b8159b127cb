"""Demo data of the 错题本: after the course demo's pass, the demo trainee got some clauses wrong in another round of
the practice exam (in the book, due for a drill tomorrow), and their trip waiting for approval works on the weakest
of them."""

import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import QuizPage
from courses.services import QuizRefused, finish_attempt, save_answer, start_attempt

from .services import weakest_clauses

WRONG = 3  # answers the demo trainee gets wrong

SKILL = "上门服务流程"
# The observation checklists an editor keeps in the admin (19.4), as the demo has them: name, kind, behaviours.
CHECKLISTS = [
    # Scored on the trips that cover the skill 上门服务流程 (the other trips' sign-offs stay as they were).
    ("上门服务流程观察清单", "skill", [
        ("ONSITE-03", "约定时间前到达，迟到先致歉"),
        ("ONSITE-05", "轻敲门，出示工牌，说明来意"),
        ("ONSITE-06", "经客户允许再进门，进门穿鞋套"),
        ("ONSITE-08", "移动客户物品前先征得同意"),
        ("ONSITE-10", "完工后请客户试用、签字，人走地净"),
    ]),
    ("柜面接待流程", "counter", [
        ("HALL-02", "迎声：客户进门微笑问候"),
        ("WIN-08", "请：“请”字当头，讲普通话"),
        ("HALL-07", "复述：受理时复述确认客户需求"),
        ("HALL-07", "唱收唱付：收付款项当面唱报"),
        ("HALL-09", "送声：起身送客，提醒带好物品"),
    ]),
]


def demo_checklists():
    """The demo's observation checklists, made once (an editor may change them later; they are left alone)."""
    from mentorship.catalogue import ensure_catalogues
    from mentorship.models import Skill

    from .models import ObservationChecklist, ObservationItem

    ensure_catalogues()
    for name, kind, items in CHECKLISTS:
        skill = Skill.objects.filter(name=SKILL).first() if kind == "skill" else None
        checklist, created = ObservationChecklist.objects.get_or_create(name=name, defaults={"kind": kind,
                                                                                                "skill": skill})
        if created:
            ObservationItem.objects.bulk_create(
                ObservationItem(checklist=checklist, clause_id=clause, behaviour=behaviour, sort_order=n)
                for n, (clause, behaviour) in enumerate(items))


def _practice_round(user, quiz, when):
    """An attempt at ``quiz`` handed in at ``when``: the first ``WRONG`` clause-tagged answers wrong, the rest right."""
    try:
        attempt = start_attempt(user, quiz, rng=random.Random(19), now=when)
    except QuizRefused:
        return
    wrong = 0
    for answer in attempt.questions.all():
        if answer.is_essay:
            continue
        attempt.refresh_from_db()
        right = [i for i, o in enumerate(answer.options) if o["correct"]]
        if wrong < WRONG and answer.clause_id_list():
            chosen, wrong = [i for i, o in enumerate(answer.options) if not o["correct"]][:1], wrong + 1
        else:
            chosen = right
        save_answer(attempt, position=answer.order, seq=attempt.seq, selected=chosen, now=when)
    finish_attempt(attempt, now=when)


def load(stdout=None):
    trainee = get_user_model().objects.filter(username="demo-trainee").first()
    if trainee is None:
        return
    # A practice quiz only: certifying quizzes are the trainee's course progress (and the journeys' steps). The round
    # comes after the courses demo's (a right answer later than a wrong one would count toward leaving the book).
    quiz = QuizPage.objects.live().filter(practice=True).order_by("path").first()
    if quiz is None or trainee.clause_answers.filter(correct=False).exists():
        return
    _practice_round(trainee, quiz, timezone.now())
    focus = weakest_clauses(trainee)
    # The demo's trip waiting for approval (made by mentorship.demo) works on them, as a mentor confirms it.
    trip = trainee.ride_alongs.filter(state="requested").order_by("-requested_at").first()
    if trip is not None and not trip.focus_clauses:
        trip.focus_clauses = focus
        trip.save(update_fields=["focus_clauses"])
    if stdout:
        stdout.write(f"wrongbook: {len(focus)} weak clauses for demo-trainee")
