"""Process-wide settings for a long-running server worker (called from deploy/gunicorn.conf.py)."""

import gc

# Python's cycle collector runs every 700 new container objects (tuples and rows included) and then
# walks every object the app holds: on the school overview (16,000 rows for 2,000 pupils) that was
# half the server time. Collect less often, and never re-walk what start-up loaded.
GC_THRESHOLDS = (10_000, 50, 100)


def tune_garbage_collector() -> None:
    """Call once the app is loaded: start-up objects move out of the collector's way (gc.freeze),
    which also keeps forked workers' memory pages shared, and collections run less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
