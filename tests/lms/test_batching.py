"""Deferred work of bulk writes (lms.batching): once per key at the end of the block, at once outside one."""

import pytest

from lms import batching


def test_outside_a_block_the_work_runs_at_once():
    done = []
    batching.defer("k", done.append, {1, 2})
    assert done == [{1, 2}]


def test_inside_a_block_the_work_runs_once_at_its_end_with_every_item_and_nested_blocks_join_it():
    done = []
    with batching.collecting():
        batching.defer("k", lambda items: done.append(sorted(items)), [1, 2])
        with batching.collecting():
            batching.defer("k", lambda items: done.append(sorted(items)), [2, 3])
        assert done == []
    assert done == [[1, 2, 3]]


def test_a_block_that_raises_runs_nothing():
    done = []
    with pytest.raises(ValueError), batching.collecting():
        batching.defer("k", done.append, [1])
        raise ValueError
    assert done == []
    batching.defer("k", done.append, [2])
    assert done == [[2]]
