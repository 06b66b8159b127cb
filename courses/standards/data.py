"""Read and check the standards library data (stdlib only, no Django).

One TOML file per course in this folder (``NN_code.toml``), ``programs.toml`` for
certification programmes and ``practice_exam.txt`` (exam-export text) for the
practice quiz. ``load_library()`` returns plain dicts with true/false questions
expanded into two options (essays and rule questions get none), so the loader and the
tests see one shape. The question format is described in ``README.md``.
"""

import re
import tomllib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
CLAUSE_RE = re.compile(r"^([A-Z][A-Z0-9]*)-(\d{2,3})$")
BLOCK_TYPES = {"paragraph", "clause", "phrases", "callout"}
QUESTION_TYPES = {"single", "multiple", "true_false", "essay"}
TRUE_FALSE_OPTIONS = ("正确", "错误")
PRACTICE_EXAM = DATA_DIR / "practice_exam.txt"
# The organisation's rules a question may ask for: the fields of ``courses.models.SiteRules`` (kept equal to
# ``courses.site_rules.RULES`` by a test; this module stays free of Django).
SITE_RULES = ("arrive_early_minutes", "answer_within_rings")
RULE_OPTIONS = 4  # ``courses.site_rules.OPTIONS_PER_RULE_QUESTION``
MARKING_POINTS = (2, 5)
COMMON_FIELDS = {"key", "type", "scenario", "stem", "clauses", "explanation"}
FIELDS = {
    "choice": COMMON_FIELDS | {"options"},
    "true_false": COMMON_FIELDS | {"answer"},
    "essay": COMMON_FIELDS | {"reference_answer", "points"},
    "rule": COMMON_FIELDS | {"site_rule", "rule_candidates", "option_template"},
}
QUIZ_FIELDS = {"title", "intro", "draw", "essays", "pass_mark", "attempts"}


class LibraryError(ValueError):
    """The shipped data breaks one of the library's rules."""


def course_files(data_dir=DATA_DIR):
    return sorted(p for p in Path(data_dir).glob("[0-9][0-9]_*.toml"))


def question_kind(q):
    """``choice``, ``true_false``, ``essay`` or ``rule`` (a single choice built from the site's setting)."""
    if q.get("site_rule"):
        return "rule"
    if q["type"] in ("true_false", "essay"):
        return q["type"]
    return "choice"


def is_objective(q):
    """Scored automatically (everything but a written answer)."""
    return q["type"] != "essay"


def _check_rule_question(where, q):
    if q["type"] != "single":
        raise LibraryError(f"{where}: a rule question (site_rule) is a single-choice question")
    if q["site_rule"] not in SITE_RULES:
        raise LibraryError(f"{where}: unknown site_rule {q['site_rule']} (one of {', '.join(SITE_RULES)})")
    candidates = q.get("rule_candidates") or []
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in candidates):
        raise LibraryError(f"{where}: rule_candidates are whole numbers")
    if len(set(candidates)) < RULE_OPTIONS:
        raise LibraryError(f"{where}: rule_candidates needs at least {RULE_OPTIONS} different values")
    if "{}" not in (q.get("option_template") or ""):
        raise LibraryError(f"{where}: option_template needs {{}} where the number goes")
    q["options"] = []


def _check_essay(where, q):
    if not str(q.get("reference_answer", "")).strip():
        raise LibraryError(f"{where}: an essay needs reference_answer (参考话术)")
    points = q.get("points") or []
    low, high = MARKING_POINTS
    if not (low <= len(points) <= high and all(isinstance(p, str) and p.strip() for p in points)):
        raise LibraryError(f"{where}: an essay needs {low}-{high} marking points (points)")
    q.setdefault("explanation", "")
    q["options"] = []


def _normalise_question(course_code, q):
    where = f"{course_code} question {q.get('key', '?')}"
    required = ("key", "type", "stem", "clauses") + (() if q.get("type") == "essay" else ("explanation",))
    for name in required:
        if not q.get(name):
            raise LibraryError(f"{where}: missing {name}")
    if q["type"] not in QUESTION_TYPES:
        raise LibraryError(f"{where}: unknown type {q['type']}")
    if not q["key"].startswith(f"{course_code}-"):
        raise LibraryError(f"{where}: the keys of course {course_code} start with {course_code}-")
    kind = question_kind(q)
    unknown = set(q) - FIELDS[kind]
    if unknown:
        raise LibraryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} for a {kind} question")
    if not isinstance(q.get("scenario", False), bool):
        raise LibraryError(f"{where}: scenario = true|false")
    q["scenario"] = q.get("scenario", False)
    if kind == "rule":
        _check_rule_question(where, q)
        return q
    if kind == "essay":
        _check_essay(where, q)
        return q
    if q["type"] == "true_false":
        if not isinstance(q.get("answer"), bool):
            raise LibraryError(f"{where}: true/false needs answer = true|false")
        q["options"] = [
            {"text": TRUE_FALSE_OPTIONS[0], "correct": q["answer"]},
            {"text": TRUE_FALSE_OPTIONS[1], "correct": not q["answer"]},
        ]
    options = q.get("options") or []
    for o in options:
        o.setdefault("correct", False)
    correct = sum(1 for o in options if o["correct"])
    if len(options) < 2 or correct == 0:
        raise LibraryError(f"{where}: needs at least two options and a correct one")
    if q["type"] == "single" and correct != 1:
        raise LibraryError(f"{where}: single choice needs exactly one correct option")
    if q["type"] == "multiple" and correct < 2:
        raise LibraryError(f"{where}: multiple choice needs at least two correct options")
    return q


def _check_quiz(course):
    code, quiz = course["code"], course.get("quiz")
    if not quiz or not quiz.get("title"):
        raise LibraryError(f"{code}: a course needs [quiz] with a title")
    unknown = set(quiz) - QUIZ_FIELDS
    if unknown:
        raise LibraryError(f"{code}: unknown [quiz] field(s) {', '.join(sorted(unknown))}")
    quiz.setdefault("draw", 10)
    quiz.setdefault("essays", 0)
    objective = sum(1 for q in course["questions"] if is_objective(q))
    essays = len(course["questions"]) - objective
    if not 1 <= quiz["draw"] <= objective:
        raise LibraryError(f"{code}: [quiz] draw = {quiz['draw']} but the bank has {objective} objective questions")
    if not 0 <= quiz["essays"] <= essays:
        raise LibraryError(f"{code}: [quiz] essays = {quiz['essays']} but the bank has {essays} essays")


def load_course(path):
    with open(path, "rb") as fh:
        course = tomllib.load(fh)
    code = course["code"]
    if not course.get("lessons") or not 2 <= len(course["lessons"]) <= 4:
        raise LibraryError(f"{code}: a course has 2-4 lessons")
    clauses = []
    for lesson in course["lessons"]:
        for block in lesson["blocks"]:
            if block["type"] not in BLOCK_TYPES:
                raise LibraryError(f"{code}: unknown block type {block['type']}")
            if block["type"] == "clause":
                m = CLAUSE_RE.match(block["id"])
                if not m or m.group(1) != code:
                    raise LibraryError(f"{code}: clause id {block['id']} must look like {code}-NN")
                clauses.append({**block, "lesson": lesson["slug"]})
    course["clauses"] = clauses
    course["questions"] = [_normalise_question(code, q) for q in course.get("questions", [])]
    _check_quiz(course)
    return course


def load_library(data_dir=DATA_DIR):
    """All courses in order; raises LibraryError on duplicate ids/keys or dangling clause refs."""
    courses = sorted((load_course(p) for p in course_files(data_dir)), key=lambda c: c["order"])
    seen_clauses, seen_keys, seen_codes = {}, set(), set()
    for course in courses:
        if course["code"] in seen_codes:
            raise LibraryError(f"duplicate course code {course['code']}")
        seen_codes.add(course["code"])
        for clause in course["clauses"]:
            if clause["id"] in seen_clauses:
                raise LibraryError(f"duplicate clause id {clause['id']}")
            seen_clauses[clause["id"]] = course["code"]
    for course in courses:
        for q in course["questions"]:
            if q["key"] in seen_keys:
                raise LibraryError(f"duplicate question key {q['key']}")
            seen_keys.add(q["key"])
            for cid in q["clauses"]:
                if cid not in seen_clauses:
                    raise LibraryError(f"{q['key']} tests unknown clause {cid}")
    return courses


def load_programs(data_dir=DATA_DIR):
    with open(Path(data_dir) / "programs.toml", "rb") as fh:
        return tomllib.load(fh)["programs"]


def coverage(courses):
    """{clause_id: [question keys]} over the whole library, in clause order."""
    result = {c["id"]: [] for course in courses for c in course["clauses"]}
    for course in courses:
        for q in course["questions"]:
            for cid in q["clauses"]:
                result[cid].append(q["key"])
    return result
