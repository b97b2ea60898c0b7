"""The collector settings of the API process and of batch workers (``contact_center/heap.py``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from contact_center.heap import BATCH_YOUNGEST, SERVING_THRESHOLDS, settle_heap


@pytest.fixture
def collector() -> Iterator[None]:
    before = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_api_process_keeps_young_passes_short_and_full_ones_rare(collector: None) -> None:
    gc.set_threshold(700, 10, 10)  # CPython's defaults
    settle_heap(serving=True)
    assert gc.get_threshold() == SERVING_THRESHOLDS == (700, 10, 1000)
    assert gc.get_freeze_count() > 0  # start-up objects out of the collector's view


def test_a_batch_worker_lets_the_youngest_generation_grow(collector: None) -> None:
    gc.set_threshold(700, 10, 10)
    settle_heap()
    assert gc.get_threshold() == (BATCH_YOUNGEST, 10, 10)
    assert gc.get_freeze_count() > 0
