"""The timing rule every Python side of `inductive bench` uses, and the JSON they write.

Timing: one warm-up call (for JAX it compiles), then the median of `repeats` timed calls
(the Swift side's `medianSeconds` does the same).

JSON (`--json PATH`): the layout of `inductive bench --json`, so `scripts/bench-compare`
pairs cases by name:
    {"tool", "group", "versions": {...}, "blas": [...], "cases": [{"name", "implementation",
     "median", "unit": "s", "repeats", ...}]}
written atomically (a temporary file in the same folder, renamed over the destination).
"""
import argparse
import json
import os
import tempfile
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


def arguments(description, default_repeats=5):
    """The options every Python side takes: --repeats (as `inductive bench --repeats`) and --json."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=default_repeats,
                        help="timed repetitions per case (the median is reported), as inductive bench --repeats")
    parser.add_argument("--json", help="also write the cases (name, median seconds, repeats) as JSON to this file")
    return parser


def check_repeats(parser, args):
    if not 1 <= args.repeats <= 1000:
        parser.error(f"--repeats must be an integer from 1 to 1000, got {args.repeats}")


def blas_info():
    """The BLAS libraries loaded in this process (threadpoolctl, when installed): name,
    version, OpenBLAS core ("architecture") and thread count."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("internal_api", "version", "architecture", "num_threads", "threading_layer")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


class Recorder:
    """The cases of one run, in the order measured."""

    def __init__(self, tool, group):
        self.tool = tool
        self.group = group
        self.cases = []
        self.versions = {}

    def record(self, name, implementation, seconds, repeats, **extra):
        case = {"name": name, "implementation": implementation, "median": seconds, "unit": "s", "repeats": repeats}
        case.update(extra)
        self.cases.append(case)

    def write(self, path):
        if not path:
            return
        document = {"tool": self.tool, "group": self.group, "versions": self.versions, "blas": blas_info(),
                    "environment": {k: os.environ.get(k) for k in
                                    ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "XLA_FLAGS")},
                    "cases": self.cases}
        write_json_atomically(document, path)


def write_json_atomically(document, path):
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
