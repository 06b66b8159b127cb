"""count_each(): several counts, one query."""

import pytest
from django.contrib.auth import get_user_model

from lms.counting import count_each
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
