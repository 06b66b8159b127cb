"""Import question banks from text exports (问卷星 and the like) and Excel.

``parse(data, filename)`` gives a checked ``ParsedBank`` (valid questions, and errors by
question number); ``import_file(path_or_bytes, category, ...)`` writes the valid questions
in one transaction, or nothing when any is invalid (unless ``skip_invalid``).
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .base import MAX_FILE_BYTES, MAX_QUESTIONS, BankTooLarge, ParsedBank, ParsedOption, ParsedQuestion
from .excel import ExcelFormatError, parse_workbook, template_workbook
from .text import parse_text

__all__ = ["MAX_FILE_BYTES", "MAX_QUESTIONS", "ImportError_", "ImportResult", "ParsedBank", "ParsedOption",
           "ParsedQuestion", "import_file", "parse", "template_workbook"]


class ImportError_(ValueError):  # noqa: N801 - avoid shadowing the builtin
    """The file cannot be read at all (as opposed to single invalid questions)."""


def _decode(data):
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportError_(_("The text file is neither UTF-8 nor GBK encoded."))


def parse(data, filename=""):
    """A checked ``ParsedBank`` from file bytes (or text); the kind is chosen by the name or content.

    Raises ``ImportError_`` for a file that cannot be read or holds more than one upload may (``MAX_FILE_BYTES``,
    ``MAX_QUESTIONS``): such a file is refused as a whole, with work bounded by those limits.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportError_(_("The file is larger than %(max)d MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)})
    try:
        if isinstance(data, str):
            return parse_text(data).check()
        if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
            return parse_workbook(data).check()
        return parse_text(_decode(data)).check()
    except (ExcelFormatError, BankTooLarge) as exc:
        raise ImportError_(str(exc)) from exc


@dataclass
class ImportResult:
    bank: ParsedBank
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # question numbers not imported
    imported: bool = False
    category: object = None  # the QuestionCategory imported into (once imported)

    @property
    def ok(self):
        return not self.bank.errors


def category_from_name(name):
    """``"服务规范/文明用语"`` → the sub-category 文明用语 under 服务规范 (created when missing)."""
    from courses.models import QuestionCategory

    parent = None
    for part in [p.strip() for p in name.replace("／", "/").split("/") if p.strip()]:
        parent, _created = QuestionCategory.objects.get_or_create(name=part, defaults={"parent": parent})
    if parent is None:
        raise ImportError_(_("Give a category name."))
    return parent


def _save(question, category, source_key=None):
    from courses.models import Question, QuestionOption

    values = {
        "category": category,
        "type": question.type,
        "stem": question.stem,
        "explanation": question.explanation,
        "reference_answer": question.reference_answer,
        "clause_ids": question.clause_ids,
        "scenario": question.scenario,
    }
    created = True
    if source_key:
        obj, created = Question.objects.update_or_create(source_key=source_key, defaults=values)
        obj.options.all().delete()
    else:
        obj = Question.objects.create(**values)
    QuestionOption.objects.bulk_create(
        QuestionOption(question=obj, text=o.text, correct=o.correct, sort_order=i)
        for i, o in enumerate(question.options)
    )
    return obj, created


def import_file(path_or_bytes, category, *, filename="", skip_invalid=False, dry_run=False, source_key_prefix=None):
    """Parse and import a question bank file into ``category`` (a QuestionCategory or a name).

    Atomic: when any question is invalid nothing is written, unless ``skip_invalid``; with
    ``dry_run`` nothing is ever written. ``source_key_prefix`` makes re-imports update the
    same questions (``<prefix>:<number>``) instead of adding copies — for shipped data.
    """
    if isinstance(path_or_bytes, (str, Path)) and not (isinstance(path_or_bytes, str) and "\n" in path_or_bytes):
        path = Path(path_or_bytes)
        data = path.read_bytes()
        filename = filename or path.name
    else:
        data = path_or_bytes
    bank = parse(data, filename)
    result = ImportResult(bank=bank, skipped=bank.invalid_numbers)
    if dry_run or (bank.errors and not skip_invalid) or not bank.questions:
        return result
    with transaction.atomic():
        if isinstance(category, str):
            category = category_from_name(category)
        for question in bank.questions:
            key = f"{source_key_prefix}:{question.number}" if source_key_prefix else None
            obj, created = _save(question, category, key)
            (result.created if created else result.updated).append(obj)
    result.imported, result.category = True, category
    return result
