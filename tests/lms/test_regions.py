"""The region tree: regions below and above some regions, read in one query."""

from lms.models import Region
from tests.factories import RegionFactory


def test_below_and_above_walk_the_tree_read_once(org, django_assert_num_queries):
    pudong = RegionFactory(code="pd", name="浦东网点", parent=org.sh)  # a region saved: the kept tree is dropped
    with django_assert_num_queries(1):
        tree = Region.tree()
    assert Region.below(tree, [org.east.pk]) == {org.east.pk, org.sh.pk, org.hz.pk, pudong.pk}
    assert Region.below(tree, [org.gz.pk]) == {org.gz.pk}
    assert Region.above(tree, [pudong.pk, org.gz.pk]) == {pudong.pk, org.sh.pk, org.east.pk, org.gz.pk, org.south.pk}
    with django_assert_num_queries(0):  # kept in the cache until a region changes
        assert Region.ids_with_descendants([org.south.pk]) == {org.south.pk, org.gz.pk}


def test_the_kept_tree_follows_a_region_saved_or_deleted(org):
    assert org.sh.pk in Region.tree()
    branch = RegionFactory(code="xh", name="徐汇网点", parent=org.sh)
    assert Region.tree()[branch.pk] == org.sh.pk
    branch.parent = org.hz
    branch.save()
    assert Region.tree()[branch.pk] == org.hz.pk
    pk = branch.pk
    branch.delete()
    assert pk not in Region.tree()
