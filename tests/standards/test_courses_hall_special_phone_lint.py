"""Courses HALL, SPECIAL and PHONE meet the item-writing rules (standards_lint), test every clause and load
idempotently."""

import io
import json

import pytest
from django.core.management import call_command

from courses.standards import data, loader

CODES = ("HALL", "SPECIAL", "PHONE")


@pytest.mark.django_db
def test_hall_special_and_phone_are_within_the_item_writing_rules_and_load_idempotently():
    courses = [c for c in data.load_library() if c["code"] in CODES]
    loader.load_library(courses)
    for code in CODES:
        out = io.StringIO()
        call_command("standards_lint", "--category", code, "--json", stdout=out)  # CommandError when out of bounds
        (report,) = json.loads(out.getvalue())["categories"]
        assert report["ok"] and report["findings"] == [], (code, report["findings"])
        assert report["objective"] >= 25 and report["essays"] >= 2, code
        assert [d["count"] for d in report["draws"]] == [10, 1], code
        assert report["clauses_without_question"] == [], code
    again = loader.load_library(courses)
    assert (again.created, again.updated, again.retired) == ([], [], [])
