"""Applied/s over a sliding window, read on a controlled clock."""

from __future__ import annotations

from adapters.projection_metrics import ProjectionMeter


def test_the_rate_counts_what_was_applied_in_the_window_and_forgets_older_batches() -> None:
    now = [100.0]
    meter = ProjectionMeter("meter_test_v1", window=10.0, monotonic=lambda: now[0], wall=lambda: 0.0)

    meter.applied(300, 0)
    now[0] += 4
    meter.applied(200, 5)
    assert meter.rate() == 50.0  # 500 events in the last 10 s

    now[0] += 7  # the first batch is 11 s old
    assert meter.rate() == 20.0
    now[0] += 10
    assert meter.rate() == 0.0
