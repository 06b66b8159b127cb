"""Roster import: create/update with a preview, every bad row reported, atomic, scoped."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from lms.access import covered_region_ids
from lms.models import Post, Region, RosterImport, StaffProfile
from lms.roster import apply_plan, plan_import

HEADER = "工号,姓名,区域,上级区域,岗位,入职日期,状态,电话\n"
FULL_HEADER = "工号,姓名,区域,上级区域,岗位,入职日期,状态,电话,邮箱,角色"


def csv_bytes(*rows, encoding="utf-8"):
    return (HEADER + "".join(r + "\n" for r in rows)).encode(encoding)


def xlsx_bytes(*rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot():
    return (
        list(StaffProfile.objects.order_by("pk").values_list("employee_no", "name", "region_id", "post_id", "status")),
        Region.objects.count(), Post.objects.count(), get_user_model().objects.count(),
    )


def test_it_creates_staff_with_accounts_that_have_no_password(cast):
    plan = plan_import(csv_bytes("T9001,周小川,上海区域,,上门服务工程师,2026-10-08,试用,13900000000"), "r.csv")
    assert plan.ok and plan.summary()["create"] == 1
    apply_plan(plan, user=cast.lead, filename="r.csv")
    profile = StaffProfile.objects.get(employee_no="T9001")
    assert profile.name == "周小川" and profile.region == cast.org.sh and profile.post == cast.org.field
    assert not profile.user.has_usable_password()


def test_it_previews_every_change_of_an_existing_person(cast):
    plan = plan_import(csv_bytes("T0001,李明轩,杭州区域,,上门服务工程师,2026-09-01,转正,"), "r.csv")
    (row,) = plan.rows
    assert row.action == "update"
    assert {(label, old, new) for label, old, new in row.changes} >= {
        ("区域", "上海区域", "杭州区域"), ("状态", "试用", "转正"),
    }
    record = apply_plan(plan, user=cast.lead)
    cast.trainee.profile.refresh_from_db()
    assert cast.trainee.profile.region == cast.org.hz
    assert record.updated == 1 and record.imported_by == cast.lead and record.changes[0]["employee_no"] == "T0001"


def test_it_never_touches_the_login_of_an_existing_person(cast):
    before = cast.trainee.password
    apply_plan(plan_import(csv_bytes("T0001,李明轩（新）,上海区域,,,,,"), "r.csv"))
    cast.trainee.refresh_from_db()
    assert cast.trainee.password == before and cast.trainee.username == "trainee"


def test_it_reports_unchanged_rows_as_unchanged(cast):
    plan = plan_import(csv_bytes("T0001,李明轩,上海区域,,上门服务工程师,2026-09-01,试用,"), "r.csv")
    assert plan.rows[0].action == "unchanged"


def test_it_creates_a_new_region_under_a_known_parent_and_new_posts(cast):
    plan = plan_import(csv_bytes("T9002,吴越,苏州区域,华东大区,柜面服务,,,"), "r.csv")
    assert plan.new_regions == ["苏州区域"] and plan.new_posts == ["柜面服务"]
    apply_plan(plan)
    assert Region.objects.get(name="苏州区域").parent == cast.org.east
    assert Post.objects.filter(name="柜面服务").exists()


@pytest.mark.parametrize(
    "row, message",
    [
        (",无工号,上海区域,,,,,", "工号为空"),
        ("T9003,,上海区域,,,,,", "姓名为空"),
        ("T9004,张三,火星区域,,,,,", "未知区域"),
        ("T9005,张三,上海区域,,,2026-13-40,,", "日期"),
        ("T9006,张三,上海区域,,,,实习,", "未知状态"),
        ("T9007," + "长" * 70 + ",上海区域,,,,,", "姓名超过"),
    ],
)
def test_it_reports_each_bad_row_with_its_number_and_imports_nothing(cast, row, message):
    before = snapshot()
    plan = plan_import(csv_bytes("T9100,好人,上海区域,,,,,", row), "r.csv")
    assert not plan.ok
    assert [e.row for e in plan.errors] == [3]
    assert message in plan.errors[0].message
    with pytest.raises(ValueError):
        apply_plan(plan)
    assert snapshot() == before


def test_it_reports_a_duplicate_employee_number_with_both_rows(cast):
    plan = plan_import(csv_bytes("T9200,甲,上海区域,,,,,", "T9200,乙,上海区域,,,,,"), "r.csv")
    assert [(e.row, "第 2 行" in e.message) for e in plan.errors] == [(3, True)]


def test_it_reads_excel_with_real_dates_and_numbers(cast):
    import datetime

    data = xlsx_bytes([9301, "钱多多", "上海区域", None, None, datetime.datetime(2026, 10, 8), "试用", 13911112222])
    plan = plan_import(data, "r.xlsx")
    assert plan.ok
    apply_plan(plan)
    profile = StaffProfile.objects.get(employee_no="9301")
    assert profile.hire_date == datetime.date(2026, 10, 8) and profile.phone == "13911112222"


def test_it_reads_gb18030_csv_from_excel_on_windows(cast):
    plan = plan_import(csv_bytes("T9400,孙悟空,上海区域,,,,,", encoding="gb18030"), "r.csv")
    assert plan.ok and plan.rows[0].name == "孙悟空"


def test_it_refuses_a_file_without_the_required_columns(cast):
    from lms.roster import RosterFileError

    with pytest.raises(RosterFileError):
        plan_import("姓名,电话\n张三,1\n".encode(), "r.csv")


def test_a_lead_cannot_import_outside_their_regions(cast):
    ids = covered_region_ids(cast.lead, "training_lead")
    plan = plan_import(csv_bytes("T9500,林,广州区域,,,,,"), "r.csv", allowed_region_ids=ids)
    assert "不在你的管辖范围" in plan.errors[0].message


def test_a_lead_cannot_rename_or_move_someone_outside_their_regions(cast):
    """The employee number of a person in 广州 (outside the east lead's scope) names no one the lead may touch,
    even when the row's region is inside the lead's scope."""
    cast.other_trainee.profile.employee_no = "G0001"
    cast.other_trainee.profile.save()
    ids = covered_region_ids(cast.lead, "training_lead")
    plan = plan_import(csv_bytes("G0001,改名,上海区域,,,,,"), "r.csv", allowed_region_ids=ids)
    assert not plan.ok and plan.errors[0].row == 2
    assert "管辖范围以外" in plan.errors[0].message and "林嘉怡" not in plan.errors[0].message


def test_an_out_of_scope_row_refuses_the_whole_file_through_the_screen(client, cast):
    cast.other_trainee.profile.employee_no = "G0001"
    cast.other_trainee.profile.save()
    client.force_login(cast.lead)
    before = snapshot()
    html = upload(client, csv_bytes("T9800,新人,上海区域,,,,,", "G0001,改名,上海区域,,,,,")).content.decode()
    assert "管辖范围以外" in html and "roster_import" not in client.session
    assert snapshot() == before
    cast.other_trainee.profile.refresh_from_db()
    assert cast.other_trainee.profile.name == "林嘉怡" and cast.other_trainee.profile.region == cast.org.gz


# --- through the screens -----------------------------------------------------


def upload(client, data, name="roster.csv"):
    return client.post("/people/import/", {"file": SimpleUploadedFile(name, data)})


def test_the_lead_previews_then_confirms(client, cast):
    client.force_login(cast.lead)
    page = upload(client, csv_bytes("T9600,郑和,上海区域,,,,,"))
    html = page.content.decode()
    assert "预览" in html and "T9600" in html
    assert not StaffProfile.objects.filter(employee_no="T9600").exists()
    token = client.session["roster_import"]["token"]
    response = client.post("/people/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert StaffProfile.objects.filter(employee_no="T9600").exists()
    assert RosterImport.objects.get().imported_by == cast.lead


def test_a_person_moved_out_of_the_leads_regions_after_the_preview_is_refused_at_confirm(client, cast):
    # The preview was in scope; before the lead confirms, someone moves the person to 广州. The confirmation checks
    # again and applies nothing.
    profile = cast.trainee.profile
    client.force_login(cast.lead)
    page = upload(client, csv_bytes(f"{profile.employee_no},改名,{profile.region.name},,,,,"))
    assert "预览" in page.content.decode()
    token = client.session["roster_import"]["token"]
    profile.region = cast.org.gz
    profile.save()
    before = snapshot()
    html = client.post("/people/import/confirm/", {"token": token}).content.decode()
    assert "管辖范围以外" in html
    assert snapshot() == before and not RosterImport.objects.exists()
    profile.refresh_from_db()
    assert profile.name != "改名" and profile.region == cast.org.gz


def test_the_screen_lists_bad_rows_and_saves_nothing(client, cast):
    client.force_login(cast.lead)
    before = snapshot()
    html = upload(client, csv_bytes("T9700,甲,火星区域,,,,,")).content.decode()
    assert "未知区域" in html and "没有导入任何数据" in html
    assert snapshot() == before
    assert "roster_import" not in client.session


def test_a_stale_confirmation_imports_nothing(client, cast):
    client.force_login(cast.lead)
    upload(client, csv_bytes("T9800,乙,上海区域,,,,,"))
    response = client.post("/people/import/confirm/", {"token": "forged"}, follow=True)
    assert "预览已过期" in response.content.decode()
    assert not StaffProfile.objects.filter(employee_no="T9800").exists()


@pytest.mark.parametrize("who", ["trainee", "mentor", "supervisor", "editor"])
def test_only_training_leads_may_import(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/people/import/").status_code == 403
    assert client.get("/people/import/template.xlsx").status_code == 403


def test_the_template_downloads_with_the_chinese_headers(client, cast):
    client.force_login(cast.lead)
    response = client.get("/people/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == FULL_HEADER.split(",")


def test_the_template_imports_cleanly(cast):
    from lms.roster import template_workbook

    assert plan_import(template_workbook(), "t.xlsx").ok


# --- command line ------------------------------------------------------------


def test_the_command_dry_run_writes_nothing(cast, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes("T9900,丙,上海区域,,,,,"))
    out = io.StringIO()
    call_command("import_roster", str(path), "--dry-run", stdout=out)
    assert "1 to create" in out.getvalue()
    assert not StaffProfile.objects.filter(employee_no="T9900").exists()
    call_command("import_roster", str(path), stdout=io.StringIO())
    assert StaffProfile.objects.filter(employee_no="T9900").exists()


def test_the_command_fails_on_a_bad_file(cast, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes("T9901,丁,火星区域,,,,,"))
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not StaffProfile.objects.filter(employee_no="T9901").exists()
