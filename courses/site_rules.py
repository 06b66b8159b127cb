"""The organisation's own values for rules the seeds disagree on (arrive 10 or 15 minutes early; answer
within 3 or 4 rings), and how lessons and questions use them.

- In any lesson or question text, ``[[arrive_early_minutes]]`` stands for the organisation's value.
- A *rule question* (``Question.site_rule``) asks for the value: its options are ``option_template``
  filled with the value (the key) and with the other ``rule_candidates`` nearest to it (the distractors),
  so the key moves when the setting moves and never collides with a distractor.

``SiteRules`` (the Wagtail setting in ``courses.models``) holds the values; ``current_rules()`` reads them
once per call site and gives a plain dict, so snapshots and templates never query per token.
"""

import re

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

# name → (label, default); the names are the fields of ``courses.models.SiteRules``.
RULES = {
    "arrive_early_minutes": (_("minutes early to be at one's post"), 10),
    "answer_within_rings": (_("rings before the phone is answered"), 3),
}
SITE_RULE_CHOICES = [(name, label) for name, (label, _default) in RULES.items()]
TOKEN = re.compile(r"\[\[(\w+)\]\]")
OPTIONS_PER_RULE_QUESTION = 4


def current_rules(request=None):
    """``{rule name: value}`` from the organisation's setting (defaults before anyone has saved it);
    read once per ``request`` when one is given."""
    from .models import SiteRules

    setting = SiteRules.load(request_or_site=request)
    return {name: getattr(setting, name) for name in RULES}


def rules_column():
    """The SQL face of ``current_rules``: a JSON object ``{rule name: value}`` (the saved setting's values, the
    defaults before anyone has saved it), to read as a column of another query (the lesson page's outline)."""
    from django.db.models import Subquery, Value
    from django.db.models.functions import Coalesce, JSONObject

    from .models import SiteRules

    setting = SiteRules.objects.order_by("pk")  # the row ``SiteRules.load`` reads: the first
    return JSONObject(**{name: Coalesce(Subquery(setting.values(name)[:1]), Value(default))
                         for name, (_label, default) in RULES.items()})


def fill(text, rules=None):
    """``text`` with every ``[[rule]]`` token replaced by the organisation's value; unknown tokens stay."""
    if "[[" not in (text or ""):
        return text
    rules = rules if rules is not None else current_rules()
    return TOKEN.sub(lambda m: str(rules[m.group(1)]) if m.group(1) in rules else m.group(0), text)


def fill_html(html, rules):
    """``fill`` for rendered HTML: the values are escaped (``html`` is trusted markup)."""
    return fill(html, {name: escape(value) for name, value in rules.items()})


def parse_candidates(text):
    values = []
    for part in str(text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(part)
        values.append(int(part))
    return values


def rule_question_problems(type, candidates, template):
    """What stops a rule question from building its options (empty when it can)."""
    from .models import Question

    problems = []
    if type != Question.Type.SINGLE:
        problems.append(_("A question on the site's rule is a single-choice question."))
    try:
        values = parse_candidates(candidates)
    except ValueError:
        problems.append(_("Give the values offered as whole numbers separated by commas."))
        values = []
    if len(set(values)) < OPTIONS_PER_RULE_QUESTION:
        problems.append(_("Offer at least %(n)d different values.") % {"n": OPTIONS_PER_RULE_QUESTION})
    if "{}" not in (template or ""):
        problems.append(_("Write the option wording with {} where the number goes."))
    return problems


def rule_options(rule, candidates, template, rules):
    """``[(text, correct)]`` for a rule question: the site's value and the nearest other values, in
    ascending order (the engine shuffles them when the quiz shuffles options)."""
    value = rules[rule]
    others = sorted({v for v in parse_candidates(candidates) if v != value}, key=lambda v: (abs(v - value), v))
    chosen = sorted([value, *others[: OPTIONS_PER_RULE_QUESTION - 1]])
    return [(template.replace("{}", str(v)), v == value) for v in chosen]
