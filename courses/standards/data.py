"""Read and check the standards library data (stdlib only, no Django).

One TOML file per course in this folder (``NN_code.toml``), ``programs.toml`` for
certification programmes and ``practice_exam.txt`` (exam-export text) for the
practice quiz. ``load_library()`` returns plain dicts with true/false questions
expanded into two options, so the loader and the tests see one shape.
"""

import re
import tomllib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
CLAUSE_RE = re.compile(r"^([A-Z][A-Z0-9]*)-(\d{2,3})$")
BLOCK_TYPES = {"paragraph", "clause", "phrases", "callout"}
QUESTION_TYPES = {"single", "multiple", "true_false"}
TRUE_FALSE_OPTIONS = ("正确", "错误")
PRACTICE_EXAM = DATA_DIR / "practice_exam.txt"


class LibraryError(ValueError):
    """The shipped data breaks one of the library's rules."""


def course_files(data_dir=DATA_DIR):
    return sorted(p for p in Path(data_dir).glob("[0-9][0-9]_*.toml"))


def _normalise_question(course_code, q):
    where = f"{course_code} question {q.get('key', '?')}"
    for field in ("key", "type", "stem", "explanation", "clauses"):
        if not q.get(field):
            raise LibraryError(f"{where}: missing {field}")
    if q["type"] not in QUESTION_TYPES:
        raise LibraryError(f"{where}: unknown type {q['type']}")
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
