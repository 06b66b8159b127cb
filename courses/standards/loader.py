"""Publish the shipped standards library into the page tree and the question bank.

Idempotent and editor-safe:

- pages are found by a stable key (a course by its ``code``, a lesson or quiz by its
  slug under the course) and questions by ``Question.source_key``;
- the loader saves its revisions without a user. A page whose latest revision has an
  author (an editor saved or published it in the admin) is never touched again: the
  run reports "kept editor's version" and moves on;
- a page the loader itself last wrote is updated only when the shipped data differs
  from what the page holds, so a second run creates no revision at all;
- questions have no revisions, so an existing question is never overwritten: when it
  differs from the shipped data it is reported as kept.

The practice exam (``practice_exam.txt``) goes through the question importer of the
courses app when that importer is installed (see ``load_practice_exam``).
"""

import html
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
KEY_NAMESPACE = uuid.UUID("5b0c1d2e-7f5a-4c1e-9a57-5a1e0c0d1e50")
CLAUSE_NOTE_RE = re.compile(r"[（(]条款[:：]\s*([A-Z0-9\-,，\s]+)[）)]\s*$")


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.created or self.updated)

    def lines(self):
        for label, items in (
            ("created", self.created),
            ("updated", self.updated),
            ("kept editor's version", self.kept),
            ("skipped", self.skipped),
        ):
            for item in items:
                yield f"{label}: {item}"
        yield (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept editor's version, {len(self.skipped)} skipped"
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


def _category_name(course):
    return f"{course['order']}. {course['title']}"


def sync_category(name, report):
    category, created = QuestionCategory.objects.get_or_create(name=name, defaults={"parent": None})
    (report.created if created else report.unchanged).append(f"category {name}")
    return category


def question_signature(q):
    """Comparable content of a Question instance."""
    return {
        "category": q.category.name,
        "type": q.type,
        "stem": q.stem,
        "explanation": q.explanation,
        "clause_ids": q.clause_ids,
        "options": [(o.text, o.correct) for o in q.options.order_by("sort_order", "pk")],
    }


def sync_question(category, q, report):
    wanted = {
        "category": category.name,
        "type": q["type"],
        "stem": q["stem"],
        "explanation": q["explanation"],
        "clause_ids": ", ".join(q["clauses"]),
        "options": [(o["text"], o["correct"]) for o in q["options"]],
    }
    existing = Question.objects.filter(source_key=q["key"]).select_related("category").first()
    if existing is None:
        question = Question(
            category=category, type=q["type"], stem=q["stem"], explanation=q["explanation"],
            clause_ids=wanted["clause_ids"], source_key=q["key"],
        )
        question.options = [
            QuestionOption(text=t, correct=c, sort_order=i) for i, (t, c) in enumerate(wanted["options"])
        ]
        question.save()
        report.created.append(f"question {q['key']}")
        return question
    if question_signature(existing) == wanted:
        report.unchanged.append(f"question {q['key']}")
    else:
        report.kept.append(f"question {q['key']}")
    return existing


def _attempts_per_round(course, quiz_data):
    """``[quiz] attempts``: attempts per round of the certifying quiz (default 3, at least 1)."""
    attempts = int(quiz_data.get("attempts", QuizPage._meta.get_field("attempts_allowed").default))
    if attempts < 1:
        raise data.LibraryError(f"{course['code']}: [quiz] attempts = {attempts}; a certifying quiz allows at least 1")
    return attempts


def _quiz_sync(course, category, quiz_data):
    count = int(quiz_data.get("draw", 10))
    fields = {
        "title": quiz_data["title"],
        "slug": f"{course['slug']}-quiz",
        "intro": _rich(quiz_data.get("intro", "")) if quiz_data.get("intro") else "",
        "pass_mark": int(quiz_data.get("pass_mark", 80)),
        "attempts_allowed": _attempts_per_round(course, quiz_data),
        "practice": False,
    }

    def get(page):
        return [(d.category_id, d.count) for d in page.random_draws.all()]

    def set_(page):
        page.random_draws = [QuizRandomDraw(category=category, count=count)]

    return fields, (get, set_, [(category.pk, count)])


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

        category = sync_category(_category_name(course), report)
        for q in course["questions"]:
            sync_question(category, q, report)

        fields, children = _quiz_sync(course, category, course["quiz"])
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
    """Import ``practice_exam.txt`` through the courses question importer into its own
    category and publish it as a practice quiz under ``course_code``'s page.

    The first run imports the file with ``courses.importers.import_file`` (stable keys
    ``PRACTICE:<number>``); later runs compare the bank with the file and never
    re-import over an editor's changes. Skipped (and reported) when the importer is
    not installed.
    """
    try:
        from courses import importers
    except ImportError:
        report.skipped.append("practice exam (courses.importers is not installed)")
        return None
    with transaction.atomic():
        return _load_practice_exam(importers, report, course_code)


def _parsed_signature(category, parsed):
    return {
        "category": category.name,
        "type": parsed.type,
        "stem": parsed.stem,
        "explanation": parsed.explanation,
        "clause_ids": parsed.clause_ids,
        "options": [(o.text[:500], o.correct) for o in parsed.options],
    }


def _load_practice_exam(importers, report, course_code):
    raw = data.PRACTICE_EXAM.read_bytes()
    bank = importers.parse(raw, data.PRACTICE_EXAM.name)
    if bank.errors:
        raise data.LibraryError(f"practice exam: {bank.errors}")
    category = sync_category(PRACTICE_CATEGORY, report)
    keys = {q.number: f"{PRACTICE_KEY}:{q.number}" for q in bank.questions}
    existing = {
        q.source_key: q
        for q in Question.objects.filter(source_key__in=keys.values()).select_related("category")
    }
    if not existing:
        result = importers.import_file(
            raw, category, filename=data.PRACTICE_EXAM.name, source_key_prefix=PRACTICE_KEY
        )
        report.created.append(f"practice exam: {len(result.created)} questions imported into {category.name}")
    else:
        for parsed in bank.questions:
            key = keys[parsed.number]
            question = existing.get(key)
            if question is not None and question_signature(question) == _parsed_signature(category, parsed):
                report.unchanged.append(f"question {key}")
            else:
                report.kept.append(f"question {key}")

    course = CoursePage.objects.filter(code=course_code).first()
    if course is None:
        report.skipped.append(f"practice quiz (no course {course_code})")
        return None
    count = len(bank.questions)
    fields = {
        "title": bank.title or PRACTICE_TITLE,
        "slug": PRACTICE_SLUG,
        "intro": _rich(f"综合练习课程 1–3 的内容，共 {count} 题，不计入课程完成。"),
        "pass_mark": 80,
        "practice": True,
    }
    children = (
        lambda page: [(d.category_id, d.count) for d in page.random_draws.all()],
        lambda page: setattr(page, "random_draws", [QuizRandomDraw(category=category, count=count)]),
        [(category.pk, count)],
    )
    key = page_key("quiz", "practice")
    quiz_page = find_page(QuizPage, key, QuizPage.objects.child_of(course).filter(slug=PRACTICE_SLUG))
    return _sync_page(course, quiz_page or QuizPage(), fields, report, "practice quiz", children=children, key=key)
