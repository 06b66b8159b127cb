"""The people list and person page go through the access helper."""

from tests.factories import make_person


def test_it_shows_a_person_in_scope(client, cast):
    client.force_login(cast.lead)
    response = client.get(f"/people/{cast.trainee.profile.pk}/")
    assert response.status_code == 200
    assert "李明轩" in response.content.decode()


def test_it_gives_404_for_a_person_out_of_scope(client, cast):
    client.force_login(cast.other_lead)
    response = client.get(f"/people/{cast.trainee.profile.pk}/")
    assert response.status_code == 404
    assert "李明轩" not in response.content.decode()


def test_it_lists_only_people_in_scope(client, cast):
    client.force_login(cast.other_lead)
    html = client.get("/people/").content.decode()
    assert "林嘉怡" in html
    assert "李明轩" not in html


def test_it_searches_by_name_or_employee_number(client, cast):
    client.force_login(cast.lead)
    assert "李明轩" in client.get("/people/?q=T0001").content.decode()
    assert "李明轩" not in client.get("/people/?q=王建国").content.decode()


def test_it_paginates_long_lists(client, cast):
    for i in range(30):
        make_person(f"extra{i}", role="trainee", region=cast.org.sh)
    client.force_login(cast.lead)
    html = client.get("/people/").content.decode()
    assert 'rel="next"' in html
    assert "第 1 页，共 2 页" in html
    assert client.get("/people/?page=2").status_code == 200


# --- filters and exports -------------------------------------------------------

import csv as _csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from mentorship.models import MentorAssignment


def table_names(client, query=""):
    """The names in the list's table (not in the filter form)."""
    import re

    html = client.get("/people/" + query).content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return set(re.findall(r'<a href="/people/\d+/">([^<]+)</a>', body))


def names(client, query=""):
    return table_names(client, query) & {"李明轩", "王建国", "新人甲", "新人乙"}


@pytest.fixture
def cohort(cast):
    a = make_person("a", role="trainee", region=cast.org.hz, post=cast.org.hall, name="新人甲")
    b = make_person("b", role="trainee", region=cast.org.sh, post=cast.org.field, name="新人乙")
    a.profile.hire_date = datetime.date(2026, 10, 8)
    a.profile.save()
    MentorAssignment.objects.create(trainee=b, mentor=cast.mentor)
    return cast


def test_it_filters_by_region_including_sub_regions(client, cohort):
    client.force_login(cohort.lead)
    assert names(client, f"?region={cohort.org.hz.pk}") == {"新人甲"}
    assert names(client, f"?region={cohort.org.east.pk}") == {"李明轩", "王建国", "新人甲", "新人乙"}


def test_it_filters_by_post_status_hire_month_and_mentor(client, cohort):
    client.force_login(cohort.lead)
    assert names(client, f"?post={cohort.org.hall.pk}") == {"新人甲"}
    assert names(client, "?status=regular") == {"王建国"}
    assert names(client, "?hire_month=2026-10") == {"新人甲"}
    assert names(client, f"?mentor={cohort.mentor.pk}") == {"李明轩", "新人乙"}


def test_it_ignores_a_malformed_hire_month_without_error(client, cohort):
    client.force_login(cohort.lead)
    response = client.get("/people/?hire_month=13-2026x")
    assert response.status_code == 200


def test_it_does_not_offer_regions_outside_the_scope(client, cohort):
    client.force_login(cohort.lead)
    html = client.get("/people/").content.decode()
    assert "上海区域" in html and "广州区域" not in html


def test_the_csv_export_equals_the_filtered_screen(client, cohort):
    client.force_login(cohort.lead)
    query = f"?region={cohort.org.sh.pk}"
    rows = list(_csv.reader(io.StringIO(client.get("/people/export.csv" + query).content.decode("utf-8-sig"))))
    assert rows[0] == ["工号", "姓名", "区域", "岗位", "状态", "入职日期", "导师"]
    assert {r[1] for r in rows[1:]} == table_names(client, query)
    assert next(r for r in rows if r[1] == "新人乙")[6] == "王建国"


def test_the_xlsx_export_has_the_chinese_headers_and_only_people_in_scope(client, cohort):
    client.force_login(cohort.other_lead)
    sheet = load_workbook(io.BytesIO(client.get("/people/export.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("工号", "姓名")
    assert {r[1] for r in rows[1:]} == {"林嘉怡", "other_mentor", "other_lead"}


def test_an_unknown_export_format_is_404(client, cohort):
    client.force_login(cohort.lead)
    assert client.get("/people/export.pdf").status_code == 404


def test_the_list_and_export_run_constant_queries(client, cohort, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cohort.lead)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    count("/people/")  # fills the caches every page shares (the region tree)
    small = (count("/people/"), count("/people/export.csv"))
    for i in range(20):
        t = make_person(f"bulk{i}", role="trainee", region=cohort.org.sh, post=cohort.org.field)
        MentorAssignment.objects.create(trainee=t, mentor=cohort.mentor)
    assert (count("/people/"), count("/people/export.csv")) == small


def test_the_printable_record_is_a_pdf_with_the_person_in_it(client, cast):
    from pypdf import PdfReader

    client.force_login(cast.lead)
    response = client.get(f"/people/{cast.trainee.profile.pk}/record.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "李明轩" in text and "T0001" in text and "王建国" in text


def test_the_printable_record_is_404_outside_scope(client, cast):
    client.force_login(cast.other_lead)
    assert client.get(f"/people/{cast.trainee.profile.pk}/record.pdf").status_code == 404
