"""The timing rule every reference script uses: one warm-up call, then the median of `repeats` calls."""
import statistics
import time


def median_seconds(function, repeats):
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
