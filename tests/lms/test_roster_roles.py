"""Roster import, onboarding side: roles and e-mail from the roster, dates that do not exist named as such, and
the imported people counted at once by the cockpit and the lead's home."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.access import covered_region_ids
from lms.models import RoleAssignment, StaffProfile
from lms.roles import Role
from lms.roster import apply_plan, plan_import
from lms.signals import staff_imported

HEADER = "工号,姓名,区域,上级区域,岗位,入职日期,状态,电话,邮箱,角色\n"


def csv_bytes(*rows):
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def roles_of(employee_no):
    return set(RoleAssignment.objects.filter(user__profile__employee_no=employee_no)
               .values_list("role", "region__name"))


def lead_scope(cast):
    return covered_region_ids(cast.lead, Role.TRAINING_LEAD)


# --- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell, expected", [
    ("2026-02-30", "2026 年 2 月只有 28 天"),
    ("2025-04-31", "2025 年 4 月只有 30 天"),
    ("2026-13-01", "没有 13 月"),
    ("2026/2/29", "2026 年 2 月只有 28 天"),
    ("2026年2月30日", "2026 年 2 月只有 28 天"),
])
def test_a_date_that_does_not_exist_is_named_as_such_not_as_a_format_error(cast, cell, expected):
    plan = plan_import(csv_bytes(f"T9100,好人,上海区域,,,{cell},,,,"), "r.csv")
    (error,) = plan.errors
    assert "不存在" in error.message and expected in error.message and "格式" not in error.message


def test_text_that_is_not_a_date_says_how_to_write_one(cast):
    (error,) = plan_import(csv_bytes("T9100,好人,上海区域,,,下个月,,,,"), "r.csv").errors
    assert "不是日期" in error.message and "2026-09-01" in error.message


def test_an_impossible_year_is_named(cast):
    (error,) = plan_import(csv_bytes("T9100,好人,上海区域,,,0026-09-01,,,,"), "r.csv").errors
    assert "年份 26" in error.message


@pytest.mark.parametrize("cell, date", [
    ("2024-02-29", datetime.date(2024, 2, 29)),
    ("2026.9.1", datetime.date(2026, 9, 1)),
    ("2026-09-01 00:00:00", datetime.date(2026, 9, 1)),
])
def test_real_dates_in_the_usual_spellings_are_read(cast, cell, date):
    plan = plan_import(csv_bytes(f"T9100,好人,上海区域,,,{cell},,,,"), "r.csv")
    assert plan.ok and plan.rows[0].values["hire_date"] == date


# --- roles ---------------------------------------------------------------------------------------------------


def test_a_new_hire_on_probation_without_a_role_becomes_a_trainee(cast):
    plan = plan_import(csv_bytes("T9101,周小川,上海区域,,上门服务工程师,2026-10-08,试用,,,"), "r.csv")
    assert ("角色", "", "新员工") in plan.rows[0].changes
    apply_plan(plan, user=cast.lead)
    assert roles_of("T9101") == {(Role.TRAINEE, None)}


def test_a_new_regular_employee_without_a_role_gets_none(cast):
    apply_plan(plan_import(csv_bytes("T9102,钱老师,上海区域,,,,转正,,,"), "r.csv"), user=cast.lead)
    assert roles_of("T9102") == set()


def test_roles_come_from_the_role_column_and_region_roles_cover_the_persons_region(cast):
    plan = plan_import(csv_bytes("T9103,孙主管,杭州区域,,,,转正,,,导师、培训主管"), "r.csv",
                       allowed_region_ids=lead_scope(cast))
    assert plan.ok, plan.errors
    apply_plan(plan, user=cast.lead)
    assert roles_of("T9103") == {(Role.MENTOR, None), (Role.TRAINING_SUPERVISOR, "杭州区域")}


def test_a_mentor_on_probation_is_refused(cast):
    (error,) = plan_import(csv_bytes("T9104,新导师,上海区域,,,,试用,,,导师"), "r.csv").errors
    assert "导师必须是已转正的员工" in error.message


@pytest.mark.parametrize("word, message", [
    ("内容编辑", "由系统管理员分配"),
    ("拟任岗位负责人", "由系统管理员分配"),
    ("队长", "未知角色“队长”"),
])
def test_roles_the_roster_may_not_give_are_refused_by_name(cast, word, message):
    (error,) = plan_import(csv_bytes(f"T9105,某人,上海区域,,,,转正,,,{word}"), "r.csv").errors
    assert message in error.message


def test_a_trainee_who_became_a_mentor_loses_the_trainee_role_and_the_preview_says_so(cast):
    plan = plan_import(csv_bytes("T0001,李明轩,上海区域,,,,转正,,,导师"), "r.csv", allowed_region_ids=lead_scope(cast))
    (row,) = plan.rows
    assert row.action == "update" and ("角色", "新员工", "导师") in row.changes
    apply_plan(plan, user=cast.lead)
    assert roles_of("T0001") == {(Role.MENTOR, None)}


def test_an_empty_role_cell_keeps_the_roles(cast):
    plan = plan_import(csv_bytes("T0001,李明轩,上海区域,,,,,,,"), "r.csv")
    assert plan.rows[0].action == "unchanged"
    apply_plan(plan, user=cast.lead)
    assert roles_of("T0001") == {(Role.TRAINEE, None)}


def test_roles_held_for_regions_outside_the_importers_scope_are_left_alone(cast):
    RoleAssignment.objects.create(user=cast.mentor, role=Role.TRAINING_SUPERVISOR, region=cast.org.gz)
    number = cast.mentor.profile.employee_no
    plan = plan_import(csv_bytes(f"{number},王建国,上海区域,,上门服务工程师,,转正,,,导师"), "r.csv",
                       allowed_region_ids=lead_scope(cast))
    apply_plan(plan, user=cast.lead)
    assert roles_of(number) == {(Role.MENTOR, None), (Role.TRAINING_SUPERVISOR, "广州区域")}


def test_a_lead_cannot_take_their_own_training_lead_role_away(cast):
    number = cast.lead.profile.employee_no
    plan = plan_import(csv_bytes(f"{number},lead,华东大区,,,,转正,,,导师"), "r.csv",
                       allowed_region_ids=lead_scope(cast), importer=cast.lead)
    (error,) = plan.errors
    assert "不能通过花名册取消你自己的培训负责人角色" in error.message


# --- e-mail --------------------------------------------------------------------------------------------------


def test_the_email_column_sets_and_changes_the_login_address_listed_in_the_preview(cast):
    apply_plan(plan_import(csv_bytes("T9106,周小川,上海区域,,,,,,zhou@example.cn,"), "r.csv"), user=cast.lead)
    assert StaffProfile.objects.get(employee_no="T9106").user.email == "zhou@example.cn"
    plan = plan_import(csv_bytes("T9106,周小川,上海区域,,,,,,zhou.xc@example.cn,"), "r.csv")
    assert ("邮箱", "zhou@example.cn", "zhou.xc@example.cn") in plan.rows[0].changes
    apply_plan(plan, user=cast.lead)
    assert StaffProfile.objects.get(employee_no="T9106").user.email == "zhou.xc@example.cn"


def test_a_bad_email_address_is_named(cast):
    (error,) = plan_import(csv_bytes("T9107,周小川,上海区域,,,,,,zhou@,"), "r.csv").errors
    assert "邮箱“zhou@”格式不正确" in error.message


# --- what others hear ----------------------------------------------------------------------------------------


def test_applying_tells_the_apps_whom_it_created_or_changed(cast):
    heard = []

    def listener(sender, users, by, record, **kwargs):
        heard.append(({u.username for u in users}, by, record.created))

    staff_imported.connect(listener)
    try:
        apply_plan(plan_import(csv_bytes("T9108,新人,上海区域,,,,,,,", "T0001,李明轩,杭州区域,,,,,,,"), "r.csv"),
                   user=cast.lead)
    finally:
        staff_imported.disconnect(listener)
    assert heard == [({"T9108", "trainee"}, cast.lead, 1)]


def _import_through_the_screens(client, data):
    page = client.post("/people/import/", {"file": SimpleUploadedFile("roster.csv", data)})
    assert page.status_code == 200 and page.context["plan"].ok, page.context["plan"].errors
    return client.post("/people/import/confirm/", {"token": page.context["token"]})


def _lead_panel(client, key):
    home = client.get("/")
    panels = [p for s in home.context["sections"] for p in s.panels if key in p.context]
    return panels[0].context[key]


def test_imported_new_hires_count_at_once_on_the_cockpit_and_the_leads_home(client, cast):
    client.force_login(cast.lead)
    before = client.get("/cockpit/").context["figures"]
    without_mentor = _lead_panel(client, "without_mentor")
    _import_through_the_screens(client, csv_bytes("T9301,新人甲,上海区域,,,2026-10-08,试用,,,",
                                                  "T9302,新人乙,杭州区域,,,2026-10-08,试用,,,"))
    after = client.get("/cockpit/").context["figures"]
    assert after["trainees"] == before["trainees"] + 2
    assert after["without_mentor"] == before["without_mentor"] + 2
    assert _lead_panel(client, "without_mentor") == without_mentor + 2
