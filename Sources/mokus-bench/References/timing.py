"""The timing rule every reference script uses: one warm-up call, then the median of `repeats` calls
(`warm_up=False` when the caller has just made the warm-up call itself, e.g. to keep its output)."""
import statistics
import time


def median_seconds(function, repeats, warm_up=True):
    if warm_up:
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
