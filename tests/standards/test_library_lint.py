"""The whole shipped library (every course and the practice exam) meets the item-writing rules: `standards_lint`
without --category, as an operator runs it after `load_standards`."""

import io
import json

import pytest
from django.core.management import call_command

from courses.standards import data, loader


@pytest.mark.django_db
def test_standards_lint_passes_on_the_whole_shipped_library():
    call_command("load_standards", stdout=io.StringIO())
    out = io.StringIO()
    call_command("standards_lint", "--json", stdout=out)  # CommandError when any category is out of bounds
    report = json.loads(out.getvalue())
    shipped = {loader.category_names(c)[0]: c["code"] for c in data.load_library()}
    banks = {c["category"]: c for c in report["categories"] if c["category"] in shipped}
    practice = next(c for c in report["categories"] if c["category"] == loader.PRACTICE_CATEGORY)
    assert report["ok"] and set(banks) == set(shipped)
    for name, bank in [*banks.items(), (loader.PRACTICE_CATEGORY, practice)]:
        assert bank["ok"] and bank["findings"] == [], (name, bank["findings"])
    for name, bank in banks.items():
        assert bank["objective"] >= 25 and bank["essays"] >= 2, shipped[name]
        assert bank["clauses_without_question"] == [], shipped[name]
        assert sorted(d["count"] for d in bank["draws"]) == [1, 10], shipped[name]  # 10 objective + 1 written

