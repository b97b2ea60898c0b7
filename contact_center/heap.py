"""The garbage collector of a long-running process, set once it has started.

CPython's full collection walks every object the process holds, so a pause grows with the
heap, and a worker (projections, relay, API) holds its start-up objects (modules, settings,
clients, pools) for its whole life. :func:`settle_heap` moves them out of the collector's view
(``gc.freeze``) and lets the youngest generation grow before it is collected, so the batches
of records a worker decodes are swept in fewer, shorter passes. Reference counting frees most
objects anyway; the collector only finds cycles. Measured in docs/projections.md.
"""

from __future__ import annotations

import gc

YOUNGEST = 20_000  # allocations before the youngest generation is collected (CPython: 700)


def settle_heap() -> None:
    """Call once start-up is done (its objects are frozen where they are)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST, older, oldest)
