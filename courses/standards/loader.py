"""Publish the shipped standards library into the page tree and the question bank.

Idempotent and editor-safe:

- pages are found by a stable key (a course by its ``code``, a lesson or quiz by its
  slug under the course) and questions by ``Question.source_key``;
- the loader saves its revisions without a user. A page whose latest revision has an
  author (an editor saved or published it in the admin) is never touched again: the
  run reports "kept editor's version" and moves on;
- a page the loader itself last wrote is updated only when the shipped data differs
  from what the page holds, so a second run creates no revision at all;
- a question keeps a fingerprint of the content the loader wrote (``source_hash``). While
  its content still has that fingerprint the loader owns it and updates it when the data
  changes; once an editor changed it, it is kept and reported. A shipped question whose
  key left the data is retired (``active=False``, no longer drawn), never deleted;
- each course's bank is its category with two children, objective items and written
  answers (essays), and the certifying quiz draws ``[quiz] draw`` from the first and
  ``[quiz] essays`` from the second (see README.md).

The practice exam (``practice_exam.txt``) is read by the courses question importer and
kept by the same rules (``load_practice_exam``).
"""

import datetime
import hashlib
import html
import json
import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation

from courses.blocks import LessonBodyBlock
from courses.models import (
    CoursePage,
    LessonPage,
    Question,
    QuestionCategory,
    QuestionOption,
    QuizPage,
    QuizRandomDraw,
)
from courses.services import ensure_training_index

from . import data

PRACTICE_SLUG = "practice-exam"
PRACTICE_CATEGORY = "练习卷：课程 1–3"
PRACTICE_TITLE = "综合练习卷（课程 1–3）"
PRACTICE_KEY = "PRACTICE"
OBJECTIVE_SUFFIX = " · 客观题"
ESSAY_SUFFIX = " · 简答题"
# A question saved again within this time of its creation was never edited (loads before source_hash).
LEGACY_SAVE_WINDOW = datetime.timedelta(seconds=2)
KEY_NAMESPACE = uuid.UUID("5b0c1d2e-7f5a-4c1e-9a57-5a1e0c0d1e50")
CLAUSE_NOTE_RE = re.compile(r"[（(]条款[:：]\s*([A-Z0-9\-,，\s]+)[）)]\s*$")


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    retired: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.created or self.updated or self.retired)

    def lines(self):
        for label, items in (
            ("created", self.created),
            ("updated", self.updated),
            ("retired", self.retired),
            ("kept editor's version", self.kept),
            ("skipped", self.skipped),
        ):
            for item in items:
                yield f"{label}: {item}"
        yield (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.retired)} retired, {len(self.kept)} kept editor's version, {len(self.skipped)} skipped"
        )


# ---------------------------------------------------------------- content helpers


def _rich(text):
    return f"<p>{html.escape(text, quote=False)}</p>"


def lesson_stream(blocks):
    """The StreamField value of a lesson from its data blocks."""
    raw = []
    for b in blocks:
        if b["type"] == "paragraph":
            raw.append({"type": "rich_text", "value": _rich(b["text"])})
        elif b["type"] == "clause":
            raw.append({"type": "clause", "value": {
                "clause_id": b["id"], "title": b["title"], "rule": b["rule"],
                "do": list(b.get("do", [])), "dont": list(b.get("dont", [])),
            }})
        elif b["type"] == "phrases":
            raw.append({"type": "phrases", "value": {
                "situation": b["situation"], "say": list(b["say"]), "never_say": list(b.get("never_say", [])),
            }})
        elif b["type"] == "callout":
            raw.append({"type": "callout", "value": {"kind": b.get("kind", "note"), "text": b["text"]}})
    return LessonBodyBlock().to_python(raw)


def _strip_ids(value):
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def stream_signature(stream_value):
    """Comparable form of a StreamField value (block ids left out)."""
    return _strip_ids(list(stream_value.get_prep_value()))


def edited_by_someone(page):
    """True when a person saved this page after the loader: their version wins."""
    revision = page.latest_revision
    return page.has_unpublished_changes or (revision is not None and revision.user_id is not None)


# ---------------------------------------------------------------- pages


def page_key(*parts):
    """Deterministic ``translation_key`` of a shipped page, e.g. ``page_key("lesson", "WIN", "win-appearance")``.

    Pages are found by it first, so an editor may rename a page's slug or title without
    the next run adding a second copy.
    """
    return uuid.uuid5(KEY_NAMESPACE, "standards/" + "/".join(parts))


def find_page(model, key, fallback):
    """The shipped page with translation ``key``, else the one ``fallback`` (a queryset) finds."""
    return model.objects.filter(translation_key=key).first() or fallback.first()


def _publish(page):
    page.save_revision(log_action=True).publish()


def _sync_page(parent, page, fields, report, label, children=None, key=None):
    """Create ``page`` under ``parent`` or bring an existing one up to ``fields``.

    ``children`` is an optional (getter, setter) pair for inline relations that are part
    of the comparison (a quiz's random draws).
    """
    if page is None:
        raise ValueError("page required")
    if page.pk is None:
        for name, value in fields.items():
            setattr(page, name, value)
        if key is not None:
            page.translation_key = key
        if children:
            children[1](page)
        parent.add_child(instance=page)
        _publish(page)
        report.created.append(label)
        return page
    if edited_by_someone(page):
        report.kept.append(label)
        return page
    current = {name: getattr(page, name) for name in fields}
    wanted = dict(fields)
    if "body" in wanted:
        current["body"] = stream_signature(page.body)
        wanted["body"] = stream_signature(fields["body"])
    same = current == wanted and (not children or children[0](page) == children[2])
    if same:
        report.unchanged.append(label)
        return page
    for name, value in fields.items():
        setattr(page, name, value)
    if children:
        children[1](page)
    _publish(page)
    report.updated.append(label)
    return page


def _course_fields(course):
    return {
        "title": course["title"],
        "slug": course["slug"],
        "code": course["code"],
        "summary": course["summary"],
        "required_before_ride_along": bool(course.get("required_before_ride_along", False)),
    }


# ---------------------------------------------------------------- categories


@dataclass
class CourseCategories:
    """A course's bank: its category, with the objective items and the written answers in two children."""

    course: QuestionCategory
    objective: QuestionCategory
    essays: QuestionCategory

    def for_type(self, type):
        return self.essays if type == Question.Type.ESSAY else self.objective


def category_names(course):
    """``(course category, objective child, essay child)`` names of a course's bank."""
    return (
        f"{course['order']}. {course['title']}",
        f"{course['title']}{OBJECTIVE_SUFFIX}",
        f"{course['title']}{ESSAY_SUFFIX}",
    )


def sync_category(name, report, parent=None):
    category, created = QuestionCategory.objects.get_or_create(name=name, defaults={"parent": parent})
    if not created and category.parent_id != (parent.pk if parent else None):
        category.parent = parent
        category.save(update_fields=["parent"])
        report.updated.append(f"category {name}")
    else:
        (report.created if created else report.unchanged).append(f"category {name}")
    return category


def sync_course_categories(course, report):
    """The course's category and its two children; questions still filed directly under the course
    category (the layout before written answers) move into the child of their type, so they stay drawn."""
    name, objective_name, essays_name = category_names(course)
    parent = sync_category(name, report)
    categories = CourseCategories(
        parent, sync_category(objective_name, report, parent), sync_category(essays_name, report, parent)
    )
    for question in Question.objects.filter(category=parent).order_by("pk"):
        target = categories.for_type(question.type)
        Question.objects.filter(pk=question.pk).update(category=target)
        report.updated.append(f"question {question.source_key or '#%d' % question.pk} moved into {target.name}")
    return categories


# ---------------------------------------------------------------- questions


def question_content(q):
    """What the loader writes for a data question (a dict of ``data.load_library``), as stored."""
    return {
        "type": q["type"],
        "scenario": bool(q.get("scenario", False)),
        "stem": q["stem"],
        "explanation": q.get("explanation", ""),
        "reference_answer": q.get("reference_answer", ""),
        "marking_points": "\n".join(p.strip() for p in q.get("points", [])),
        "site_rule": q.get("site_rule", ""),
        "rule_candidates": ", ".join(str(v) for v in q.get("rule_candidates", [])),
        "option_template": q.get("option_template", ""),
        "clause_ids": ", ".join(q["clauses"]),
        "options": [(o["text"], bool(o["correct"])) for o in q["options"]],
        "active": True,
    }


def stored_content(question):
    """The same fields read from a Question."""
    content = {name: getattr(question, name) for name in CONTENT_FIELDS}
    content["options"] = [(o.text, o.correct) for o in question.options.order_by("sort_order", "pk")]
    return content


CONTENT_FIELDS = [name for name in question_content({"type": "", "stem": "", "clauses": [], "options": []})
                  if name != "options"]


def content_hash(content):
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def written_by_loader(question, content):
    """True when nobody changed ``question`` since the loader wrote it.

    The loader keeps a fingerprint of what it wrote (``source_hash``). Questions loaded before there
    was one were never saved again by the loader, so an unchanged ``updated_at`` tells the same.
    """
    if question.source_hash:
        return question.source_hash == content_hash(content)
    return abs(question.updated_at - question.created_at) < LEGACY_SAVE_WINDOW


def _write_question(question, content, key):
    for name in CONTENT_FIELDS:
        setattr(question, name, content[name])
    question.source_key = key
    question.source_hash = content_hash(content)
    question.options = [QuestionOption(text=t, correct=c, sort_order=i) for i, (t, c) in enumerate(content["options"])]
    question.save()


def sync_question(category, q, report):
    """Create, update or keep the bank's copy of data question ``q`` in ``category`` (see the module doc)."""
    key, wanted = q["key"], question_content(q)
    existing = Question.objects.filter(source_key=key).first()
    if existing is None:
        question = Question(category=category)
        _write_question(question, wanted, key)
        report.created.append(f"question {key}")
        return question
    current = stored_content(existing)
    if current == wanted:
        if existing.source_hash != content_hash(wanted):
            Question.objects.filter(pk=existing.pk).update(source_hash=content_hash(wanted))
        report.unchanged.append(f"question {key}")
    elif written_by_loader(existing, current):
        _write_question(existing, wanted, key)
        report.updated.append(f"question {key}")
    else:
        report.kept.append(f"question {key}")
    return existing


def retire_questions(prefix, keys, report):
    """Shipped questions under ``prefix`` whose key left the data are retired (not drawn), never
    deleted: attempts keep their copies. One an editor changed is kept in use and reported."""
    gone = Question.objects.filter(source_key__startswith=prefix, active=True).exclude(source_key__in=keys)
    for question in gone.order_by("source_key"):
        current = stored_content(question)
        if written_by_loader(question, current):
            question.active = False
            question.source_hash = content_hash({**current, "active": False})
            question.save(update_fields=["active", "source_hash", "updated_at"])
            report.retired.append(f"question {question.source_key}")
        else:
            report.kept.append(f"question {question.source_key} (no longer shipped)")


def _attempts_per_round(course, quiz_data):
    """``[quiz] attempts``: attempts per round of the certifying quiz (default 3, at least 1)."""
    attempts = int(quiz_data.get("attempts", QuizPage._meta.get_field("attempts_allowed").default))
    if attempts < 1:
        raise data.LibraryError(f"{course['code']}: [quiz] attempts = {attempts}; a certifying quiz allows at least 1")
    return attempts


def _quiz_sync(course, categories, quiz_data):
    fields = {
        "title": quiz_data["title"],
        "slug": f"{course['slug']}-quiz",
        "intro": _rich(quiz_data.get("intro", "")) if quiz_data.get("intro") else "",
        "pass_mark": int(quiz_data.get("pass_mark", 80)),
        "attempts_allowed": _attempts_per_round(course, quiz_data),
        "practice": False,
    }
    draws = [(categories.objective, int(quiz_data.get("draw", 10)))]
    if quiz_data.get("essays"):
        draws.append((categories.essays, int(quiz_data["essays"])))
    return fields, _draws_children(draws)


def _draws_children(draws):
    """The (get, set, wanted) triple ``_sync_page`` compares a quiz's random draws with."""

    def get(page):
        return [(d.category_id, d.count) for d in page.random_draws.all()]

    def set_(page):
        # Numbered: drawn in this order, and read back in it (two draws without a number come back from PostgreSQL in
        # any order, and the next load would take them for a change).
        page.random_draws = [QuizRandomDraw(category=category, count=count, sort_order=i)
                             for i, (category, count) in enumerate(draws)]

    return get, set_, [(category.pk, count) for category, count in draws]


@transaction.atomic
def load_library(courses=None, report=None):
    """Publish every course of the library; returns a LoadReport."""
    report = report or LoadReport()
    courses = courses if courses is not None else data.load_library()
    with translation.override("zh-hans"):
        index = ensure_training_index()
    for course in courses:
        label = f"course {course['code']} {course['title']}"
        key = page_key("course", course["code"])
        page = find_page(CoursePage, key, CoursePage.objects.filter(code=course["code"])) or CoursePage()
        page = _sync_page(index, page, _course_fields(course), report, label, key=key)

        for lesson in course["lessons"]:
            key = page_key("lesson", course["code"], lesson["slug"])
            lesson_page = find_page(LessonPage, key, LessonPage.objects.child_of(page).filter(slug=lesson["slug"]))
            _sync_page(
                page, lesson_page or LessonPage(),
                {"title": lesson["title"], "slug": lesson["slug"], "body": lesson_stream(lesson["blocks"])},
                report, f"lesson {course['code']}/{lesson['slug']}", key=key,
            )

        categories = sync_course_categories(course, report)
        for q in course["questions"]:
            sync_question(categories.for_type(q["type"]), q, report)
        retire_questions(f"{course['code']}-", [q["key"] for q in course["questions"]], report)

        fields, children = _quiz_sync(course, categories, course["quiz"])
        key = page_key("quiz", course["code"])
        quiz_page = find_page(QuizPage, key, QuizPage.objects.child_of(page).filter(slug=fields["slug"]))
        _sync_page(
            page, quiz_page or QuizPage(), fields, report, f"quiz {course['code']}", children=children, key=key
        )
    return report


# ---------------------------------------------------------------- practice exam


def practice_clause_ids(explanation):
    """Clause ids noted at the end of an explanation: "（条款：WIN-06, FIRST-01）"."""
    m = CLAUSE_NOTE_RE.search(explanation or "")
    if not m:
        return []
    return [c.strip() for c in re.split(r"[,，]", m.group(1)) if c.strip()]


def load_practice_exam(report, course_code="WIN"):
    """Read ``practice_exam.txt`` with the courses question importer into its own category and
    publish it as a practice quiz under ``course_code``'s page.

    Questions are keyed ``PRACTICE:<number>`` and follow the same rules as the courses' questions:
    updated while the loader owns them, kept once an editor changed them, retired when their
    number leaves the file.
    """
    from courses import importers

    with transaction.atomic():
        return _load_practice_exam(importers, report, course_code)


def practice_questions(bank):
    """The parsed practice exam as data questions (the shape of ``data.load_library``)."""
    return [
        {
            "key": f"{PRACTICE_KEY}:{parsed.number}",
            "type": parsed.type,
            "scenario": parsed.scenario,
            "stem": parsed.stem,
            "explanation": parsed.explanation,
            "clauses": parsed.clause_id_list(),
            "options": [{"text": o.text, "correct": o.correct} for o in parsed.options],
        }
        for parsed in bank.questions
    ]


def _load_practice_exam(importers, report, course_code):
    bank = importers.parse(data.PRACTICE_EXAM.read_bytes(), data.PRACTICE_EXAM.name)
    if bank.errors:
        raise data.LibraryError(f"practice exam: {bank.errors}")
    category = sync_category(PRACTICE_CATEGORY, report)
    questions = practice_questions(bank)
    for q in questions:
        sync_question(category, q, report)
    retire_questions(f"{PRACTICE_KEY}:", [q["key"] for q in questions], report)

    course = CoursePage.objects.filter(code=course_code).first()
    if course is None:
        report.skipped.append(f"practice quiz (no course {course_code})")
        return None
    count = len(questions)
    fields = {
        "title": bank.title or PRACTICE_TITLE,
        "slug": PRACTICE_SLUG,
        "intro": _rich(f"综合练习课程 1–3 的内容，共 {count} 题，不计入课程完成。"),
        "pass_mark": 80,
        "practice": True,
    }
    key = page_key("quiz", "practice")
    quiz_page = find_page(QuizPage, key, QuizPage.objects.child_of(course).filter(slug=PRACTICE_SLUG))
    return _sync_page(
        course, quiz_page or QuizPage(), fields, report, "practice quiz",
        children=_draws_children([(category, count)]), key=key,
    )
