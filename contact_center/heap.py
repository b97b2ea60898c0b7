"""The garbage collector of a long-running process, set once it has started.

CPython's full collection walks every object the process holds, so a pause grows with the
heap, and a process holds its start-up objects (modules, settings, clients, pools) for its
whole life. :func:`settle_heap` moves them out of the collector's view (``gc.freeze``), then
sets the collector for the kind of work the process does. Reference counting frees most
objects anyway; the collector only finds cycles.

- Workers that apply batches (projections, relay) let the youngest generation grow to 20,000
  allocations before it is collected: the records a batch decodes are swept in fewer, longer
  passes, and a batch is not interrupted by many (measured in docs/projections.md).
- The API process collects the youngest generation at CPython's 700 allocations, so each
  pass, and with it the pause of every request and socket in the process, stays short, and
  runs a full collection a hundred times less often than CPython would (docs/running.md). With
  a 20,000-allocation youngest generation its passes took 20–100 ms at 50 rings/s, long
  enough to show in the screen-pop's p99.
"""

from __future__ import annotations

import gc

BATCH_YOUNGEST = 20_000  # allocations before a batch worker's youngest generation is collected
SERVING_THRESHOLDS = (700, 10, 1000)  # the API process: CPython's first two, full passes rarer


def settle_heap(*, serving: bool = False) -> None:
    """Call once start-up is done (its objects are frozen where they are); ``serving`` for the
    API process, whose requests and sockets each pause holds up."""
    gc.collect()
    gc.freeze()
    if serving:
        gc.set_threshold(*SERVING_THRESHOLDS)
        return
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(BATCH_YOUNGEST, older, oldest)
