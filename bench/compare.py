"""The one-command comparison of `inductive bench` with its Python peers (scripts/bench-compare).

Steps, in one sitting:
1. Python environments, made once in a git-ignored folder (default .bench-env/ in the
   repository) from the pinned requirements under bench/:
   - main: NumPy + JAX (float64, jit) + PySINDy (bench/requirements-main.txt);
   - nt:   neural-tangents 0.6.5 on jax/jaxlib 0.4.25, numpy < 2, tf2jax 0.3.6
           (bench/requirements-nt.txt).
   An environment is remade when its requirement lines or the Python interpreter change.
   One that cannot be installed is recorded as failed (reason kept, not retried until the
   requirements change or --retry-env); its rows say "peer unavailable: <reason>".
2. The release binary: `swift build -c release --product inductive` (a no-op when up to date).
3. For each group (tensor, autodiff, ntk, sindy, symmetry): `inductive bench --group G
   --json ...`, then right after it the Python counterpart with the same --repeats (bench/
   foundation.py, autodiff.py, ntk.py, sindy_lorenz.py; symmetry has none). Both sides time
   one warm-up call (JAX's compile) and report the median of the timed calls.
4. The table of the issue (workload | Inductive | peer | ratio | goal | met?), printed and
   written as JSON atomically (default .bench-results/compare-<UTC time>.json; the path is
   printed). ratio = peer time / Inductive time (for matmul: Inductive GFLOP/s / peer's).

Same threads both sides: OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = MKL_NUM_THREADS = --threads
(default: the CPUs this process may run on); below that count every benchmark process is
pinned to --threads CPUs (os.sched_setaffinity in the child before it starts, one logical CPU
per physical core first, so 2 threads do not share one core's hyperthreads). The affinity is
the real control of the threads nobody reads those variables for: Swift's own work splitting
(sized by the CPUs it may run on) and XLA's thread pool. With 1 thread XLA's multi-threaded
Eigen is also switched off (--xla_cpu_multi_thread_eigen=false). Where the affinity cannot be
set (no sched_setaffinity), --threads below the available count is refused. The JSON records
the CPUs applied (settings.affinity).
Same OpenBLAS kernels for the NumPy/SciPy rows (and neural-tangents' eigendecomposition,
through SciPy's LAPACK): OPENBLAS_CORETYPE as given (--coretype, else the environment's), else
the core `inductive info` calls best for this CPU (NumPy's own OpenBLAS reads the same
variable; the JSON records the core each side ran). The JAX rows (MLP step and HVP, empirical
and analytic NTK) run XLA's own CPU kernels (Eigen / oneDNN), not OpenBLAS: they compare
different GEMM kernels whatever the core type. The GD-MSE row of neural-tangents runs eagerly
(op by op, its predictor is not jit-compiled as a whole); its eigendecomposition dominates.

Regression tracking: --baseline FILE (an earlier JSON of this script) adds a column with
each ratio's change against that run's, and a row whose ratio fell by more than --tolerance
(default 25 %) counts as a regression. Ratios, not times: the peer timed in the same sitting
cancels much of the machine's speed and load, but on a busy machine even ratios move by 2x,
so compare runs made on a quiet machine.

Exit status: 0 every row measured and every goal met; 1 every row measured, a goal missed;
2 a row could not be measured (peer unavailable or a benchmark failed; the table shows
why); 3 the release binary could not be built or run; 4 (with --baseline, instead of 0 or
1) a ratio regressed; 64 bad arguments.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from timing import write_json_atomically  # noqa: E402  (bench/timing.py)

ENVIRONMENTS = {
    "main": {"requirements": "requirements-main.txt", "smoke": "import numpy, scipy, jax, pysindy, threadpoolctl",
             "what": "NumPy + JAX + PySINDy"},
    "nt": {"requirements": "requirements-nt.txt", "smoke": "import numpy, jax, neural_tangents",
           "what": "neural-tangents 0.6.5 on JAX 0.4.25"},
}

# group -> (Python script, environment, extra arguments); None: no Python counterpart.
GROUPS = {
    "tensor": ("foundation.py", "main"),
    "autodiff": ("autodiff.py", "main"),
    "ntk": ("ntk.py", "nt"),
    "sindy": ("sindy_lorenz.py", "main"),
    "symmetry": None,
}

# The table: workload, group, case name, peer implementation, peer label, goal (minimum
# ratio peer time / Inductive time), goal text, how to show the value.
ROWS = [
    ("matmul 1024", "tensor", "matmul.1024", "numpy", "NumPy", 1.0, "≥ NumPy", ("gflops", 2 * 1024 ** 3)),
    ("exp 1e7", "tensor", "exp.1e7", "numpy", "NumPy", 1.5, "≥ 1.5× NumPy", None),
    ("MLP step 784-512-512-10 b128", "autodiff", "mlp.step", "numpy", "NumPy", 1.0, "keep ≥ NumPy", None),
    ("MLP step 784-512-512-10 b128", "autodiff", "mlp.step", "jax", "JAX", 1.0, "keep ≥ JAX", None),
    ("Hessian-vector product, same MLP", "autodiff", "mlp.hvp", "jax", "JAX", 1.3, "≥ 1.3× JAX", None),
    ("empirical NTK 256² (64-512-512-1)", "ntk", "ntk.empirical.256", "neural-tangents", "nt", 3.0, "≥ 3×", None),
    ("empirical NTK 1024²", "ntk", "ntk.empirical.1024", "neural-tangents", "nt", 3.0, "≥ 3×", None),
    ("analytic NTK+NNGP 2000², depth 3", "ntk", "ntk.analytic.2000", "neural-tangents", "nt", 5.0, "≥ 5×", None),
    ("GD-MSE predictions (1000/500/10 times)", "ntk", "ntk.gd-mse", "neural-tangents", "nt", 2.0, "≥ 2×", None),
    ("SINDy Lorenz 50k", "sindy", "sindy.lorenz", "pysindy", "PySINDy", 10.0, "keep ≥ 10×", None),
]

LORENZ_SAMPLES = 50_000


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"bench-compare: error: {message}", file=sys.stderr)
        sys.exit(64)


def parse(argv):
    parser = Parser(prog="scripts/bench-compare", description=__doc__.split("\n\n")[0],
                    epilog="Exit status: 0 all goals met; 1 a goal missed; 2 a row not measured; "
                           "3 the release binary failed; 4 a ratio regressed against --baseline; 64 bad arguments.")
    parser.add_argument("--out", help="the JSON file to write (default .bench-results/compare-<UTC time>.json)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed runs per case on both sides (autodiff: 4x for the step, 2x for the HVP, both sides)")
    parser.add_argument("--threads", type=int, help="threads for both sides (default: the CPUs available)")
    parser.add_argument("--groups", default=",".join(GROUPS), help="comma-separated subset of " + ",".join(GROUPS))
    parser.add_argument("--env-dir", default=os.path.join(REPO, ".bench-env"), help="where the Python environments live")
    parser.add_argument("--python", help="the interpreter the environments are made from (default python3.11, else python3)")
    parser.add_argument("--retry-env", action="store_true", help="retry installing an environment that failed before")
    parser.add_argument("--no-python", action="store_true", help="run the Swift side only (rows show no peer)")
    parser.add_argument("--coretype",
                        help="OPENBLAS_CORETYPE for both sides (default: the environment's, else the core "
                             "`inductive info` calls best for this CPU)")
    parser.add_argument("--skip-build", action="store_true", help="use the existing release binary")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per benchmark process")
    parser.add_argument("--baseline", help="an earlier JSON of this script: show each ratio's change against it")
    parser.add_argument("--tolerance", type=float, default=0.25,
                        help="with --baseline: a ratio lower than baseline x (1 - tolerance) is a regression (default 0.25)")
    parser.add_argument("--quiet", action="store_true", help="print only the table and the JSON path")
    args = parser.parse_args(argv)
    if not 1 <= args.repeats <= 1000:
        parser.error(f"--repeats must be an integer from 1 to 1000, got {args.repeats}")
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if args.threads is None:
        args.threads = available
    if not 1 <= args.threads <= available:
        parser.error(f"--threads must be from 1 to {available} (the CPUs available), got {args.threads}")
    args.available_cpus = available
    args.cpus = None
    if args.threads < available:
        if not hasattr(os, "sched_setaffinity"):
            parser.error(f"--threads {args.threads} needs CPU pinning (os.sched_setaffinity), not available on this "
                         f"platform; run with all {available} CPUs (omit --threads)")
        args.cpus = pinned_cpus(args.threads, os.sched_getaffinity(0))
    groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        parser.error(f"--groups: unknown group {', '.join(unknown) or '(none given)'}; choose from {', '.join(GROUPS)}")
    args.groups = [g for g in GROUPS if g in groups]
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    if not 0 <= args.tolerance < 1:
        parser.error(f"--tolerance must be in [0, 1), got {args.tolerance}")
    args.baseline_ratios = None
    if args.baseline:
        try:
            with open(args.baseline) as f:
                rows = json.load(f)["rows"]
            args.baseline_ratios = {(r["case"], r["peer_implementation"]): r["ratio"] for r in rows if "ratio" in r}
        except (OSError, ValueError, KeyError, TypeError) as e:
            parser.error(f"--baseline {args.baseline}: not a bench-compare JSON ({e.__class__.__name__}: {e})")
    return args


class Console:
    def __init__(self, quiet):
        self.quiet = quiet

    def say(self, text=""):
        if not self.quiet:
            print(text, flush=True)


def load():
    return [round(x, 2) for x in os.getloadavg()]


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def requirements_digest(path):
    """sha256 of the requirement lines (comments and blank lines do not remake an environment)."""
    with open(path) as f:
        lines = sorted(line.split("#", 1)[0].strip() for line in f)
    return hashlib.sha256("\n".join(line for line in lines if line).encode()).hexdigest()


def last_lines(text, count=3):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:])


def pip_reason(log_text):
    """The line of a pip log that says why it failed (its ERROR lines), else its last line."""
    errors = [line.strip() for line in log_text.splitlines() if line.startswith("ERROR")]
    return errors[0][:300] if errors else last_lines(log_text, 1)[:300]


def find_python(requested):
    if requested:
        path = shutil.which(requested) or (requested if os.access(requested, os.X_OK) else None)
        if not path:
            raise UsageError(f"--python {requested}: no such interpreter")
        return path
    return shutil.which("python3.11") or shutil.which("python3") or sys.executable


def python_version(interpreter):
    out = subprocess.run([interpreter, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def ensure_environment(name, args, console, record):
    """Makes (once) or reuses .bench-env/<name>; returns its interpreter or None (with the
    reason in record)."""
    spec = ENVIRONMENTS[name]
    requirements = os.path.join(HERE, spec["requirements"])
    folder = os.path.join(args.env_dir, name)
    interpreter = find_python(args.python)
    version = python_version(interpreter)
    stamp = f"{requirements_digest(requirements)} python {version}"
    stamp_file = os.path.join(folder, ".bench-compare-stamp")
    failed_file = os.path.join(args.env_dir, f"{name}.failed")
    log_file = os.path.join(args.env_dir, f"{name}.install.log")
    record.update({"folder": os.path.relpath(folder, REPO), "requirements": os.path.relpath(requirements, REPO),
                   "python": version, "created": False})
    env_python = os.path.join(folder, "bin", "python")
    if read_text(stamp_file).strip() == stamp and os.access(env_python, os.X_OK):
        record["status"] = "ok"
        return env_python
    if os.path.exists(failed_file) and not args.retry_env:
        try:
            with open(failed_file) as f:
                previous = json.load(f)
            if not isinstance(previous, dict) or not isinstance(previous.get("reason"), str):
                previous = {}
        except (OSError, ValueError):
            previous = {}  # unreadable or foreign: as if absent
        if previous.get("stamp") == stamp:
            record.update(status="unavailable", reason=previous["reason"] + " (earlier attempt; --retry-env to retry)")
            return None
    console.say(f"== making the {name} environment ({spec['what']}) in {record['folder']} from "
                f"{record['requirements']} with Python {version}: a few minutes, once")
    os.makedirs(args.env_dir, exist_ok=True)
    start = time.monotonic()
    shutil.rmtree(folder, ignore_errors=True)
    reason = None
    with open(log_file, "w") as log:
        steps = [[interpreter, "-m", "venv", folder],
                 [env_python, "-m", "pip", "install", "--disable-pip-version-check", "-r", requirements],
                 [env_python, "-c", spec["smoke"]]]
        for step in steps:
            log.write("$ " + " ".join(step) + "\n")
            log.flush()
            result = subprocess.run(step, stdout=log, stderr=subprocess.STDOUT,
                                    env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
            if result.returncode != 0:
                text = read_text(log_file)
                what = {0: "venv failed", 1: "pip install failed", 2: "import failed"}[steps.index(step)]
                reason = f"{what}: {pip_reason(text)}"
                break
    record["seconds"] = round(time.monotonic() - start, 1)
    record["log"] = os.path.relpath(log_file, REPO)
    if reason:
        write_json_atomically({"stamp": stamp, "reason": reason}, failed_file)
        record.update(status="unavailable", reason=reason)
        console.say(f"   {name} environment unavailable: {reason} (log: {record['log']})")
        return None
    with open(stamp_file, "w") as f:
        f.write(stamp + "\n")
    if os.path.exists(failed_file):
        os.unlink(failed_file)
    record.update(status="ok", created=True)
    console.say(f"   done in {record['seconds']:.0f} s")
    return env_python


def read_text(path):
    """The file's text, or "" when it is missing or unreadable."""
    try:
        with open(path) as f:
            return f.read()
    except (OSError, ValueError):
        return ""


def run_process(command, env, log_path, timeout, console, prefix="   ", cpus=None):
    """Runs command (on the CPUs `cpus` when given), streams its standard output (indented)
    and keeps both streams in log_path. Returns (exit status or None on timeout, stderr text)."""
    with open(log_path, "w") as log:
        log.write("$ " + " ".join(command) + "\n")
        log.flush()
        if cpus:
            log.write(f"# pinned to CPUs {','.join(map(str, cpus))}\n")
            log.flush()
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO,
                                   text=True, start_new_session=True, preexec_fn=pin)
        errors = []

        def drain():
            for line in process.stderr:
                errors.append(line)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        def kill():
            try:
                os.killpg(process.pid, 9)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            for line in process.stdout:
                log.write(line)
                console.say(prefix + line.rstrip("\n"))
            status = process.wait()
        except BaseException:
            # Ctrl-C reaches only this process (the benchmark has its own session): end it too.
            kill()
            process.wait()
            raise
        finally:
            timed_out = not timer.is_alive() and process.returncode is not None and process.returncode < 0
            timer.cancel()
        reader.join()
        log.write("--- stderr\n" + "".join(errors))
    if timed_out:
        return None, "".join(errors)
    return status, "".join(errors)


def read_cases(path):
    if not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def benchmark_environment(args, coretype):
    env = dict(os.environ)
    threads = str(args.threads)
    env.update(OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads,
               TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu", PYTHONDONTWRITEBYTECODE="1")
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    xla = env.get("XLA_FLAGS", "")
    # XLA's flag parser stops at the first token without a leading "-": flags only. The
    # thread count itself is set by the affinity (see pinned_cpus).
    if args.threads == 1 and "xla_cpu_multi_thread_eigen" not in xla:
        xla = (xla + " --xla_cpu_multi_thread_eigen=false").strip()
    if xla:
        env["XLA_FLAGS"] = xla
    return env


def pinned_cpus(threads, available):
    """The CPUs the benchmark processes run on: None (all of `available`, unpinned) when
    threads covers them, else `threads` of them, one logical CPU per physical core first
    (hyperthread siblings share a core's units: two of them are not two cores' worth), in
    order of CPU number. Core identity from /sys (package id, core id); unknown cores count
    as distinct."""
    available = sorted(available)
    if threads >= len(available):
        return None

    def core(cpu):
        topology = f"/sys/devices/system/cpu/cpu{cpu}/topology/"
        ids = tuple(read_text(topology + name).strip() for name in ("physical_package_id", "core_id"))
        return ids if all(ids) else ("cpu", str(cpu))

    first, siblings, seen = [], [], set()
    for cpu in available:
        key = core(cpu)
        (siblings if key in seen else first).append(cpu)
        seen.add(key)
    return sorted((first + siblings)[:threads])


def info_fields(binary, env):
    try:
        out = subprocess.run([binary, "info"], capture_output=True, text=True, env=env, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e), {}
    fields = {}
    for line in out.stdout.splitlines():
        if line.startswith("inductive "):
            fields["inductive"] = line.split(" ", 1)[1].strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
    return out.returncode, fields


def lscpu():
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return {}
    keep = ("Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "L2 cache", "L3 cache",
            "Hypervisor vendor")
    fields = {}
    for line in text.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            if key.strip() in keep:
                fields[key.strip()] = value.strip()
    return fields


def fmt_ms(seconds):
    ms = seconds * 1e3
    return f"{ms:.3g} ms" if ms < 10 else f"{ms:.1f} ms"


def show(seconds, display):
    if display and display[0] == "gflops":
        return f"{display[1] / seconds * 1e-9:.1f} GFLOP/s"
    return fmt_ms(seconds)


def build_rows(results, groups, env_status, no_python):
    rows = []
    for workload, group, case, implementation, label, goal, goal_text, display in ROWS:
        if group not in groups:
            continue
        g = results.get(group, {})
        row = {"workload": workload, "case": case, "group": group, "peer_implementation": implementation,
               "peer": label, "goal_ratio": goal, "goal": goal_text}
        swift = [c for c in (g.get("inductive") or {}).get("cases", []) if c["name"] == case]
        peers = [c for c in (g.get("python") or {}).get("cases", [])
                 if c["name"] == case and c["implementation"] == implementation]
        if swift:
            row["inductive_seconds"] = swift[0]["median"]
            row["inductive_repeats"] = swift[0]["repeats"]
            row["inductive_display"] = show(swift[0]["median"], display)
        if peers:
            best = min(peers, key=lambda c: c["median"])
            row["peer_seconds"] = best["median"]
            row["peer_repeats"] = best["repeats"]
            row["peer_display"] = f"{label} {show(best['median'], display)}"
            if "variant" in best:
                row["peer_variant"] = best["variant"]
        if not swift:
            row["status"] = "not measured"
            row["reason"] = "inductive failed: " + (g.get("inductive_error") or f"no case {case}")
        elif not peers:
            row["status"] = "not measured"
            if no_python:
                row["reason"] = "peer not run (--no-python)"
            else:
                script = GROUPS[group]
                env = env_status.get(script[1], {}) if script else {}
                if env.get("status") == "unavailable":
                    row["reason"] = f"peer unavailable: {env['reason']}"
                elif g.get("python_error"):
                    row["reason"] = f"peer unavailable: {g['python_error']}"
                else:
                    row["reason"] = f"peer unavailable: {label} gave no case {case}"
        else:
            row["ratio"] = row["peer_seconds"] / row["inductive_seconds"]
            row["met"] = row["ratio"] >= goal
            row["status"] = "measured"
            if row["inductive_repeats"] != row["peer_repeats"]:
                row["warning"] = f"repeats differ: {row['inductive_repeats']} vs {row['peer_repeats']}"
        rows.append(row)
    return rows


def compare_with_baseline(rows, baseline, tolerance):
    for r in rows:
        before = baseline.get((r["case"], r["peer_implementation"]))
        if before and "ratio" in r:
            r["baseline_ratio"] = before
            r["change"] = r["ratio"] / before - 1
            r["regressed"] = r["ratio"] < before * (1 - tolerance)


def exit_status(rows, with_baseline):
    """0 every row measured and every goal met; 1 every row measured, a goal missed; 2 a row
    not measured; with a baseline (rows through compare_with_baseline), 4 instead of 0 or 1
    when a measured ratio regressed."""
    measured = all(r["status"] == "measured" for r in rows)
    if not measured:
        return 2
    if with_baseline and any(r.get("regressed") for r in rows):
        return 4
    return 0 if all(r["met"] for r in rows) else 1


def release_binary():
    """The release `inductive` binary's path (SwiftPM's release bin folder, else .build/release)."""
    try:
        bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO,
                                  capture_output=True, text=True).stdout.strip()
    except OSError:
        bin_path = ""
    return os.path.join(bin_path or os.path.join(REPO, ".build", "release"), "inductive")


def table(rows, with_baseline=False):
    header = ["workload", "Inductive", "peer", "ratio", "goal", "met?"] + (["vs baseline"] if with_baseline else [])
    lines = []
    for r in rows:
        if r["status"] == "measured":
            lines.append([r["workload"], r["inductive_display"], r["peer_display"], f"{r['ratio']:.2f}×", r["goal"],
                          "yes" if r["met"] else "no"])
        else:
            reason = r["reason"] if len(r["reason"]) <= 70 else r["reason"][:69] + "…"
            lines.append([r["workload"], r.get("inductive_display", "—"), r.get("peer_display", reason), "—",
                          r["goal"], "—"])
        if with_baseline:
            lines[-1].append(f"{r['change'] * 100:+.0f}%" + (" REGRESSED" if r["regressed"] else "")
                             if "change" in r else "—")
    widths = [max(len(str(x[i])) for x in [header] + lines) for i in range(len(header))]

    def render(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [render(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [render(x) for x in lines]
    notes = [f"  {r['workload']} vs {r['peer']}: {r['reason']}" for r in rows
             if r["status"] != "measured" and (len(r["reason"]) > 70 or "peer_display" in r)]
    notes += [f"  {r['workload']} vs {r['peer']}: {r['warning']}" for r in rows if r.get("warning")]
    return "\n".join(out + notes)


def main(argv):
    try:
        return compare(argv)
    except KeyboardInterrupt:
        print("\nbench-compare: interrupted", file=sys.stderr)
        return 130


def compare(argv):
    try:
        args = parse(argv)
        interpreter = find_python(args.python)
    except UsageError as e:
        print(f"bench-compare: error: {e}", file=sys.stderr)
        return 64
    console = Console(args.quiet)
    started = utc_now()
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    if not shutil.which("swift") and not args.skip_build:
        print("bench-compare: error: swift is not on PATH (needed to build the release binary)", file=sys.stderr)
        return 3
    out_path = os.path.abspath(args.out) if args.out else os.path.join(REPO, ".bench-results", f"compare-{stamp}.json")
    if os.path.isdir(out_path):
        print(f"bench-compare: error: --out {args.out} is a directory; give a file name", file=sys.stderr)
        return 64
    out_dir = os.path.dirname(out_path)
    try:
        os.makedirs(out_dir, exist_ok=True)
        # The raw cases and logs of this run, beside the JSON (a fresh folder per run).
        work = os.path.join(out_dir, f"compare-{stamp}")
        if os.path.exists(work):
            work += f"-{os.getpid()}"
        os.makedirs(work)
        probe = os.path.join(out_dir, f".bench-compare-probe-{os.getpid()}")
        open(probe, "w").close()
        os.unlink(probe)
    except OSError as e:
        print(f"bench-compare: error: cannot write in {out_dir}: {e.strerror}", file=sys.stderr)
        return 64
    document = {"tool": "scripts/bench-compare", "started": started.isoformat(timespec="seconds"),
                "machine": {"lscpu": lscpu(), "kernel": platform.release(), "available_cpus": args.available_cpus},
                "settings": {"repeats": args.repeats, "threads": args.threads, "groups": args.groups},
                "load": {"start": load()}, "environments": {}, "groups": {}}

    # 1. Python environments.
    interpreters = {}
    if not args.no_python:
        needed = sorted({GROUPS[g][1] for g in args.groups if GROUPS[g]})
        for name in needed:
            record = {}
            try:
                interpreters[name] = ensure_environment(name, args, console, record)
            except OSError as e:
                record.update(status="unavailable", reason=f"cannot make the environment: {e}")
                interpreters[name] = None
            document["environments"][name] = record
    document["settings"]["python_for_environments"] = interpreter
    document["settings"]["work_folder"] = os.path.relpath(work, REPO)

    # 2. The release binary.
    if not args.skip_build:
        console.say("== swift build -c release --product inductive")
        build_start = time.monotonic()
        result = subprocess.run(["swift", "build", "-c", "release", "--product", "inductive"], cwd=REPO,
                                capture_output=True, text=True)
        document["build_seconds"] = round(time.monotonic() - build_start, 1)
        if result.returncode != 0:
            print("bench-compare: error: the release build failed: " + last_lines(result.stdout + result.stderr, 5),
                  file=sys.stderr)
            os.rmdir(work)
            return 3
    binary = release_binary()
    if not os.access(binary, os.X_OK):
        print(f"bench-compare: error: no release binary at {binary} (run without --skip-build)", file=sys.stderr)
        os.rmdir(work)
        return 3

    # Same kernels and threads both sides.
    coretype = args.coretype or os.environ.get("OPENBLAS_CORETYPE")
    env = benchmark_environment(args, coretype)
    status, fields = info_fields(binary, env)
    if status != 0:
        print(f"bench-compare: error: {binary} info failed (status {status})", file=sys.stderr)
        os.rmdir(work)
        return 3
    if not coretype:
        best = fields.get("OpenBLAS core", "").split("best for this CPU:")[-1].strip()
        if best and best != "unknown" and "best for this CPU" in fields.get("OpenBLAS core", ""):
            coretype = best
            env = benchmark_environment(args, coretype)
            status, fields = info_fields(binary, env)
    document["settings"]["environment"] = {k: env.get(k) for k in (
        "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "XLA_FLAGS")}
    document["settings"]["affinity"] = args.cpus  # None: every available CPU, unpinned
    document["inductive_info"] = fields
    console.say(f"inductive {fields.get('inductive', '')}; BLAS: {fields.get('BLAS', '')}")
    console.say(f"OpenBLAS core: {fields.get('OpenBLAS core', 'n/a')}; both sides run with "
                f"OPENBLAS_CORETYPE={coretype or '(unset)'}, {args.threads} thread(s) "
                f"({'pinned to CPUs ' + ','.join(map(str, args.cpus)) if args.cpus else 'all CPUs'}), {args.repeats} repeats; "
                f"load {document['load']['start']}")

    # SINDy: the same Lorenz trajectory for both sides.
    lorenz = os.path.join(work, f"lorenz-{LORENZ_SAMPLES}.npy")
    if "sindy" in args.groups:
        result = subprocess.run([binary, "discover", "simulate", "lorenz", "--samples", str(LORENZ_SAMPLES),
                                 "--out", lorenz], capture_output=True, text=True, env=env, cwd=REPO)
        if result.returncode != 0:
            lorenz = None
            document["lorenz_error"] = last_lines(result.stderr, 2)

    # 3. Every group, Swift then Python, in one sitting.
    run_start = time.monotonic()
    for group in args.groups:
        g = {"load_before": load()}
        group_start = time.monotonic()
        swift_json = os.path.join(work, f"inductive-{group}.json")
        command = [binary, "bench", "--group", group, "--repeats", str(args.repeats), "--json", swift_json]
        if group == "sindy" and lorenz:
            command += ["--data", lorenz]
        console.say(f"== {group}: inductive bench --group {group} (load {g['load_before']})")
        status, errors = run_process(command, env, os.path.join(work, f"inductive-{group}.log"),
                                     args.timeout, console, cpus=args.cpus)
        g["inductive"] = read_cases(swift_json)
        if status != 0:
            g["inductive_error"] = (f"timed out after {args.timeout:.0f} s" if status is None
                                    else f"exit {status}: {last_lines(errors, 2)}")
            console.say(f"   inductive bench failed: {g['inductive_error']}")
        script = GROUPS[group]
        if script and not args.no_python:
            name, env_name = script
            python = interpreters.get(env_name)
            if python:
                py_json = os.path.join(work, f"python-{group}.json")
                command = [python, os.path.join(HERE, name), "--repeats", str(args.repeats), "--json", py_json]
                if group == "sindy":
                    if lorenz:
                        command += ["--data", lorenz]
                    else:
                        command += ["--samples", str(LORENZ_SAMPLES)]
                console.say(f"== {group}: bench/{name} ({env_name} environment; load {load()})")
                status, errors = run_process(command, env, os.path.join(work, f"python-{group}.log"),
                                             args.timeout, console, cpus=args.cpus)
                g["python"] = read_cases(py_json)
                if status != 0:
                    g["python_error"] = (f"bench/{name} timed out after {args.timeout:.0f} s" if status is None
                                         else f"bench/{name} exit {status}: {last_lines(errors, 1)[:300]}")
                    console.say(f"   {g['python_error']}")
        g["load_after"] = load()
        g["seconds"] = round(time.monotonic() - group_start, 1)
        document["groups"][group] = g
    document["run_seconds"] = round(time.monotonic() - run_start, 1)
    document["load"]["end"] = load()

    # 4. The table.
    rows = build_rows(document["groups"], args.groups, document["environments"], args.no_python)
    document["rows"] = rows
    document["finished"] = utc_now().isoformat(timespec="seconds")
    if args.baseline_ratios is not None:
        compare_with_baseline(rows, args.baseline_ratios, args.tolerance)
        document["baseline"] = {"file": os.path.abspath(args.baseline), "tolerance": args.tolerance}
    document["exit_status"] = exit_status(rows, args.baseline_ratios is not None)
    if "symmetry" in document["groups"]:
        document["swift_only"] = [c["name"] for c in (document["groups"]["symmetry"].get("inductive") or {}).get("cases", [])]
    busiest = max(document["load"]["start"][0], document["load"]["end"][0])
    if busiest > args.available_cpus:
        document["load_warning"] = (f"load average {busiest:g} on {args.available_cpus} CPUs: other processes "
                                    f"competed for the cores, the timings are unreliable (rerun on a quiet machine)")
        if args.baseline_ratios is not None:
            document["load_warning"] += "; so are the changes against the baseline"
    write_json_atomically(document, out_path)
    print()
    print(f"Inductive vs Python peers: medians of {args.repeats} runs after a warm-up, {args.threads} thread(s) both "
          f"sides, OPENBLAS_CORETYPE={coretype or '(unset)'}; ratio = peer time / Inductive time; "
          f"load {document['load']['start']} -> {document['load']['end']}; {document['run_seconds']:.0f} s")
    print(table(rows, args.baseline_ratios is not None))
    if "load_warning" in document:
        print("warning: " + document["load_warning"])
    print(f"JSON: {out_path}")
    return document["exit_status"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
