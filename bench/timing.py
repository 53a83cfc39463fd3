"""The timing rule every Python side of `inductive bench` uses: one warm-up call, then the
median of `repeats` timed calls (the Swift side's `medianSeconds` does the same)."""
import time


def median_seconds(repeats, body):
    body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]
