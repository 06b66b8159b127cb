"""Courses WIN and FIRST and the practice exam meet the item-writing rules (standards_lint)."""

import io
import json

import pytest
from django.core.management import call_command

from courses.standards import data, loader


@pytest.mark.django_db
def test_win_first_and_the_practice_exam_are_within_the_item_writing_rules():
    loader.load_library([c for c in data.load_library() if c["code"] in ("WIN", "FIRST")])
    loader.load_practice_exam(loader.LoadReport())
    for bank in ("WIN", "FIRST", loader.PRACTICE_CATEGORY):
        out = io.StringIO()
        call_command("standards_lint", "--category", bank, "--json", stdout=out)  # CommandError when out of bounds
        (report,) = json.loads(out.getvalue())["categories"]
        assert report["ok"] and report["findings"] == [], bank
        if bank != loader.PRACTICE_CATEGORY:
            assert report["objective"] >= 25 and report["essays"] >= 2, bank
            assert [d["count"] for d in report["draws"]] == [10, 1], bank
