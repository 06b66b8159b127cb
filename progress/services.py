"""Computing and keeping the progress rows (``progress.models.Progress``).

``compute(program, users)`` works out the rows of some people (or of everyone) from the
source records, through the program's requirement objects (``certificates.requirements``)
and a fixed number of queries whatever the number of people. ``refresh(users)`` writes
them for the active programs; the receivers call it in the transaction of each event,
``rebuild()`` (``manage.py rebuild_progress``) for everyone.
"""

from collections import Counter, defaultdict
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from certificates.models import Certificate, Program
from certificates.requirements import Catalog, attempt_summary, met_pairs, requirements_of, statuses
from courses.models import Attempt, CourseAssignment, CourseCompletion, CoursePage, LessonRead
from lms.cohort import trainee_q
from lms.counting import JSONList
from lms.models import Region, StaffProfile
from lms.prepared import Prepared
from lms.tallies import move_tally
from mentorship.models import Skill, SkillAssessment

from .models import Progress, QuizSlot, Tally, tally_key

BATCH = 500  # people per round of queries (bounded SQL parameters and memory)
_RECOUNTING = ContextVar("progress_recounting", default=False)


def recounting():
    """Whether a rebuild is under way (it counts the tally again at its end, so deleted rows need not leave it)."""
    return _RECOUNTING.get()


def _all_people():
    return list(StaffProfile.objects.order_by("user_id").values_list("user_id", flat=True))


def compute(program, users=None, *, catalog=None):
    """``{user id: {field: value}}`` of ``program`` for ``users`` (a list of ids; None: everyone with a profile)."""
    people = _all_people() if users is None else list(users)
    if not people:
        return {}
    scope = None if users is None else people
    catalog = catalog or Catalog(program)
    reqs = requirements_of(program, catalog=catalog)
    met = defaultdict(set)
    for key, user_id in met_pairs(reqs, scope):
        met[user_id].add(key)
    shared = {}
    facts = {r.key: r.facts(scope, shared) for r in reqs if r.kind != "course"}
    from_attempts = _attempt_parts(program, catalog, reqs, scope, shared, skill_risks=_skill_risks(scope))
    started = _started(scope)
    certified = _certified(program, scope)
    due = _due_dates(scope)
    cohort = _cohort_places(scope)
    course_reqs = [r for r in reqs if r.kind == "course"]
    courses = {r.key for r in course_reqs}
    rows = {}
    for user_id in people:
        met_keys = [r.key for r in reqs if r.key in met[user_id]]
        person_facts = {r.key: facts[r.key][user_id] for r in reqs if r.key in facts and user_id in facts[r.key]}
        holds, until = certified.get(user_id, (False, None))
        rows[user_id] = {
            "met": met_keys,
            "missing": [r.key for r in reqs if r.key not in met[user_id]],
            "facts": person_facts,
            "met_count": len(met_keys),
            "started": user_id in started,
            "theory_done": courses <= met[user_id],
            "complete": bool(reqs) and len(met_keys) == len(reqs),
            "certified": holds,
            "certified_until": until,
            "due_on": due.get(user_id),
            "region_id": cohort.get(user_id, (None, False))[0],
            "trainee": cohort.get(user_id, (None, False))[1],
        }
        _merge_attempt_part(rows[user_id], from_attempts(user_id), course_reqs)
    return rows


# What a person's attempts decide in their rows: the courses' facts (quizzes passed, attempts waiting for
# marking), the quiz bits and the risks. Whether a course is completed rests on its ``CourseCompletion``, whose own
# receiver refreshes the whole row; so an attempt handed in or marked needs only this part again
# (``refresh_attempts``), and ``compute`` builds the same part the same way.


def _attempt_parts(program, catalog, reqs, scope, shared, *, skill_risks):
    """``part(user id)`` → the attempt-made part of that person's row (its "facts" of the courses only, "at_risk",
    "risks", "quizzes_tried", "quizzes_passed"), from a fixed number of queries for everyone in ``scope``. ``skill_risks``: the
    skill-assessment risks (``_skill_risks``), which the risks list also holds."""
    courses = [r for r in reqs if r.kind == "course"]
    facts = {r.key: r.facts(scope, shared) for r in courses}
    risks = _attempt_risks(catalog, scope)
    quiz_bits = _quiz_bits(program, catalog, scope, shared)

    def part(user_id):
        reasons = sorted(skill_risks.get(user_id, []) + risks.get(user_id, []),
                         key=lambda why: (why["kind"], why["name"]))
        tried, passed = quiz_bits[user_id] if user_id in quiz_bits else (0, 0)
        return {"facts": {r.key: facts[r.key][user_id] for r in courses if user_id in facts[r.key]},
                "at_risk": bool(reasons), "risks": reasons, "quizzes_tried": tried, "quizzes_passed": passed}

    return part


def _merge_attempt_part(row, part, courses):
    """Put ``part`` (``_attempt_parts``) into ``row``: the facts of the course requirements ``courses`` replace the
    row's, and come first (a program lists its courses first, ``certificates.requirements.KINDS``)."""
    keys = {r.key for r in courses}
    row.update(part, facts={**part["facts"], **{k: v for k, v in row["facts"].items() if k not in keys}})


def _cohort_places(scope):
    """``{user id: (region id, is a trainee)}``: where the person is counted in the cohort (``lms.cohort``)."""
    profiles = StaffProfile.objects.all() if scope is None else StaffProfile.objects.filter(user_id__in=scope)
    places = profiles.annotate(is_trainee=ExpressionWrapper(trainee_q(), output_field=BooleanField()))
    return {user_id: (region_id, bool(trainee))
            for user_id, region_id, trainee in places.values_list("user_id", "region_id", "is_trainee")}


def _started(scope):
    """People who have read a lesson or begun a quiz attempt."""
    reads = LessonRead.objects.all() if scope is None else LessonRead.objects.filter(user_id__in=scope)
    attempts = Attempt.objects.all() if scope is None else Attempt.objects.filter(user_id__in=scope)
    return set(reads.order_by().values_list("user_id", flat=True).distinct()) | set(
        attempts.order_by().values_list("user_id", flat=True).distinct())


def _certified(program, scope):
    """``{holder id: (True, valid until or None)}`` of the holders of a valid-status certificate of the program.

    Expiry is kept as a date: whether it has passed is asked when the row is read.
    """
    certificates = Certificate.objects.filter(program=program, status=Certificate.Status.VALID)
    if scope is not None:
        certificates = certificates.filter(holder_id__in=scope)
    result = {}
    for holder_id, expires_on in certificates.values_list("holder_id", "expires_on"):
        _holds, until = result.get(holder_id, (True, expires_on))
        # No expiry beats any date; otherwise the latest date.
        result[holder_id] = (True, None if until is None or expires_on is None else max(until, expires_on))
    return result


def _skill_risks(scope):
    """``{user id: [why]}``: a skill failed at the latest assessment."""
    result = defaultdict(list)
    failed = SkillAssessment.objects.latest_per_skill().filter(result=SkillAssessment.Result.FAILED)
    if scope is not None:
        failed = failed.filter(trainee_id__in=scope)
    for trainee_id, skill in failed.values_list("trainee_id", "skill__name"):
        result[trainee_id].append({"kind": "skill", "name": skill})
    return result


def _attempt_risks(catalog, scope):
    """``{user id: [why]}``: a round of a counted certifying quiz of the program used up without a pass, with no new
    round granted since (``Attempt.objects.rounds_used_up``, exam's definition; an attempt waiting for marking may
    still pass, so it is not a risk yet)."""
    result = defaultdict(list)
    _lessons, quizzes = catalog.children
    limited = [pk for pk, quiz in quizzes.items() if quiz.attempts_allowed]
    if limited:
        used_up = Attempt.objects.rounds_used_up().filter(quiz_id__in=limited)
        if scope is not None:
            used_up = used_up.filter(user_id__in=scope)
        for user_id, quiz_id in set(used_up.order_by().values_list("user_id", "quiz_id")):
            result[user_id].append({"kind": "attempts", "name": quizzes[quiz_id].title})
    return result


def _quiz_bits(program, catalog, scope, shared):
    """``{user id: (tried, passed)}``: the bits (``QuizSlot``) of the counted quizzes handed in and passed."""
    _lessons, quizzes = catalog.children
    bits = QuizSlot.of(program, list(quizzes)) if quizzes else {}
    result = defaultdict(lambda: [0, 0])
    for row in attempt_summary(catalog, scope, shared):
        bit = bits.get(row.quiz_id, 0)
        result[row.user_id][0] |= bit
        if row.passes:
            result[row.user_id][1] |= bit
    return result


def _due_dates(scope):
    """``{user id: date}``: the earliest due date of a course assigned to the person (directly, through their post,
    or through their region or one above it) that they have not completed."""
    assignments = list(CourseAssignment.objects.filter(due_date__isnull=False)
                       .values_list("course_id", "user_id", "post_id", "region_id", "due_date"))
    if not assignments:
        return {}
    profiles = StaffProfile.objects.all() if scope is None else StaffProfile.objects.filter(user_id__in=scope)
    completions = CourseCompletion.objects.filter(course_id__in={a[0] for a in assignments})
    if scope is not None:
        completions = completions.filter(user_id__in=scope)
    done = set(completions.values_list("user_id", "course_id"))
    tree = Region.tree()
    above = {}
    result = {}
    by_user, by_post, by_region = defaultdict(list), defaultdict(list), defaultdict(list)
    for course_id, user_id, post_id, region_id, due in assignments:
        if user_id is not None:
            by_user[user_id].append((course_id, due))
        elif post_id is not None:
            by_post[post_id].append((course_id, due))
        elif region_id is not None:
            by_region[region_id].append((course_id, due))
    for user_id, post_id, region_id in profiles.values_list("user_id", "post_id", "region_id"):
        reaching = by_user.get(user_id, []) + by_post.get(post_id, [])
        if region_id is not None and by_region:
            if region_id not in above:
                above[region_id] = Region.above(tree, [region_id])
            for rid in above[region_id]:
                reaching += by_region.get(rid, [])
        dues = [due for course_id, due in reaching if (user_id, course_id) not in done]
        if dues:
            result[user_id] = min(dues)
    return result


def count(program_id, before=(), after=()):
    """Move the program's ``Tally`` from the rows' places ``before`` to ``after`` (``tally_key``s; None: not
    counted), in the caller's transaction; a standing left empty is deleted, so the tally stays as small as the
    standings. The callers read the rows they move ``select_for_update``, so two writers of the same person's row
    move the tally one after the other, each from the row as the other left it."""
    if recounting():
        return
    move_tally(Tally, Tally.KEY, before=before, after=after, fixed={"program_id": program_id}, drop_empty=True)


def recount(programs=None):
    """The ``Tally`` counted again from the kept rows (after a rebuild, or a bulk change of the rows)."""
    tallies = Tally.objects.all() if programs is None else Tally.objects.filter(program__in=programs)
    tallies.delete()
    rows = Progress.objects.filter(trainee=True)
    if programs is not None:
        rows = rows.filter(program__in=programs)
    grouped = rows.order_by().values("program_id", *Tally.KEY).annotate(people=Count("pk"))
    Tally.objects.bulk_create((Tally(n=row.pop("people"), **row) for row in grouped.iterator()), batch_size=BATCH)


def _write(program, rows, now, *, kept=None):
    """Insert or update the rows of ``program``; ``changed_at`` moves only when the person's standing changed.
    ``kept``: the rows as the caller already read them ``select_for_update`` (else they are read here)."""
    existing = kept if kept is not None else {
        p.user_id: p for p in Progress.objects.filter(program=program, user_id__in=list(rows))
        .order_by("user_id").select_for_update()}
    to_create, to_update = [], []
    before, after = [], []
    for user_id, values in rows.items():
        kept = existing.get(user_id)
        if kept is None:
            to_create.append(Progress(user_id=user_id, program=program, changed_at=now, **values))
            after.append(tally_key(values))
            continue
        if kept.values() == values:
            continue
        before.append(kept.tally_key())
        after.append(tally_key(values))
        if any(getattr(kept, name) != values[name] for name in Progress.STANDING):
            kept.changed_at = now
        for name, value in values.items():
            setattr(kept, name, value)
        to_update.append(kept)
    if to_create:
        Progress.objects.bulk_create(to_create, batch_size=BATCH)
    if len(to_update) == 1:  # one person (a request's own event): a plain UPDATE, not a CASE per column
        row = to_update[0]
        Progress.objects.filter(pk=row.pk).update(changed_at=row.changed_at, **row.values())
    elif to_update:
        Progress.objects.bulk_update(to_update, Progress.FIELDS + ["changed_at"], batch_size=BATCH)
    count(program.pk, before, after)
    return len(to_create) + len(to_update)


@transaction.atomic(savepoint=False)  # inside the attempt's own transaction: no savepoint round trips
def mark_started(user_id):
    """A first attempt begun: the person's rows say "started" (the only change a new attempt makes). Returns
    whether the person has rows at all."""
    rows = list(Progress.objects.filter(user_id=user_id).only("pk", "program_id", "trainee", *Tally.KEY)
                .order_by("program_id").select_for_update())
    for row in rows:
        if not row.started:
            before = row.tally_key()
            row.started = True
            Progress.objects.filter(pk=row.pk).update(started=True)
            count(row.program_id, [before], [row.tally_key()])
    return bool(rows)


@transaction.atomic
def refresh(users, *, programs=None):
    """Recompute and store the rows of ``users`` (user ids) for the active programs (or ``programs``).

    Returns the number of rows written. People without a staff profile have no rows.
    """
    users = sorted(set(users))
    programs = list(Program.objects.filter(active=True)) if programs is None else programs
    now = timezone.now()
    written = 0
    for start in range(0, len(users), BATCH):
        asked = users[start:start + BATCH]
        chunk = list(StaffProfile.objects.filter(user_id__in=asked).order_by("user_id")
                     .values_list("user_id", flat=True))
        if len(chunk) < len(asked):  # a profile removed: no rows any more
            Progress.objects.filter(user_id__in=set(asked) - set(chunk)).delete()
        for program in programs:
            written += _write(program, compute(program, chunk), now)
    return written


@transaction.atomic(savepoint=False)  # inside the attempt's own transaction
def refresh_attempts(user_ids):
    """Only attempts of ``user_ids`` changed (handed in, marked, regraded): recompute the part of their rows that
    attempts make (by the same ``_attempt_parts`` as ``compute``) and keep the rest, which the
    other records' receivers keep current. A quiz hand-in costs a few queries, not a whole row's."""
    user_ids = sorted({uid for uid in user_ids if uid is not None})
    programs = {p.pk: p for p in Program.objects.filter(active=True)}
    rows = list(Progress.objects.filter(user_id__in=user_ids, program_id__in=programs)
                .order_by("program_id", "user_id").select_for_update())
    have = Counter(row.user_id for row in rows)
    whole = {uid for uid in user_ids if have[uid] < len(programs)}
    if whole:  # a row missing (a new person, no profile): computed whole
        refresh(whole)
        rows = [row for row in rows if row.user_id not in whole]
    now = timezone.now()
    by_program = defaultdict(list)
    for row in rows:
        by_program[programs[row.program_id]].append(row)
    for program, program_rows in by_program.items():
        catalog = Catalog(program)
        courses = requirements_of(program, catalog=catalog, kinds=["course"])  # the others' facts stay as kept
        scope = [row.user_id for row in program_rows]
        skill_risks = {row.user_id: [why for why in row.risks if why["kind"] == "skill"] for row in program_rows}
        part = _attempt_parts(program, catalog, courses, scope, {}, skill_risks=skill_risks)
        updates = {}
        for row in program_rows:
            values = row.values()
            _merge_attempt_part(values, part(row.user_id), courses)
            updates[row.user_id] = values
        _write(program, updates, now, kept={row.user_id: row for row in program_rows})


@transaction.atomic
def refresh_certified(user_ids):
    """Only the certificates of ``user_ids`` changed: recompute whether they are certified, in each program (a
    fixed number of queries whatever their number)."""
    user_ids = sorted(set(user_ids))
    now = timezone.now()
    rows = list(Progress.objects.filter(user_id__in=user_ids).select_related("program").order_by("user_id", "program_id")
                .select_for_update(of=("self",)))
    with_rows = {row.user_id for row in rows}
    without = [uid for uid in user_ids if uid not in with_rows]
    if without:
        refresh(StaffProfile.objects.filter(user_id__in=without).values_list("user_id", flat=True))
    by_program = defaultdict(list)
    for row in rows:
        by_program[row.program].append(row)
    changed = []
    for program, program_rows in by_program.items():
        certified = _certified(program, [row.user_id for row in program_rows])
        before, after = [], []
        for row in program_rows:
            holds, until = certified.get(row.user_id, (False, None))
            if (row.certified, row.certified_until) != (holds, until):
                before.append(row.tally_key())
                row.certified, row.certified_until, row.changed_at = holds, until, now
                after.append(row.tally_key())
                changed.append(row)
        count(program.pk, before, after)
    # One UPDATE per outcome (a bulk issue certifies everyone of a batch until the same day), not a CASE per row.
    outcomes = defaultdict(list)
    for row in changed:
        outcomes[(row.certified, row.certified_until)].append(row.pk)
    for (holds, until), ids in outcomes.items():
        for start in range(0, len(ids), BATCH):
            Progress.objects.filter(pk__in=ids[start:start + BATCH]).update(
                certified=holds, certified_until=until, changed_at=now)
    return len(changed)


@transaction.atomic
def rebuild(*, programs=None):
    """Recompute every row from the source records (``manage.py rebuild_progress``); returns rows written.

    Rows of inactive programs are removed. Everyone's rows are computed from whole-table
    queries (not per person), so a rebuild of 10,000 people takes a few dozen queries
    per program.
    """
    active = list(Program.objects.filter(active=True))
    token = _RECOUNTING.set(True)  # the tally is counted again at the end, not moved row by row
    try:
        Progress.objects.exclude(program__in=active).delete()
        Progress.objects.exclude(user__in=StaffProfile.objects.values("user_id")).delete()
        now = timezone.now()
        written = 0
        for program in active if programs is None else programs:
            rows = list(compute(program).items())
            for start in range(0, len(rows), BATCH):
                written += _write(program, dict(rows[start:start + BATCH]), now)
    finally:
        _RECOUNTING.reset(token)
    Tally.objects.exclude(program__in=active).delete()
    recount(active if programs is None else programs)
    return written


def tally_differences():
    """``[(program id, tally key, kept n, counted n)]``: where the kept ``Tally`` differs from the kept rows."""
    kept = Counter()
    for row in Tally.objects.values("program_id", "n", *Tally.KEY):
        kept[(row["program_id"], tuple(row[name] for name in Tally.KEY))] += row["n"]
    counted = Counter()
    for row in Progress.objects.filter(trainee=True).values("program_id", *Tally.KEY):
        counted[(row["program_id"], tuple(row[name] for name in Tally.KEY))] += 1
    return [(program_id, key, kept[program_id, key], counted[program_id, key])
            for program_id, key in sorted(set(kept) | set(counted), key=repr)
            if kept[program_id, key] != counted[program_id, key]]


def differences(*, programs=None):
    """``[(user id, program id, field, kept, recomputed)]``: where the kept rows differ from the source records."""
    result = []
    active = list(Program.objects.filter(active=True))
    for program in active if programs is None else programs:
        rows = compute(program)
        kept = {p.user_id: p for p in Progress.objects.filter(program=program)}
        for user_id in sorted(set(rows) | set(kept)):
            fresh, row = rows.get(user_id), kept.get(user_id)
            if fresh is None or row is None:
                result.append((user_id, program.pk, "row", row is not None, fresh is not None))
                continue
            for name in Progress.FIELDS:
                if getattr(row, name) != fresh[name]:
                    result.append((user_id, program.pk, name, getattr(row, name), fresh[name]))
    return result


def users_reached(assignment):
    """The people a course assignment reaches: a person, everyone of a post, or everyone of a region or below."""
    if assignment.user_id:
        return [assignment.user_id]
    profiles = StaffProfile.objects.all()
    if assignment.post_id:
        profiles = profiles.filter(post_id=assignment.post_id)
    elif assignment.region_id:
        profiles = profiles.filter(region_id__in=Region.ids_with_descendants([assignment.region_id]))
    else:
        return []
    return list(profiles.values_list("user_id", flat=True))


@dataclass
class Standing:
    """One person's standing in one program, read from the kept row: what the person page and the home show."""

    program: object
    row: object  # the kept ``Progress`` row
    statuses: list  # ``certificates.requirements.Status`` of each requirement, in the program's order

    @property
    def certified(self):
        return self.row.is_certified()

    @property
    def overdue(self):
        return self.row.is_overdue()

    @property
    def met(self):
        return sum(1 for s in self.statuses if s.met)

    @property
    def missing(self):
        return [s for s in self.statuses if not s.met]


def standing_of(user, *, with_totals=True):
    """The person's ``Standing`` in each active program, from the kept rows (no recomputation).

    ``with_totals=False`` leaves out the courses' lesson and quiz totals, for views that show what is met and
    where to go, not the counts: then everything comes in one query (``learner_standing``).
    """
    if not with_totals:
        return learner_standing(user)
    result = []
    for row in Progress.objects.filter(user=user, program__active=True).select_related("program").order_by("program"):
        catalog = Catalog(row.program)
        reqs = requirements_of(row.program, catalog=catalog)
        result.append(Standing(row.program, row, statuses(reqs, set(row.met), row.facts)))
    return result


# The columns of a required course and of a required skill that the requirements' labels and links use.
COURSE_COLUMNS = ("pk", "path", "depth", "title", "code", "url_path")
SKILL_COLUMNS = ("pk", "name")


def _standing_rows(*, user_id):
    """The person's rows in the active programs, each with its program and, as JSON lists, the program's required
    courses and skills (``COURSE_COLUMNS``, ``SKILL_COLUMNS``): one query whatever the number of programs."""
    courses = Program.required_courses.through.objects.filter(program_id=OuterRef("program_id")).order_by()
    skills = Program.required_skills.through.objects.filter(program_id=OuterRef("program_id")).order_by()
    course = JSONObject(**{name: f"coursepage__{'page_ptr_id' if name == 'pk' else name}" for name in COURSE_COLUMNS})
    skill = JSONObject(**{name: f"skill__{'id' if name == 'pk' else name}" for name in SKILL_COLUMNS})
    return (
        Progress.objects.filter(user_id=user_id, program__active=True)
        .select_related("program")
        .annotate(course_list=Subquery(courses.annotate(j=JSONList(course)).values("j")),
                  skill_list=Subquery(skills.annotate(j=JSONList(skill)).values("j")))
        .order_by("program")
    )


_prepared_standing = Prepared(_standing_rows)


def _course_page(columns):
    """A ``CoursePage`` of ``COURSE_COLUMNS`` as the ORM loads one with ``only()`` (the other fields deferred), without
    the keyword path of the model's constructor, which costs 2.7 times as much (the home page builds one per required
    course)."""
    values = {"id": columns["pk"], "page_ptr_id": columns["pk"], **columns}
    names = [name for name in _COURSE_ATTNAMES if name in values]
    return CoursePage.from_db("default", names, [values[name] for name in names])


_COURSE_ATTNAMES = [f.attname for f in CoursePage._meta.concrete_fields]


def learner_standing(user):
    """``standing_of(user, with_totals=False)`` in one query (the trainee's home): the kept rows with their programs'
    courses and skills, so the requirement objects label and link each requirement without reading anything more.
    The courses' lesson and quiz totals are left out, as with ``with_totals=False``."""
    result = []
    for row in _prepared_standing.read(user_id=user.pk):
        catalog = Catalog(row.program)
        # What Catalog would read, in its order (courses in tree order, skills by name).
        catalog.courses = sorted((_course_page(c) for c in row.course_list or []), key=lambda c: c.path)
        catalog.skills = sorted((Skill(**s) for s in row.skill_list or []), key=lambda s: s.name)
        catalog.children = ({}, {})
        reqs = requirements_of(row.program, catalog=catalog)
        result.append(Standing(row.program, row, statuses(reqs, set(row.met), row.facts)))
    return result
