"""A rebuild's partitions dealt over its copy worker processes."""

from __future__ import annotations

from adapters.projection_copy_workers import shares


def test_partitions_are_dealt_round_robin_and_every_one_exactly_once() -> None:
    assert shares([0, 1, 2, 3, 4, 5], 2) == [(0, 2, 4), (1, 3, 5)]
    assert shares([0, 1, 2, 3, 4, 5], 4) == [(0, 4), (1, 5), (2,), (3,)]


def test_never_more_shares_than_partitions_nor_fewer_than_one() -> None:
    assert shares([0, 1], 8) == [(0,), (1,)]
    assert shares([0, 1, 2], 0) == [(0, 1, 2)]
