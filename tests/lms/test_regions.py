"""The region tree: regions below and above some regions, read in one query."""

from lms.models import Region
from tests.factories import RegionFactory


def test_below_and_above_walk_the_tree_read_once(org, django_assert_num_queries):
    pudong = RegionFactory(code="pd", name="浦东网点", parent=org.sh)
    with django_assert_num_queries(1):
        tree = Region.tree()
    assert Region.below(tree, [org.east.pk]) == {org.east.pk, org.sh.pk, org.hz.pk, pudong.pk}
    assert Region.below(tree, [org.gz.pk]) == {org.gz.pk}
    assert Region.above(tree, [pudong.pk, org.gz.pk]) == {pudong.pk, org.sh.pk, org.east.pk, org.gz.pk, org.south.pk}
    with django_assert_num_queries(1):
        assert Region.ids_with_descendants([org.south.pk]) == {org.south.pk, org.gz.pk}
