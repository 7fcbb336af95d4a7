"""The cyclic garbage collector, off while a command runs.

A run builds millions of small acyclic containers (decoded values, position
tapes, findings): the collector would scan them over and over (a third of a
large run) and free nothing. Turned back on, it would scan them all once more at
the next allocation, since they were all still in its youngest generation (half
a second after a 35,000-document ``graph``): they are moved to its oldest one
first, which it scans only when that has grown by a quarter.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """The collector off inside the block (as it was, after it; nested blocks are no-ops)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()  # everything made meanwhile, out of the young generations (a list splice)
            gc.unfreeze()  # ... into the oldest one
            gc.enable()
