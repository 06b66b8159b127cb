"""Rules of the 错题本: filing answers, keeping each clause's standing, drawing and answering drills.

Every function that writes is atomic; the rule of the book itself is ``models.replay``.
"""

import functools
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, IntegerField, Q, Subquery, Sum, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from certificates.models import Program
from cockpit.services import CountedPaginator
from courses.models import Question
from courses.services import lessons_teaching, question_snapshot
from courses.site_rules import current_rules

from lms.access import scope_region_ids
from lms.cohort import is_trainee, trainee_q
from lms.models import Region, StaffProfile
from progress.models import Tally

from . import tally
from .models import DRILL_PER_CLAUSE, DRILL_SIZE, BookEntry, ClauseAnswer, ClauseTally, Drill, DrillItem, replay

ENTRY_FIELDS = ("in_book", "wrong_count", "right_count", "practised_count", "first_filed_at", "filed_at",
                "right_days", "due_on", "left_at", "last_answered_at")


# --- filing --------------------------------------------------------------------------------------


def file_quiz_answers(*, user_id, answers):
    """File graded quiz answers (``courses.AttemptQuestion``) on their clauses and bring the book up to date.

    Only answers given count (a question left blank is not an answer); an answer filed again (a marker
    changing an essay's verdict) replaces its earlier rows.
    """
    given = [a for a in answers if a.correct is not None and a.answered_at is not None and a.clause_id_list()]
    if not given:
        return
    with transaction.atomic():
        ClauseAnswer.objects.filter(attempt_question__in=[a.pk for a in given]).delete()
        ClauseAnswer.objects.bulk_create([
            ClauseAnswer(user_id=user_id, clause_id=cid, correct=bool(a.correct), answered_at=a.answered_at,
                         source=ClauseAnswer.Source.QUIZ, attempt_question=a)
            for a in given for cid in a.clause_id_list()
        ])
        refresh_entries(user_id=user_id, clause_ids={cid for a in given for cid in a.clause_id_list()})


@transaction.atomic
def refresh_entries(*, user_id, clause_ids):
    """Work out the learner's book entries of ``clause_ids`` from all their answers on them, and move the cohort's
    tally (``wrongbook.tally``) with them: a clause entering or leaving the book changes the heat map's totals in
    the same transaction (four queries, and one per (region, clause) whose count changed)."""
    history = defaultdict(list)
    for answered_at, correct, source, cid in (
        ClauseAnswer.objects.filter(user_id=user_id, clause_id__in=clause_ids)
        .order_by("answered_at", "pk").values_list("answered_at", "correct", "source", "clause_id")
    ):
        history[cid].append((answered_at, correct, source == ClauseAnswer.Source.DRILL))
    region_id, trainee = tally.places([user_id], lock=True)[user_id]
    before = [tally.tally_key(*row) for row in BookEntry.objects.filter(user_id=user_id, clause_id__in=clause_ids)
              .values_list("region_id", "trainee", "clause_id", "in_book")]
    entries = [BookEntry(user_id=user_id, clause_id=cid, region_id=region_id, trainee=trainee, **replay(history[cid]))
               for cid in sorted(clause_ids)]
    BookEntry.objects.bulk_create(entries, update_conflicts=True, unique_fields=["user", "clause_id"],
                                  update_fields=[*ENTRY_FIELDS, "region", "trainee"])
    tally.move(before, [tally.tally_key(region_id, trainee, e.clause_id, e.in_book) for e in entries])


# --- what pages read -----------------------------------------------------------------------------


@dataclass
class WeakClause:
    """A clause in the book with the lesson paragraph that teaches it."""

    entry: BookEntry
    lesson: object = None  # the live LessonPage teaching the clause, or None
    title: str = ""
    rule: str = ""

    @property
    def clause_id(self):
        return self.entry.clause_id

    @property
    def url(self):
        return f"{self.lesson.url}#clause-{self.clause_id}" if self.lesson else ""


def with_lessons(entries):
    """``entries`` as ``WeakClause`` rows, each with its lesson (a fixed number of queries)."""
    entries = list(entries)
    taught = lessons_teaching({e.clause_id for e in entries})
    rows = []
    for entry in entries:
        lesson, title, rule = taught.get(entry.clause_id, (None, "", ""))
        rows.append(WeakClause(entry, lesson, title, rule))
    return rows


def book_for(user, *, today=None):
    """The learner's book: ``(weak, left)`` — clauses in the book (due first) and those that left it lately."""
    today = today or timezone.localdate()
    entries = list(BookEntry.objects.filter(user=user).exclude(wrong_count=0))
    weak = sorted((e for e in entries if e.in_book), key=lambda e: (e.due_on, -e.wrong_count, e.clause_id))
    left = sorted((e for e in entries if not e.in_book), key=lambda e: e.left_at, reverse=True)[:10]
    rows = with_lessons(weak + left)
    return rows[:len(weak)], rows[len(weak):]


def open_drill(user):
    return Drill.objects.filter(user=user, finished_at__isnull=True).first()


# --- drills --------------------------------------------------------------------------------------


def _questions_by_clause(clause_ids):
    """Active objective questions testing each of ``clause_ids`` (one query, with what a snapshot needs)."""
    query = Q(pk__in=[])
    for cid in clause_ids:
        query |= Q(clause_ids__contains=cid)
    found = defaultdict(list)
    questions = (Question.objects.filter(query, active=True).exclude(type=Question.Type.ESSAY)
                 .select_related("category__parent", "image").prefetch_related("options").order_by("pk"))
    for question in questions:
        for cid in question.clause_id_list():
            if cid in clause_ids:
                found[cid].append(question)
    return found


def _missed_questions(user, clause_ids):
    """``{clause id: ids of questions the learner got wrong on it}`` (one query)."""
    missed = defaultdict(set)
    rows = ClauseAnswer.objects.filter(user=user, clause_id__in=clause_ids, correct=False).values_list(
        "clause_id", "attempt_question__question_id", "drill_item__question_id")
    for cid, from_quiz, from_drill in rows:
        missed[cid].add(from_quiz or from_drill)
    return missed


def draw_drill_questions(user, entries, *, rng):
    """``[(clause id, question)]`` for a drill of ``entries`` (due clauses, most urgent first): questions of the
    clause other than those the learner got wrong on it (those only when the bank has no other), at most
    ``DRILL_PER_CLAUSE`` per clause and ``DRILL_SIZE`` in all, each question once."""
    clause_ids = [e.clause_id for e in entries]
    pools = _questions_by_clause(set(clause_ids))
    missed = _missed_questions(user, clause_ids)
    queues = {}
    for cid in clause_ids:
        pool = list(pools.get(cid, []))
        rng.shuffle(pool)
        # Other questions of the clause; the ones got wrong only when the bank has no other.
        queues[cid] = [q for q in pool if q.pk not in missed[cid]] or pool
    chosen, seen = [], set()
    for _round in range(DRILL_PER_CLAUSE):
        for cid in clause_ids:
            queue = queues[cid]
            while queue and queue[0].pk in seen:
                queue.pop(0)
            if queue and len(chosen) < DRILL_SIZE:
                question = queue.pop(0)
                seen.add(question.pk)
                chosen.append((cid, question))
    return chosen


def certifying_questions_not_passed(user, questions):
    """Ids of ``questions`` that a certifying quiz the learner has not passed yet may draw (its fixed questions and
    its draws' categories): a drill shows them without their answers (three queries)."""
    from courses.models import Attempt, QuizFixedQuestion, QuizPage, QuizRandomDraw

    passed = Attempt.objects.filter(user=user, passed=True, state__in=Attempt.DECIDED).values("quiz")
    open_quizzes = QuizPage.objects.filter(practice=False).exclude(pk__in=passed).values("pk")
    fixed = set(QuizFixedQuestion.objects.filter(quiz__in=open_quizzes).values_list("question_id", flat=True))
    categories = set(QuizRandomDraw.objects.filter(quiz__in=open_quizzes).values_list("category_id", flat=True))
    return {q.pk for q in questions
            if q.pk in fixed or q.category_id in categories or q.category.parent_id in categories}


def start_drill(*, user, now=None, rng=None):
    """The learner's open drill, or a new one over the clauses due today. Refuses (ValidationError, in Chinese)
    when nothing is due or the bank has no question to practise the due clauses with."""
    now = now or timezone.now()
    rng = rng or random.Random()
    existing = open_drill(user)
    if existing is not None:
        return existing
    due = list(BookEntry.objects.filter(user=user).due(timezone.localdate(now))[:DRILL_SIZE])
    if not due:
        raise ValidationError(_("Nothing in your wrong-answer book is due for practice today."))
    chosen = draw_drill_questions(user, due, rng=rng)
    if not chosen:
        raise ValidationError(_("The question bank has no other questions on these clauses yet: read the lessons "
                                "they link to."))
    rules = current_rules()
    withheld = certifying_questions_not_passed(user, [q for _cid, q in chosen])
    try:
        with transaction.atomic():
            drill = Drill.objects.create(user=user, started_at=now)
            items = []
            for order, (cid, question) in enumerate(chosen):
                snapshot = question_snapshot(question, shuffle_options=True, rng=rng, rules=rules)
                items.append(DrillItem(drill=drill, order=order, clause_id=cid, may_reveal=question.pk not in withheld,
                                       **{f: snapshot[f] for f in DrillItem.SNAPSHOT_FIELDS}))
            DrillItem.objects.bulk_create(items)
    except IntegrityError:  # a simultaneous start (double tap, second tab) made it first
        return open_drill(user)
    return drill


def answer_drill_item(*, item, user, selected, now=None):
    """Check the learner's answer to a drill question and file it on the question's clauses.

    Returns ``(item, accepted)``. An item already answered changes nothing (a double tap, a reload or a resent
    form is answered once); an answer that is not one (no option, options not shown) raises ValidationError.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = DrillItem.objects.select_for_update().select_related("drill").get(pk=item.pk, drill__user=user)
        if current.is_answered:
            return current, False
        positions, error = current.clean_selection(selected)
        if error or not positions:
            raise ValidationError(error or _("Choose an answer first."))
        current.selected = positions
        current.correct = current.grade_selection()
        current.answered_at = now
        current.save(update_fields=["selected", "correct", "answered_at"])
        clause_ids = set(current.clause_id_list()) | {current.clause_id}
        ClauseAnswer.objects.bulk_create([
            ClauseAnswer(user=user, clause_id=cid, correct=current.correct, answered_at=now,
                         source=ClauseAnswer.Source.DRILL, drill_item=current)
            for cid in sorted(clause_ids)
        ])
        refresh_entries(user_id=user.pk, clause_ids=clause_ids)
        if not current.drill.items.filter(answered_at__isnull=True).exists():
            Drill.objects.filter(pk=current.drill_id, finished_at__isnull=True).update(finished_at=now)
        return current, True


# --- what mentors and leads read -----------------------------------------------------------------

TREND_DAYS = 14  # the trend compares the last two weeks with the two before
TREND_MIN_ANSWERS = 5  # fewer answers in either window: too few to say
TREND_MARGIN = 10  # percentage points of right answers that make a change


@dataclass
class Trend:
    """Right answers on clauses in the last ``TREND_DAYS`` days against the ``TREND_DAYS`` before."""

    recent_right: int
    recent_total: int
    before_right: int
    before_total: int

    @staticmethod
    def _percent(right, total):
        return round(100 * right / total) if total else None

    @property
    def recent_percent(self):
        return self._percent(self.recent_right, self.recent_total)

    @property
    def before_percent(self):
        return self._percent(self.before_right, self.before_total)

    @property
    def direction(self):
        """``"better"``, ``"worse"``, ``"same"`` or ``"unknown"`` (too few answers to tell)."""
        if self.recent_total < TREND_MIN_ANSWERS or self.before_total < TREND_MIN_ANSWERS:
            return "unknown"
        change = self.recent_percent - self.before_percent
        if change >= TREND_MARGIN:
            return "better"
        if change <= -TREND_MARGIN:
            return "worse"
        return "same"


def trend_for(user, *, today=None):
    """The learner's ``Trend`` (one query)."""
    today = today or timezone.localdate()
    start = today - timezone.timedelta(days=2 * TREND_DAYS - 1)
    split = today - timezone.timedelta(days=TREND_DAYS - 1)
    figures = [0, 0, 0, 0]
    for answered_at, correct in ClauseAnswer.objects.filter(
        user=user, answered_at__date__gte=start).values_list("answered_at", "correct"):
        recent = timezone.localdate(answered_at) >= split
        figures[0 if recent else 2] += 1 if correct else 0
        figures[1 if recent else 3] += 1
    return Trend(*figures)


@dataclass
class LearnerSummary:
    """What the mentor and the lead see of a learner's book: weak clauses, trend and recent practice."""

    weak: list  # WeakClause, most wrong first
    trend: Trend
    practice: list  # the latest ClauseAnswer rows from drills


def summary_for(user, *, today=None, practice_rows=10):
    """The learner's ``LearnerSummary`` in a fixed number of queries (four, whatever the size of the book)."""
    weak = with_lessons(BookEntry.objects.filter(user=user, in_book=True).order_by("-wrong_count", "clause_id"))
    practice = list(ClauseAnswer.objects.filter(user=user, source=ClauseAnswer.Source.DRILL)
                    .order_by("-answered_at", "-pk")[:practice_rows])
    return LearnerSummary(weak, trend_for(user, today=today), practice)


@dataclass
class PractisedDrill:
    """One drill of the learner's practice history: when, how many right of how many, on which clauses."""

    drill: Drill
    total: int
    answered: int
    right: int
    clause_ids: list


def practice_history(user):
    """The learner's drills, latest first (a queryset to paginate; ``with_results`` reads a page of it)."""
    return Drill.objects.filter(user=user).order_by("-started_at", "-pk")


def with_results(drills):
    """``drills`` (a page of ``practice_history``) as ``PractisedDrill`` rows: one query, whatever the page's size."""
    drills = list(drills)
    found = defaultdict(list)
    for drill_id, clause_id, answered_at, correct in DrillItem.objects.filter(drill__in=drills).order_by(
            "drill_id", "order").values_list("drill_id", "clause_id", "answered_at", "correct"):
        found[drill_id].append((clause_id, answered_at is not None, bool(correct)))
    rows = []
    for drill in drills:
        items = found[drill.pk]
        rows.append(PractisedDrill(drill, len(items), sum(1 for _c, a, _r in items if a),
                                   sum(1 for _c, _a, r in items if r), list(dict.fromkeys(c for c, _a, _r in items))))
    return rows


def weakest_clauses(user, *, limit=3):
    """The clause ids the learner most needs to work on: in the book, most wrong first (one query)."""
    return list(BookEntry.objects.filter(user=user, in_book=True).order_by("-wrong_count", "due_on", "clause_id")
                .values_list("clause_id", flat=True)[:limit])


@dataclass
class HeatMap:
    """Clause × trainee for a page of a cohort: ``columns`` are the clauses the cohort struggles with most (how many
    of the cohort have each in their book), ``rows`` one per trainee with a cell per column."""

    columns: list  # [{"clause_id", "title", "url", "learners"}]
    rows: list  # [{"profile": {"pk", "user_id", "name"}, "url", "cells": [(css class, text)], "html"}]

    # The table's header cells (a clause's code linked to its lesson), the totals' cells and each row as one piece
    # of HTML: a page prints 30 columns and 25 × 30 cells, too many for the template language to write one by one.

    @property
    def heading_html(self):
        return mark_safe("".join(
            f'<th scope="col" title="{escape(c["title"])}">'
            + (f'<a href="{escape(c["url"])}">{escape(c["clause_id"])}</a>' if c["url"] else escape(c["clause_id"]))
            + "</th>" for c in self.columns))

    @property
    def totals_html(self):
        return mark_safe("".join(f"<td><strong>{int(c['learners'])}</strong></td>" for c in self.columns))


# What the heat map reads of each trainee of the page (``heat_map_rows``): not whole profiles.
ROW_FIELDS = ("pk", "user_id", "name")


def heat_map_rows(cohort):
    """The cohort's rows as the heat map reads them (``ROW_FIELDS``, in the cohort's order): no model instances,
    and none of the cohort's annotations (its mentor columns)."""
    return cohort.values(*ROW_FIELDS)


def heat_cell(entry):
    """A heat-map cell of ``entry`` (its ``(in_book, wrong_count)``, or None without one): its shade's CSS class and
    its text (wrong answers while in the book, ✓ once it left), worked out here so that the template of a large map
    only prints them."""
    if entry is None:
        return "heat-0", ""
    in_book, wrong_count = entry
    heat = BookEntry.shade(in_book, wrong_count)
    return f"heat-{heat}" + (" is-left" if heat == "left" else ""), str(wrong_count) if in_book else "✓"


HEAT_MAP_CLAUSES = 30
PLACEHOLDER_PK = 987654321

# Markers of the rows of ``tallied_totals``'s query that are not a clause's (no clause id starts with "*").
_TALLIED, _ELSEWHERE = "*tallied", "*elsewhere"


@dataclass
class Tallied:
    """What ``tallied_totals`` read from the kept counts."""

    totals: Counter  # {clause id: how many of the cohort have it in their book}
    trainees: int | None  # how many people the cohort holds; None when they are to be counted
    elsewhere: list  # user ids of the people of the cohort outside its regions (usually none)


def tallied_totals(cohort, *, regions, viewer):
    """The cohort's figures added up from kept counts, a few rows per region whatever the number of people (a
    ``Tallied``), in one query (two when the cohort reaches people outside its regions):

    - ``totals``: how many of ``cohort`` (a ``StaffProfile`` queryset) have each clause in their book, from the
      kept ``ClauseTally``;
    - ``trainees``: how many people the cohort holds, from the kept ``progress.Tally`` of the first active program
      (every person has a progress row in each active program, kept with their region and trainee standing);
      None when no program is active or its tally has nobody of these regions (the caller counts the people);
    - ``elsewhere``: the people the cohort reaches outside ``regions`` (a post, their mentees…), usually none.

    ``regions``: region ids all of whose trainees (bar ``viewer``) the cohort takes (the lead's scope, narrowed
    to a region), or None for every region (a superuser's cohort). To the tallies of these regions are added the
    people elsewhere, and taken off the viewer if the tallies counted them (nobody is in their own cohort).
    """
    program = Subquery(Program.objects.filter(active=True).order_by("pk").values("pk")[:1])
    tallied = ClauseTally.objects.all()
    people = Tally.objects.filter(program=program)
    viewer_counted = BookEntry.objects.filter(in_book=True, user=viewer, trainee=True)
    if regions is not None:
        tallied = tallied.filter(region_id__in=regions)
        people = people.filter(region_id__in=regions)
        viewer_counted = viewer_counted.filter(region_id__in=regions)
    marker = functools.partial(Value, output_field=CharField())
    # Each part read by its own index: the clauses' tally, the program's tally of people, the people elsewhere
    # (their ids), the viewer's entries the tally counted (-1 each; only when it counted the viewer).
    parts = [tallied.order_by().values("clause_id").annotate(learners=Sum("n")).values_list("clause_id", "learners"),
             people.order_by().values_list(marker(_TALLIED)).annotate(n=Sum("n"))]
    if regions is not None:
        # Found through the region index: the other regions (the tree is cached) and nobody's region, not a pass
        # over every profile of the cohort.
        parts.append(cohort.filter(Q(region_id__in=sorted(set(Region.tree()) - set(regions)))
                                   | Q(region_id__isnull=True)).order_by().values_list(marker(_ELSEWHERE), "user_id"))
    profile = getattr(viewer, "profile", None)
    viewer_tallied = (profile is not None and is_trainee(viewer)
                      and (regions is None or profile.region_id in regions))
    if viewer_tallied:
        parts.append(viewer_counted.order_by().values_list("clause_id", Value(-1, output_field=IntegerField())))
    totals, tallied_people, elsewhere = Counter(), None, []
    for key, n in parts[0].union(*parts[1:], all=True):
        if key == _TALLIED:
            tallied_people = n
        elif key == _ELSEWHERE:
            elsewhere.append(n)
        else:
            totals[key] += n
    if elsewhere:  # their entries, one by one
        for clause_id, n in (BookEntry.objects.filter(in_book=True, user_id__in=elsewhere).order_by()
                             .values("clause_id").annotate(learners=Count("pk")).values_list("clause_id", "learners")):
            totals[clause_id] += n
    trainees = None if tallied_people is None else tallied_people + len(elsewhere) - viewer_tallied
    return Tallied(totals, trainees, sorted(elsewhere))


def cohort_of_regions(regions, *, elsewhere=(), viewer, order_by=("employee_no",)):
    """The cohort asked of the database as what it is: the trainees of ``regions`` (None: of every region) and the
    people ``elsewhere`` (user ids), less ``viewer``, instead of the scope's conditions on every profile."""
    people = StaffProfile.objects.filter(trainee_q()).exclude(user=viewer)
    if regions is not None:
        people = people.filter(Q(region_id__in=regions) | Q(user_id__in=elsewhere) if elsewhere
                               else Q(region_id__in=regions))
    return people.order_by(*order_by)


def whole_regions(filterset, user):
    """The regions all of whose trainees the filtered cohort takes, so its totals may come from the kept tally
    (``tallied_totals``): ``user``'s scope (None: every region, for a superuser), narrowed to the region chosen in
    the filters; False when another filter narrows the cohort (its entries are then counted one by one)."""
    cleaned = {}
    if filterset.is_bound:
        filterset.form.is_valid()
        cleaned = getattr(filterset.form, "cleaned_data", {})
    chosen = {name: value for name, value in cleaned.items() if value not in (None, "", [], ())}
    region = chosen.pop("region", None)
    if chosen:
        return False
    regions = scope_region_ids(user)
    if region is not None:
        below = Region.ids_with_descendants([region.pk])
        regions = sorted(below if regions is None else set(regions) & below)
    return regions


def heat_map_page(filterset, *, viewer, number, per_page):
    """``(page, heat map)`` of the lead's cohort (``filterset``: the cockpit's filters over it), in a fixed number of
    queries. When the filters leave whole regions (``whole_regions``) the totals and the number of trainees come
    from the kept tallies and the page's rows from the regions; otherwise everything is counted over the cohort."""
    cohort = filterset.qs
    regions = whole_regions(filterset, viewer)
    totals = trainees = None
    rows = cohort
    if regions is not False:
        tallied = tallied_totals(cohort, regions=regions, viewer=viewer)
        totals, trainees = tallied.totals, tallied.trainees
        rows = cohort_of_regions(regions, elsewhere=tallied.elsewhere, viewer=viewer, order_by=cohort.query.order_by)
    page = CountedPaginator(heat_map_rows(rows), per_page, count=trainees).get_page(number)
    return page, heat_map(cohort.order_by().values("user_id"), page.object_list, totals=totals)


def heat_map(cohort_users, profiles, *, clauses=HEAT_MAP_CLAUSES, totals=None):
    """The ``HeatMap`` of ``profiles`` (a page of the cohort, as ``heat_map_rows``) over the clauses most often in
    the books of the whole cohort (``cohort_users``: a subquery of user ids). Two queries (three when it counts the
    totals), whatever the size of the cohort or the page.

    ``totals``: how many of the cohort have each clause in their book when the caller has them from the kept tally
    (``tallied_totals``); otherwise they are counted here over the cohort's entries.
    """
    if totals is None:
        totals = (BookEntry.objects.filter(user__in=cohort_users, in_book=True).values("clause_id")
                  .annotate(learners=Count("pk")).order_by("-learners", "clause_id")
                  .values_list("clause_id", "learners")[:clauses])
    else:
        totals = sorted(((cid, n) for cid, n in totals.items() if n > 0), key=lambda t: (-t[1], t[0]))[:clauses]
    totals = list(totals)
    clause_ids = [cid for cid, _n in totals]
    taught = lessons_teaching(set(clause_ids))
    lesson_urls = {}  # a lesson's URL worked out once, whatever the number of its clauses among the columns
    columns = []
    for clause_id, learners in totals:
        lesson, title, _rule = taught.get(clause_id, (None, "", ""))
        url = ""
        if lesson is not None:
            if lesson.pk not in lesson_urls:
                lesson_urls[lesson.pk] = lesson.url
            url = f"{lesson_urls[lesson.pk]}#clause-{clause_id}"
        columns.append({"clause_id": clause_id, "title": title, "url": url, "learners": learners})
    profiles = list(profiles)
    cells = {
        (user_id, clause_id): (in_book, wrong_count)
        for user_id, clause_id, in_book, wrong_count in BookEntry.objects.filter(
            user__in=[p["user_id"] for p in profiles], clause_id__in=clause_ids).order_by()
        .values_list("user_id", "clause_id", "in_book", "wrong_count")
    }
    # The person page's URL reversed once: its shape around a placeholder number, filled with each row's pk.
    person_url = reverse("person", args=[PLACEHOLDER_PK]).split(str(PLACEHOLDER_PK))
    rows = []
    for p in profiles:
        row_cells = [heat_cell(cells.get((p["user_id"], cid))) for cid in clause_ids]
        # The row as one piece of HTML (``HeatMap``): the name escaped; nothing else to escape (the URL is the
        # person page's with a number, the classes are ``heat_cell``'s own and the texts a number or a tick).
        url = f"{person_url[0]}{p['pk']}{person_url[1]}"
        rows.append({"profile": p, "url": url, "cells": row_cells, "html": mark_safe(
            f'<tr><th scope="row"><a href="{url}">{escape(p["name"])}</a></th>'
            + "".join(f'<td class="{css}">{text}</td>' for css, text in row_cells) + "</tr>")})
    return HeatMap(columns, rows)


# --- observation checklists at the sign-off (19.4) -----------------------------------------------

PLAN_DAYS = 14  # a "needs work" item's learning-plan item is due this many days after the sign-off


@transaction.atomic
def sign_off_with_observations(*, ride_along, user, key, scores, performance, study_directions="",
                               skills_covered=(), weak_points=(), plan_items=(), now=None):
    """M9 sign-off with the trip's observation checklists scored (19.4), sent exactly once.

    ``scores`` maps each item of ``ObservationChecklist.for_ride_along(ride_along)`` to an ``Observation.Score``:
    every item must be scored. Items that "need work" become weak points (with the checklist's skill) and
    learning-plan items due in ``PLAN_DAYS`` days, each naming its clause. ``key`` (the form's idempotency key)
    makes a resent form return the sign-off it made: ``(sign_off, created)``.
    """
    from mentorship.services import sign_off_ride_along

    from .models import Observation, ObservationChecklist, SignOffSubmission

    from mentorship.models import RideAlong

    now = now or timezone.now()
    key = key or uuid.uuid4()
    # The trip's row lock first: a form sent twice at once waits here, then finds its own sign-off by the key.
    RideAlong.objects.select_for_update().filter(pk=ride_along.pk).first()
    done = SignOffSubmission.objects.select_related("sign_off").filter(key=key).first()
    if done is not None:
        if done.sign_off.ride_along_id != ride_along.pk:
            raise ValidationError(_("This form was already used for another trip; reload the page."))
        return done.sign_off, False
    checklists = ObservationChecklist.for_ride_along(ride_along)
    items = [(checklist, item) for checklist in checklists for item in checklist.items.all()]
    scores = {getattr(item, "pk", item): score for item, score in scores.items()}
    missing = [item for _c, item in items if scores.get(item.pk) not in Observation.Score.values]
    if missing:
        raise ValidationError(_("Score every item of the checklists (observed well, needs work or not seen): "
                                "%(items)s") % {"items": "、".join(str(i) for i in missing)})
    needs_work = [(c, i) for c, i in items if scores[i.pk] == Observation.Score.NEEDS_WORK]
    due = timezone.localdate(now) + timezone.timedelta(days=PLAN_DAYS)
    weak_points = list(weak_points) + [(c.skill, f"【{i.clause_id}】{i.behaviour}") for c, i in needs_work]
    plan_items = list(plan_items) + [
        ((_("Practise %(clause)s: %(behaviour)s") % {"clause": i.clause_id, "behaviour": i.behaviour})[:300], due)
        for _c, i in needs_work]
    sign_off = sign_off_ride_along(ride_along=ride_along, user=user, performance=performance,
                                   study_directions=study_directions, skills_covered=skills_covered,
                                   weak_points=weak_points, plan_items=plan_items, now=now)
    Observation.objects.bulk_create([
        Observation(sign_off=sign_off, checklist=c, checklist_name=c.name, skill=c.skill, item=i,
                    behaviour=i.behaviour, clause_id=i.clause_id, score=scores[i.pk], scored_by=user, scored_at=now)
        for c, i in items
    ])
    SignOffSubmission.objects.create(key=key, sign_off=sign_off, received_at=now)
    return sign_off, True


def sign_off_sent(*, ride_along, user, key):
    """Whether the sign-off form with idempotency ``key`` was already taken for ``ride_along`` from ``user``."""
    from .models import SignOffSubmission

    try:
        key = uuid.UUID(str(key))
    except (TypeError, ValueError, AttributeError):
        return False
    return SignOffSubmission.objects.filter(key=key, sign_off__ride_along=ride_along,
                                            sign_off__signed_by=user).exists()


def chain_for(trainee, *, skill=None):
    """What the lead sees before deciding on the trainee's skill (19.5): the checklist results of their signed-off
    trips (``skill``'s first when given), "needs work" first, and their weak clauses with the lessons (three
    queries)."""
    from .models import Observation

    observations = list(Observation.objects.filter(sign_off__ride_along__trainee=trainee)
                        .select_related("sign_off__ride_along", "skill").order_by("-scored_at", "pk")[:60])
    observations.sort(key=lambda o: (skill is not None and o.skill_id != skill.pk, not o.needs_work))
    weak = with_lessons(BookEntry.objects.filter(user=trainee, in_book=True).order_by("-wrong_count", "clause_id"))
    return {"observations": observations, "weak": weak}
