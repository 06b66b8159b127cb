"""Roster uploads with bounded work (17.7): a zip bomb or an oversized sheet is refused in Chinese, nothing saved."""

import pytest
from django.core.management import CommandError, call_command

from bench.uploads import ROSTER_HEADER, roster_zip_bomb, xlsx_with_rows
from lms.models import RosterImport
from lms.roster import MAX_ROWS, RosterFileError, plan_import

from .test_roster import snapshot, upload


@pytest.fixture(scope="module")
def zip_bomb():
    return roster_zip_bomb()  # 1,000,000 rows, a few MB packed


def test_the_zip_bomb_is_small_packed_and_huge_unpacked(zip_bomb):
    import io
    import zipfile

    assert len(zip_bomb) < 5 * 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(zip_bomb)) as archive:
        assert sum(part.file_size for part in archive.infolist()) > 100 * 1024 * 1024


def test_a_zip_bomb_roster_is_refused_through_the_screen_and_nothing_is_saved(client, cast, zip_bomb):
    client.force_login(cast.lead)
    before = snapshot()
    html = upload(client, zip_bomb, name="roster.xlsx").content.decode()
    assert "解压后过大" in html
    assert snapshot() == before and not RosterImport.objects.exists()
    assert "roster_import" not in client.session


def test_a_zip_bomb_roster_is_refused_by_the_command(cast, tmp_path, zip_bomb):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(zip_bomb)
    before = snapshot()
    with pytest.raises(CommandError, match="解压后过大"):
        call_command("import_roster", str(path))
    assert snapshot() == before


def test_a_sheet_one_row_over_the_limit_is_refused_without_reading_it_all(cast):
    row = ["T9001", "周小川", "上海区域", "", "", "", "", ""]
    data = xlsx_with_rows(ROSTER_HEADER, row, MAX_ROWS + 1)
    with pytest.raises(RosterFileError) as refused:
        plan_import(data, "roster.xlsx")
    assert str(refused.value) == f"文件超过 {MAX_ROWS} 行。"


def test_a_sheet_that_does_not_state_its_size_is_still_read(cast):
    data = xlsx_with_rows(ROSTER_HEADER, ["T9001", "周小川", "上海区域", "", "", "", "", ""], 1)
    plan = plan_import(data, "roster.xlsx")
    assert plan.ok and [(row.employee_no, row.action) for row in plan.rows] == [("T9001", "create")]
