"""How guessable a question bank is, by the item-writing rules every shipped course meets (TEAM.md, issue 14).

One implementation for ``manage.py standards_lint`` and the admin's 题库质量 view: ``bank_reports()`` measures
each category (with its sub-categories) and lists what breaks a rule, each finding with a short explanation
for editors.

Two kinds of rules:

- *item rules* hold for any bank: the key of a single-choice item is seldom the uniquely longest option, true/false
  keys are balanced, multiple choice varies its number of correct options, scenarios make up a third, no
  以上都对 / 以上都不对;
- *course rules* hold for a course's bank, the category a certifying (non-practice) quiz draws from (the root
  above its draws): at least 25 objective items and 2.5 times what each draw takes, at least two written
  answers, every clause of the course's lessons tested.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .importers.text import FALSE_WORDS, TRUE_WORDS
from .models import CoursePage, LessonPage, Question, QuestionCategory, QuizPage, QuizRandomDraw
from .site_rules import current_rules


@dataclass(frozen=True)
class Limits:
    """The bounds (TEAM.md "Item-writing rules every shipped course must meet"), in one place."""

    longest_key_max: float = 0.30  # single choice: key uniquely the longest option in at most ~30 %
    false_key_min: float = 0.35  # true/false: 35–65 % of keys are 错
    false_key_max: float = 0.65
    multiple_patterns_min: int = 2  # multiple choice: the number of correct options varies (2, 3, all)
    multiple_pattern_max: float = 0.60  # … and no one number is used for most items
    scenario_min: float = 1 / 3  # at least a third of the items are scenarios
    essays_min: int = 2  # course: at least two written answers
    pool_min: int = 25  # course: at least 25 objective items …
    pool_per_draw: float = 2.5  # … and 2.5 × what a certifying draw takes
    sample_min: int = 4  # a share is judged once a bank has this many items of the kind


LIMITS = Limits()
ALL_OF_THE_ABOVE = re.compile(r"以上(?:答案|选项|说法|各项|几项)?(?:都|均|皆|全)(?:不)?(?:对|正确|是|错|错误|不对)")


@dataclass
class Finding:
    code: str
    message: str

    def as_dict(self):
        return {"code": self.code, "message": str(self.message)}


@dataclass
class DrawUse:
    """A certifying or practice quiz's draw from this bank."""

    quiz: str
    course: str
    practice: bool
    essays: bool
    count: int
    pool: int

    @property
    def ratio(self):
        return self.pool / self.count if self.count else 0

    def as_dict(self):
        return {"quiz": self.quiz, "course": self.course, "practice": self.practice, "essays": self.essays,
                "count": self.count, "pool": self.pool, "ratio": round(self.ratio, 2)}


def _share(part, whole):
    return part / whole if whole else 0.0


def _pct(value):
    return f"{round(100 * value)} %"


@dataclass
class BankReport:
    category: QuestionCategory
    course: CoursePage | None = None  # set when this is a course's bank (a certifying quiz draws from it)
    questions: int = 0
    essays: int = 0
    single: int = 0
    single_longest: int = 0
    true_false: int = 0
    true_false_false: int = 0
    multiple: int = 0
    multiple_patterns: Counter = field(default_factory=Counter)  # "2", "3", "all" → items
    scenario: int = 0
    draws: list = field(default_factory=list)
    clauses: list = field(default_factory=list)  # the course's clause ids (course banks)
    untested_clauses: list = field(default_factory=list)
    all_of_the_above: list = field(default_factory=list)  # keys (or #pk) of items offering 以上都对/以上都不对
    findings: list = field(default_factory=list)

    @property
    def objective(self):
        return self.questions - self.essays

    @property
    def ok(self):
        return not self.findings

    @property
    def longest_share(self):
        return _share(self.single_longest, self.single)

    @property
    def false_share(self):
        return _share(self.true_false_false, self.true_false)

    @property
    def scenario_share(self):
        return _share(self.scenario, self.questions)

    def multiple_distribution(self):
        """``[(pattern, items)]`` in the order 2, 3, 4…, all."""
        return sorted(self.multiple_patterns.items(), key=lambda kv: (kv[0] == "all", kv[0].zfill(3)))

    def as_dict(self):
        return {
            "category": self.category.name,
            "course": self.course.code if self.course else None,
            "questions": self.questions,
            "objective": self.objective,
            "essays": self.essays,
            "single_choice": {"items": self.single, "key_uniquely_longest": self.single_longest,
                              "share": round(self.longest_share, 3)},
            "true_false": {"items": self.true_false, "key_false": self.true_false_false,
                           "share": round(self.false_share, 3)},
            "multiple_choice": {"items": self.multiple, "correct_options": dict(self.multiple_distribution())},
            "scenarios": {"items": self.scenario, "share": round(self.scenario_share, 3)},
            "draws": [d.as_dict() for d in self.draws],
            "clauses_without_question": self.untested_clauses,
            "all_or_none_of_the_above": self.all_of_the_above,
            "findings": [f.as_dict() for f in self.findings],
            "ok": self.ok,
        }


# ---------------------------------------------------------------- measuring items


def _length(text):
    return len("".join(str(text).split()))


def key_is_uniquely_longest(options):
    """``options`` as [(text, correct)] of a single-choice item."""
    keys = [_length(t) for t, ok in options if ok]
    others = [_length(t) for t, ok in options if not ok]
    return len(keys) == 1 and bool(others) and keys[0] > max(others)


def key_is_false(options):
    """A true/false item whose correct answer is 错."""
    for position, (text, ok) in enumerate(options):
        if ok:
            text = text.strip()
            return text in FALSE_WORDS or (text not in TRUE_WORDS and position == 1)
    return False


def correct_pattern(options):
    """"all" when every option is correct, else the number of correct options as text."""
    correct = sum(1 for _t, ok in options if ok)
    return "all" if correct == len(options) else str(correct)


def _measure(report, questions, rules):
    for q in questions:
        report.questions += 1
        report.scenario += q.scenario
        if q.type == Question.Type.ESSAY:
            report.essays += 1
            continue
        options = q.resolved_options(rules) if q.site_rule else [(o.text, o.correct) for o in q.options.all()]
        if any(ALL_OF_THE_ABOVE.search(text) for text, _ok in options):
            report.all_of_the_above.append(q.source_key or f"#{q.pk}")
        if q.type == Question.Type.SINGLE:
            report.single += 1
            report.single_longest += key_is_uniquely_longest(options)
        elif q.type == Question.Type.TRUE_FALSE:
            report.true_false += 1
            report.true_false_false += key_is_false(options)
        elif q.type == Question.Type.MULTIPLE:
            report.multiple += 1
            report.multiple_patterns[correct_pattern(options)] += 1


# ---------------------------------------------------------------- rules


def _judge(report, limits):
    add = report.findings.append
    if report.single >= limits.sample_min and report.longest_share > limits.longest_key_max:
        add(Finding("longest_key", _(
            "In %(share)s of the single-choice items the correct option is the uniquely longest one (at most "
            "%(max)s): a candidate who always picks the longest option passes. Write distractors as long and as "
            "specific as the key."
        ) % {"share": _pct(report.longest_share), "max": _pct(limits.longest_key_max)}))
    if report.true_false >= limits.sample_min and not (
        limits.false_key_min <= report.false_share <= limits.false_key_max
    ):
        add(Finding("true_false_balance", _(
            "%(share)s of the true/false keys are “false” (between %(min)s and %(max)s): a candidate who always "
            "answers the same way scores too well. Turn some statements round."
        ) % {"share": _pct(report.false_share), "min": _pct(limits.false_key_min),
             "max": _pct(limits.false_key_max)}))
    if report.multiple >= limits.sample_min:
        patterns = report.multiple_patterns
        top = max(patterns.values()) / report.multiple
        if len(patterns) < limits.multiple_patterns_min or top > limits.multiple_pattern_max:
            add(Finding("multiple_pattern", _(
                "The multiple-choice items nearly always have the same number of correct options (%(counts)s): "
                "candidates learn to tick all but the odd one out. Vary it: two, three or all of the options."
            ) % {"counts": ", ".join(f"{k}: {v}" for k, v in report.multiple_distribution())}))
    if report.questions >= limits.sample_min and report.scenario_share < limits.scenario_min:
        add(Finding("scenarios", _(
            "Only %(share)s of the items are scenarios (at least %(min)s): ask what to do or say with a customer "
            "in front of you, not for a list learnt by heart."
        ) % {"share": _pct(report.scenario_share), "min": _pct(limits.scenario_min)}))
    if report.all_of_the_above:
        add(Finding("all_of_the_above", _(
            "Options such as “以上都对” or “以上都不对” (%(keys)s) give the answer away: write each option out."
        ) % {"keys": ", ".join(report.all_of_the_above)}))
    for draw in report.draws:
        if draw.practice:
            continue
        if draw.essays and draw.pool < draw.count:
            add(Finding("essay_pool", _(
                "The quiz “%(quiz)s” draws %(count)d written answers from %(pool)d."
            ) % {"quiz": draw.quiz, "count": draw.count, "pool": draw.pool}))
        elif not draw.essays and draw.ratio < limits.pool_per_draw:
            add(Finding("pool_per_draw", _(
                "The quiz “%(quiz)s” draws %(count)d items from a pool of %(pool)d (at least %(ratio)s times as "
                "many): a few attempts show the whole bank."
            ) % {"quiz": draw.quiz, "count": draw.count, "pool": draw.pool, "ratio": limits.pool_per_draw}))
    if report.course is None:
        return
    if report.objective < limits.pool_min:
        add(Finding("pool_size", _(
            "The course's bank holds %(count)d objective items (at least %(min)d)."
        ) % {"count": report.objective, "min": limits.pool_min}))
    if report.essays < limits.essays_min:
        add(Finding("essays", _(
            "The course's bank holds %(count)d written answers (at least %(min)d): ask what the new hire says to "
            "the customer, marked against a reference answer."
        ) % {"count": report.essays, "min": limits.essays_min}))
    if report.untested_clauses:
        add(Finding("untested_clauses", _(
            "No question tests these clauses: %(clauses)s."
        ) % {"clauses": ", ".join(report.untested_clauses)}))


# ---------------------------------------------------------------- the reports


class _Tree:
    """Every category, read once: sub-trees and roots without a query per level."""

    def __init__(self):
        self.categories = {c.pk: c for c in QuestionCategory.objects.all()}
        self.children = {}
        for c in self.categories.values():
            self.children.setdefault(c.parent_id, []).append(c.pk)

    def below(self, pk):
        ids, todo = [], [pk]
        while todo:
            current = todo.pop()
            ids.append(current)
            todo.extend(self.children.get(current, []))
        return ids

    def root(self, pk):
        while self.categories[pk].parent_id:
            pk = self.categories[pk].parent_id
        return pk


def _draw_uses(tree, by_category):
    """[(draw category id, DrawUse, quiz page)] of every live quiz's random draws."""
    uses = []
    draws = QuizRandomDraw.objects.filter(quiz__live=True).select_related("quiz").order_by("quiz__path", "sort_order")
    courses = {}
    for draw in draws:
        quiz = draw.quiz
        if quiz.pk not in courses:
            courses[quiz.pk] = CoursePage.objects.filter(path=quiz.path[: -quiz.steplen]).first()
        pool = [q for pk in tree.below(draw.category_id) for q in by_category.get(pk, [])]
        objective = [q for q in pool if q.type != Question.Type.ESSAY]
        essays = not objective and bool(pool)
        course = courses[quiz.pk]
        use = DrawUse(quiz=quiz.title, course=course.title if course else "", practice=quiz.practice,
                      essays=essays, count=draw.count, pool=len(pool) if essays else len(objective))
        uses.append((draw.category_id, use, course))
    return uses


def _course_clauses(course):
    ids = []
    for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
        ids.extend(cid for cid in lesson.clause_ids() if cid not in ids)
    return ids


def bank_reports(categories=None, limits=LIMITS):
    """A ``BankReport`` per category in ``categories`` (default: every top-level category holding questions)."""
    tree = _Tree()
    by_category = {}
    for q in Question.objects.filter(active=True).prefetch_related("options").order_by("pk"):
        by_category.setdefault(q.category_id, []).append(q)
    uses = _draw_uses(tree, by_category)
    course_of_root = {}
    for category_id, use, course in uses:
        if not use.practice and course is not None:
            course_of_root.setdefault(tree.root(category_id), course)
    if categories is None:
        categories = [c for c in tree.categories.values()
                      if c.parent_id is None and any(by_category.get(pk) for pk in tree.below(c.pk))]
        categories.sort(key=lambda c: c.name)
    rules = current_rules()
    reports = []
    for category in categories:
        below = tree.below(category.pk)
        report = BankReport(category=category, course=course_of_root.get(category.pk))
        _measure(report, [q for pk in below for q in by_category.get(pk, [])], rules)
        report.draws = [use for category_id, use, _course in uses if category_id in below]
        if report.course is not None:
            report.clauses = _course_clauses(report.course)
            tested = {cid for pk in below for q in by_category.get(pk, []) for cid in q.clause_id_list()}
            report.untested_clauses = [cid for cid in report.clauses if cid not in tested]
        _judge(report, limits)
        reports.append(report)
    return reports


def find_category(name_or_code):
    """The category called ``name_or_code``, or else the bank of the course with that code (the root above its
    certifying quiz's draws); None when neither exists."""
    category = QuestionCategory.objects.filter(name=name_or_code).first()
    if category is not None:
        return category
    course = CoursePage.objects.filter(code=name_or_code).first()
    if course is None:
        return None
    quizzes = QuizPage.objects.child_of(course).filter(practice=False)
    draw = QuizRandomDraw.objects.filter(quiz__in=quizzes).order_by("quiz__path", "sort_order").first()
    if draw is None:
        return None
    tree = _Tree()
    return tree.categories[tree.root(draw.category_id)]
