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


def _in_region(*, region_id):
    return StaffProfile.objects.filter(region_id=region_id)


def _hired_by(*, region_ids, day):
    return StaffProfile.objects.filter(region_id__in=region_ids, hire_date__lte=day).values(
        j=JSONObject(no="employee_no")).order_by("employee_no")


def test_a_read_counts_and_reads_first_like_its_queryset_compiled_once_per_shape(cast, django_assert_num_queries):
    import datetime

    from lms import counting

    regions = list(Region.objects.all())
    days = [datetime.date(2000, 1, 1), datetime.date(2026, 1, 1), datetime.date(2100, 1, 1)]
    StaffProfile.objects.filter(pk=StaffProfile.objects.order_by("pk").first().pk).update(hire_date=days[1])
    seen = []
    for region in regions:
        for day in days:
            ids = [region.pk, regions[0].pk]
            first = _hired_by(region_ids=ids, day=day).first()
            with django_assert_num_queries(1):
                values = read_each(counts={"n": counting.Read(_in_region, region_id=region.pk)},
                                   firsts={"first": counting.Read(_hired_by, region_ids=ids, day=day)})
            assert values == {"n": _in_region(region_id=region.pk).count(), "first": first and first["j"]}
            seen.append((values["n"], str(values["first"])))
    assert len(set(seen)) > 2  # the values did change the answers
    kept = [key for key in counting._compiled if key[1] in (_in_region, _hired_by)]
    assert len(kept) == 2  # one compiled column per builder and shape, whatever the values
    read_each(firsts={"first": counting.Read(_hired_by, region_ids=[regions[0].pk], day=days[0])})
    assert len([key for key in counting._compiled if key[1] is _hired_by]) == 2  # one more list length: one more


def test_a_read_refuses_a_closure_and_a_value_the_sql_would_transform(db):
    from django.core.exceptions import ImproperlyConfigured

    from lms.counting import Read

    code = "east"
    with pytest.raises(ImproperlyConfigured):
        Read(lambda: Region.objects.filter(code=code))
    with pytest.raises(ImproperlyConfigured):
        read_each(counts={"n": Read(_code_starts, prefix="ea")})


def _code_starts(*, prefix):
    return Region.objects.filter(code__startswith=prefix)
