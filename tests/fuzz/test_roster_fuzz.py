"""Roster import (lms/roster.py) under arbitrary files: no server error, a clear message, nothing half-saved."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from lms.models import Post, Region, RoleAssignment, RosterImport, StaffProfile
from lms.roster import COLUMNS, RosterFileError, apply_plan, plan_import

from .conftest import FUZZ, rolled_back

HEADER = list(COLUMNS)
# Cell text: mostly plausible values, sometimes anything at all (control characters, quotes, very long).
cells = st.one_of(
    st.sampled_from(["", "上海区域", "华东大区", "杭州区域", "苏州区域", "上门服务工程师", "试用", "转正", "正式",
                     "2026-09-01", "2026/9/1", "2026年9月1日", "2026-02-30", "T0001", "T9001", "T9001", "周小川",
                     " ", "=1+1", "13800000000", "新员工", "导师", "培训主管、导师", "内容编辑", "zhou@example.cn",
                     "zhou@"]),
    st.text(max_size=40),
    st.text(min_size=60, max_size=200),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=len(HEADER) + 1), max_size=8)


def _csv(header, body, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode(encoding, errors="replace")


def snapshot():
    return (
        list(StaffProfile.objects.order_by("pk").values_list("employee_no", "name", "region_id", "post_id",
                                                               "status", "hire_date", "phone")),
        Region.objects.count(), Post.objects.count(), get_user_model().objects.count(), RosterImport.objects.count(),
        sorted(RoleAssignment.objects.values_list("user_id", "role", "region_id")),
    )


def _check_plan_or_message(data, filename):
    """Planning never writes; it returns a plan whose errors name a row and say what is wrong, or refuses the file."""
    before = snapshot()
    try:
        plan = plan_import(data, filename)
    except RosterFileError as exc:
        assert str(exc).strip()
        plan = None
    assert snapshot() == before
    if plan is not None:
        for error in plan.errors:
            assert error.row >= 2 and error.message.strip()
    return plan


@FUZZ
@given(data=st.binary(max_size=300), filename=st.sampled_from(["r.csv", "r.xlsx", "r.CSV", "r.txt", "r"]))
def test_arbitrary_bytes_are_refused_with_a_message_or_planned(cast, data, filename):
    with rolled_back():
        _check_plan_or_message(data, filename)


@FUZZ
@given(body=rows, header=st.permutations(HEADER), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_a_roster_either_applies_completely_or_not_at_all(cast, body, header, encoding):
    with rolled_back():
        data = _csv(header, body, encoding)
        plan = _check_plan_or_message(data, "roster.csv")
        if plan is None:
            return
        before = snapshot()
        if not plan.ok:
            with pytest.raises(ValueError):
                apply_plan(plan, user=cast.lead)
            assert snapshot() == before
            return
        record = apply_plan(plan, user=cast.lead, filename="roster.csv")
        assert record.created == plan.count("create")
        assert StaffProfile.objects.count() == len(before[0]) + plan.count("create")


@FUZZ
@given(body=rows)
def test_the_upload_page_never_fails_and_saves_nothing(cast, client, body):
    client.force_login(cast.lead)
    with rolled_back():
        before = snapshot()
        upload = SimpleUploadedFile("roster.csv", _csv(HEADER, body, "utf-8"), content_type="text/csv")
        response = client.post("/people/import/", {"file": upload})
        assert response.status_code == 200
        assert snapshot() == before
