"""count_each(): several counts, one query."""

import pytest
from django.contrib.auth import get_user_model

from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject

from lms.counting import JSONList, count_each, read_each
from lms.models import Region, StaffProfile


def test_it_counts_each_queryset_in_one_query(cast, django_assert_num_queries):
    users = get_user_model().objects.all()
    querysets = {
        "staff": StaffProfile.objects.all(),
        "in_east": StaffProfile.objects.filter(region__parent__code="east"),
        "nobody": users.filter(username="没有这个人"),
        "regions": Region.objects.filter(parent__isnull=True),
    }
    expected = {name: qs.count() for name, qs in querysets.items()}
    assert expected["staff"] > expected["in_east"] > 0 and expected["nobody"] == 0
    with django_assert_num_queries(1):
        assert count_each(**querysets) == expected


def test_it_counts_an_empty_table_as_zero_next_to_others(db):
    assert count_each(regions=Region.objects.all(), users=get_user_model().objects.all()) == {"regions": 0, "users": 0}
    assert count_each() == {}


def test_it_refuses_querysets_of_different_databases(db):
    with pytest.raises(ValueError):
        count_each(a=Region.objects.using("default"), b=Region.objects.using("other"))


def test_it_reads_first_values_with_the_counts_in_one_query(cast, django_assert_num_queries):
    profiles = StaffProfile.objects.order_by("employee_no")
    first = profiles.first()
    with django_assert_num_queries(1):
        values = read_each(
            counts={"staff": StaffProfile.objects.all()},
            firsts={"first": profiles.values(j=JSONObject(no="employee_no", region="region__code")),
                    "none": profiles.filter(employee_no="没有").values(j=JSONObject(no="employee_no"))},
        )
    assert values == {"staff": StaffProfile.objects.count(), "none": None,
                      "first": {"no": first.employee_no, "region": first.region.code}}


def test_a_json_list_carries_the_rows_of_a_subquery_with_each_row(cast):
    children = Region.objects.filter(parent_id=OuterRef("pk")).order_by().annotate(
        j=JSONList(JSONObject(code="code"))).values("j")
    rows = Region.objects.annotate(kids=Subquery(children)).order_by("code")
    for region in rows:
        expected = sorted(Region.objects.filter(parent=region).values_list("code", flat=True))
        assert sorted(c["code"] for c in region.kids or []) == expected
    assert any(r.kids for r in rows)
