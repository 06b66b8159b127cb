"""What every importer produces: a parsed bank, checked question by question."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Bounds on what one upload may hold (issue 17.7): a bank is refused, not truncated, past them.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 1000
MAX_TEXT = {"stem": 2000, "explanation": 2000, "reference_answer": 4000}
MAX_OPTION = 500  # QuestionOption.text


class BankTooLarge(ValueError):
    """The file holds more than one upload may: refused as a whole."""


def too_many_questions():
    return _("The file holds more than %(max)d questions: split it into smaller files.") % {"max": MAX_QUESTIONS}


@dataclass
class ParsedOption:
    label: str
    text: str
    correct: bool = False


@dataclass
class ParsedQuestion:
    number: int
    type: str  # single | multiple | true_false | essay, or "" when unknown
    type_word: str = ""  # the type as written in the file, for messages
    stem: str = ""
    options: list = field(default_factory=list)
    explanation: str = ""
    reference_answer: str = ""
    clause_ids: str = ""
    scenario: bool = False  # a situation to act on (情境题), marked [情境] after the type

    def clause_id_list(self):
        return [c.strip() for c in self.clause_ids.replace("，", ",").split(",") if c.strip()]

    @property
    def type_label(self):
        """The type as the question bank names it (单选题…), or as the file wrote it when unknown."""
        from courses.models import Question

        return Question.Type(self.type).label if self.type in Question.Type.values else self.type_word

    def problems(self):
        """Why this question cannot be imported (empty when it can)."""
        if not self.type:
            if self.type_word:
                return [_("unknown question type “%(type)s”") % {"type": self.type_word}]
            return [_("no question type (such as [单选题]) after the question")]
        problems = []
        if not self.stem:
            problems.append(_("the question text is empty"))
        for name, label in (("stem", _("the question text")), ("explanation", _("the explanation")),
                            ("reference_answer", _("the reference answer"))):
            if len(getattr(self, name)) > MAX_TEXT[name]:
                problems.append(
                    _("%(what)s is longer than %(max)d characters") % {"what": label, "max": MAX_TEXT[name]}
                )
        if self.type == "essay":
            return problems
        correct = [o for o in self.options if o.correct]
        if not self.options:
            problems.append(_("no options"))
        elif any(not o.text for o in self.options):
            problems.append(_("option %(label)s is empty") % {"label": next(o.label for o in self.options if not o.text)})
        long = [o.label for o in self.options if len(o.text) > MAX_OPTION]
        if long:
            problems.append(
                _("option %(label)s is longer than %(max)d characters") % {"label": long[0], "max": MAX_OPTION}
            )
        if self.options and not correct:
            problems.append(_("no correct answer"))
        if self.type == "single" and len(correct) > 1:
            problems.append(_("a single-choice question has %(count)d correct answers") % {"count": len(correct)})
        if self.type == "true_false":
            if self.options and len(self.options) != 2:
                problems.append(_("a true/false question needs exactly two options"))
            elif len(correct) > 1:
                problems.append(_("a true/false question has two correct answers"))
        if self.type == "multiple" and len(self.options) < 2 and self.options:
            problems.append(_("a multiple-choice question needs at least two options"))
        return problems

    @property
    def answer(self):
        """True/false only: whether the statement is true (the correct option says 对/正确, or is A)."""
        from .text import FALSE_WORDS, TRUE_WORDS

        correct = [o for o in self.options if o.correct]
        if not correct:
            return False
        text = correct[0].text.strip()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        return correct[0].label == "A"

    def as_dict(self):
        data = {
            "number": self.number,
            "type": self.type,
            "stem": self.stem,
            "options": [{"label": o.label, "text": o.text, "correct": o.correct} for o in self.options],
            "explanation": self.explanation,
        }
        if self.type == "true_false":
            data["answer"] = self.answer
        if self.type == "essay":
            data["reference_answer"] = self.reference_answer
        return data


@dataclass
class ParsedBank:
    title: str = ""
    questions: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # file-level: {"number", "message"}

    def check(self):
        """Move invalid questions to ``errors`` (one entry per problem, with the question number)."""
        valid, errors = [], [e for e in self.errors if e["message"] != "missing_number"]
        for e in self.errors:
            if e["message"] == "missing_number":
                errors.append({"number": e["number"], "message": _("question number %(number)d not found")
                               % {"number": e["number"]}})
        for q in self.questions:
            problems = q.problems()
            if problems:
                errors.extend({"number": q.number, "message": p} for p in problems)
            else:
                valid.append(q)
        self.questions = valid
        self.errors = sorted(errors, key=lambda e: e["number"])
        return self

    @property
    def invalid_numbers(self):
        return sorted({e["number"] for e in self.errors})

    def as_dict(self):
        return {"title": self.title, "questions": [q.as_dict() for q in self.questions], "errors": self.errors}
