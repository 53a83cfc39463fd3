"""Tests of bench/compare.py (scripts/bench-compare): the table rows, the baseline comparison,
the exit status and the atomic JSON, on synthetic inputs. Standard library only: no peers, no
Swift build (a fake `inductive` and a fake peer interpreter stand in for the real ones).

Run: python3 -m unittest discover -s bench/tests   (scripts/test does this)
"""
import contextlib
import io
import json
import os
import stat
import sys
import tempfile
import unittest
from unittest import mock

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCH)
import compare  # noqa: E402  (bench/compare.py)
import timing  # noqa: E402  (bench/timing.py)


def case(name, median, repeats=5, implementation="inductive", **extra):
    c = {"name": name, "implementation": implementation, "median": median, "unit": "s", "repeats": repeats}
    c.update(extra)
    return c


def tensor_results(swift=None, python=None, **extra):
    """A group's results as compare() collects them (`inductive bench --json` and the peer's JSON)."""
    g = {}
    if swift is not None:
        g["inductive"] = {"cases": swift}
    if python is not None:
        g["python"] = {"cases": python}
    g.update(extra)
    return {"tensor": g}


class BuildRowsTests(unittest.TestCase):
    def test_measured_rows_have_ratio_goal_and_display(self):
        results = tensor_results(
            swift=[case("matmul.1024", 0.01), case("exp.1e7", 0.004)],
            python=[case("matmul.1024", 0.012, implementation="numpy"), case("exp.1e7", 0.005, implementation="numpy")])
        rows = compare.build_rows(results, ["tensor"], {}, False)
        self.assertEqual([r["case"] for r in rows], ["matmul.1024", "exp.1e7"])
        matmul, exp = rows
        self.assertEqual(matmul["status"], "measured")
        # ratio = peer time / Inductive time; 0.012 / 0.01 and 0.005 / 0.004 in binary floating point.
        self.assertAlmostEqual(matmul["ratio"], 1.2, places=12)
        self.assertTrue(matmul["met"])  # goal 1.0
        self.assertAlmostEqual(exp["ratio"], 1.25, places=12)
        self.assertFalse(exp["met"])  # goal 1.5
        # matmul shows GFLOP/s: 2 * 1024^3 flops in 10 ms = 214.7 GFLOP/s, in 12 ms 178.96.
        self.assertEqual(matmul["inductive_display"], "214.7 GFLOP/s")
        self.assertEqual(matmul["peer_display"], "NumPy 179.0 GFLOP/s")
        self.assertEqual(exp["inductive_display"], "4 ms")
        self.assertNotIn("warning", matmul)

    def test_only_the_requested_groups_and_the_row_peer(self):
        results = {"autodiff": {"inductive": {"cases": [case("mlp.step", 0.005), case("mlp.hvp", 0.006)]},
                                "python": {"cases": [case("mlp.step", 0.004, implementation="jax"),
                                                     case("mlp.step", 0.0075, implementation="numpy"),
                                                     case("mlp.hvp", 0.0056, implementation="jax")]}}}
        rows = compare.build_rows(results, ["autodiff"], {}, False)
        self.assertEqual([(r["case"], r["peer_implementation"]) for r in rows],
                         [("mlp.step", "numpy"), ("mlp.step", "jax"), ("mlp.hvp", "jax")])
        # Each row pairs with its own implementation: NumPy 7.5 ms, JAX 4 ms.
        self.assertAlmostEqual(rows[0]["peer_seconds"], 0.0075)
        self.assertAlmostEqual(rows[1]["peer_seconds"], 0.004)
        self.assertFalse(any(r["group"] != "autodiff" for r in rows))

    def test_the_fastest_peer_variant_counts_and_is_named(self):
        results = tensor_results(
            swift=[case("exp.1e7", 0.004)],
            python=[case("exp.1e7", 0.011, implementation="numpy", variant="np.exp"),
                    case("exp.1e7", 0.009, implementation="numpy", variant="out=")])
        exp = [r for r in compare.build_rows(results, ["tensor"], {}, False) if r["case"] == "exp.1e7"][0]
        self.assertAlmostEqual(exp["peer_seconds"], 0.009)
        self.assertEqual(exp["peer_variant"], "out=")

    def test_different_repeats_warn(self):
        results = tensor_results(swift=[case("exp.1e7", 0.004, repeats=5)],
                                 python=[case("exp.1e7", 0.011, repeats=3, implementation="numpy")])
        exp = [r for r in compare.build_rows(results, ["tensor"], {}, False) if r["case"] == "exp.1e7"][0]
        self.assertEqual(exp["warning"], "repeats differ: 5 vs 3")
        self.assertIn("repeats differ: 5 vs 3", compare.table([exp]))

    def test_reasons_for_rows_not_measured(self):
        # Inductive failed: its error, else the missing case.
        rows = compare.build_rows(tensor_results(inductive_error="exit 1: boom"), ["tensor"], {}, False)
        self.assertEqual({r["reason"] for r in rows}, {"inductive failed: exit 1: boom"})
        rows = compare.build_rows(tensor_results(swift=[case("exp.1e7", 0.004)]), ["tensor"], {}, True)
        self.assertEqual(rows[0]["reason"], "inductive failed: no case matmul.1024")
        # Peer side: not run, environment unavailable, its script failed, or it gave no such case.
        swift = [case("matmul.1024", 0.01), case("exp.1e7", 0.004)]
        self.assertEqual(compare.build_rows(tensor_results(swift=swift), ["tensor"], {}, True)[1]["reason"],
                         "peer not run (--no-python)")
        env = {"main": {"status": "unavailable", "reason": "pip install failed: ERROR: no wheel"}}
        self.assertEqual(compare.build_rows(tensor_results(swift=swift), ["tensor"], env, False)[1]["reason"],
                         "peer unavailable: pip install failed: ERROR: no wheel")
        failed = tensor_results(swift=swift, python_error="bench/foundation.py exit 1: ImportError")
        self.assertEqual(compare.build_rows(failed, ["tensor"], {}, False)[1]["reason"],
                         "peer unavailable: bench/foundation.py exit 1: ImportError")
        partial = tensor_results(swift=swift, python=[case("matmul.1024", 0.01, implementation="numpy")])
        rows = compare.build_rows(partial, ["tensor"], {}, False)
        self.assertEqual([r["status"] for r in rows], ["measured", "not measured"])
        self.assertEqual(rows[1]["reason"], "peer unavailable: NumPy gave no case exp.1e7")
        for r in rows[1:]:
            self.assertNotIn("ratio", r)
            self.assertNotIn("met", r)


class BaselineTests(unittest.TestCase):
    def rows(self, ratio):
        results = tensor_results(swift=[case("matmul.1024", 1.0), case("exp.1e7", 1.0)],
                                 python=[case("matmul.1024", ratio, implementation="numpy")])
        return compare.build_rows(results, ["tensor"], {}, False)

    def test_change_and_regression_at_the_tolerance(self):
        # Ratios 0.75 and 0.5 exactly representable: 0.75 = 1 x (1 - 0.25) is not below the limit.
        for ratio, regressed in [(1.5, False), (0.75, False), (0.7499, True), (0.5, True)]:
            rows = self.rows(ratio)
            compare.compare_with_baseline(rows, {("matmul.1024", "numpy"): 1.0, ("exp.1e7", "numpy"): 2.0}, 0.25)
            self.assertEqual(rows[0]["baseline_ratio"], 1.0)
            self.assertAlmostEqual(rows[0]["change"], ratio - 1, places=12)
            self.assertEqual(rows[0]["regressed"], regressed, ratio)
            # The unmeasured row gets no comparison.
            self.assertNotIn("change", rows[1])
            self.assertNotIn("regressed", rows[1])

    def test_rows_missing_from_the_baseline_are_left_alone(self):
        rows = self.rows(0.1)
        compare.compare_with_baseline(rows, {("matmul.1024", "jax"): 1.0}, 0.25)
        self.assertNotIn("change", rows[0])
        self.assertIn("—", compare.table(rows, with_baseline=True).splitlines()[2])


class ExitStatusRuleTests(unittest.TestCase):
    @staticmethod
    def row(status="measured", met=True, regressed=None):
        r = {"status": status}
        if status == "measured":
            r["met"] = met
        if regressed is not None:
            r["regressed"] = regressed
        return r

    def test_rules(self):
        row = self.row
        self.assertEqual(compare.exit_status([row(), row()], False), 0)
        self.assertEqual(compare.exit_status([row(), row(met=False)], False), 1)
        self.assertEqual(compare.exit_status([row(), row("not measured")], False), 2)
        self.assertEqual(compare.exit_status([row(met=False), row("not measured")], False), 2)
        self.assertEqual(compare.exit_status([row(regressed=True), row()], True), 4)
        self.assertEqual(compare.exit_status([row(regressed=True), row(met=False)], True), 4)
        self.assertEqual(compare.exit_status([row(regressed=False), row()], True), 0)
        # A regression only counts when every row was measured, and only with a baseline.
        self.assertEqual(compare.exit_status([row(regressed=True), row("not measured")], True), 2)
        self.assertEqual(compare.exit_status([row(regressed=True)], False), 0)


class RequirementsDigestTests(unittest.TestCase):
    def test_comments_blank_lines_and_order_do_not_count(self):
        with tempfile.TemporaryDirectory() as d:
            def digest(text):
                path = os.path.join(d, "r.txt")
                with open(path, "w") as f:
                    f.write(text)
                return compare.requirements_digest(path)
            base = digest("numpy==2.4.6\njax==0.10.2\n")
            self.assertEqual(digest("# pinned\njax==0.10.2   # the peer\n\nnumpy==2.4.6\n"), base)
            self.assertNotEqual(digest("numpy==2.4.7\njax==0.10.2\n"), base)


class AtomicJSONTests(unittest.TestCase):
    def test_replaces_whole_and_leaves_no_temporary(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.json")
            timing.write_json_atomically({"a": 1}, path)
            timing.write_json_atomically({"b": [1, 2]}, path)
            with open(path) as f:
                self.assertEqual(json.load(f), {"b": [1, 2]})
            self.assertEqual(os.listdir(d), ["out.json"])

    def test_a_failed_write_keeps_the_old_file_and_no_temporary(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.json")
            timing.write_json_atomically({"kept": True}, path)
            # Fails half-way through json.dump (some bytes already in the temporary).
            with self.assertRaises(TypeError):
                timing.write_json_atomically({"first": "x" * 10000, "then": object()}, path)
            with open(path) as f:
                self.assertEqual(json.load(f), {"kept": True})
            self.assertEqual(os.listdir(d), ["out.json"])

    def test_a_missing_folder_raises_and_creates_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(OSError):
                timing.write_json_atomically({"a": 1}, os.path.join(d, "missing", "out.json"))
            self.assertEqual(os.listdir(d), [])


FAKE = r'''#!{python}
# A fake `inductive` (info, bench) and a fake peer interpreter (SCRIPT.py --repeats R --json PATH),
# answering from the JSON spec named by FAKE_BENCH_SPEC.
import json, os, sys
with open(os.environ["FAKE_BENCH_SPEC"]) as f:
    spec = json.load(f)
args = sys.argv[1:]
def value(flag):
    return args[args.index(flag) + 1]
if args and args[0].endswith(".py"):
    side, group = "python", {{"foundation.py": "tensor"}}.get(os.path.basename(args[0]), "?")
elif args and args[0] == "info":
    print("inductive 0.1.0")
    print("BLAS: OpenBLAS (fake)")
    print("OpenBLAS core: Haswell (best for this CPU: Haswell)")
    sys.exit(spec.get("info_status", 0))
elif args and args[0] == "bench":
    side, group = "inductive", value("--group")
else:
    sys.exit(2)
entry = spec.get(side, {{}}).get(group)
if entry is None:
    print("no such group", file=sys.stderr)
    sys.exit(1)
if entry.get("cases") is not None:
    with open(value("--json"), "w") as f:
        json.dump({{"tool": side, "group": group, "cases": entry["cases"]}}, f)
if entry.get("status", 0):
    print(entry.get("error", "failed"), file=sys.stderr)
sys.exit(entry.get("status", 0))
'''


class CompareRunTests(unittest.TestCase):
    """compare() end to end with a fake binary and peer: exit status and the JSON it writes."""

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)
        self.dir = self.folder.name
        self.fake = os.path.join(self.dir, "fake-inductive")
        with open(self.fake, "w") as f:
            f.write(FAKE.format(python=sys.executable))
        os.chmod(self.fake, os.stat(self.fake).st_mode | stat.S_IXUSR)
        self.spec_path = os.path.join(self.dir, "spec.json")
        self.runs = 0

    def run_compare(self, spec, extra=(), binary=None):
        # A fresh folder per run: compare() names its work folder by the second (and pid), so
        # runs within one second in one folder would collide.
        self.runs += 1
        self.results = os.path.join(self.dir, f"results-{self.runs}")
        os.mkdir(self.results)
        self.out = os.path.join(self.results, "compare.json")
        with open(self.spec_path, "w") as f:
            json.dump(spec, f)

        def environment(name, args, console, record):
            record.update(status="ok")
            return self.fake

        stdout, stderr = io.StringIO(), io.StringIO()
        with mock.patch.dict(os.environ, {"FAKE_BENCH_SPEC": self.spec_path}), \
                mock.patch.object(compare, "ensure_environment", environment), \
                mock.patch.object(compare, "release_binary", lambda: binary or self.fake), \
                contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = compare.main(["--skip-build", "--quiet", "--groups", "tensor", "--repeats", "3",
                                   "--coretype", "Haswell", "--out", self.out, *extra])
        return status, stdout.getvalue(), stderr.getvalue()

    @staticmethod
    def spec(swift_exp=0.004, numpy_exp=0.011, numpy_matmul=0.012, **extra):
        spec = {"inductive": {"tensor": {"cases": [case("matmul.1024", 0.01, 3), case("exp.1e7", swift_exp, 3)]}},
                "python": {"tensor": {"cases": [case("matmul.1024", numpy_matmul, 3, implementation="numpy"),
                                                case("exp.1e7", numpy_exp, 3, implementation="numpy")]}}}
        spec.update(extra)
        return spec

    def document(self):
        with open(self.out) as f:
            return json.load(f)

    def test_every_goal_met_is_0_and_the_json_is_written_atomically(self):
        status, stdout, _ = self.run_compare(self.spec())
        self.assertEqual(status, 0, stdout)
        document = self.document()
        self.assertEqual(document["exit_status"], 0)
        self.assertEqual([r["status"] for r in document["rows"]], ["measured", "measured"])
        self.assertEqual(document["settings"]["repeats"], 3)
        # Only the JSON and the run's work folder; no temporary left beside the JSON.
        names = sorted(os.listdir(self.results), key=lambda name: name != "compare.json")
        self.assertEqual(names[0], "compare.json")
        self.assertEqual(len(names), 2, names)
        self.assertTrue(names[1].startswith("compare-") and os.path.isdir(os.path.join(self.results, names[1])))
        self.assertIn("JSON: " + self.out, stdout)

    def test_a_missed_goal_is_1(self):
        status, stdout, _ = self.run_compare(self.spec(numpy_exp=0.005))  # exp ratio 1.25 < 1.5
        self.assertEqual(status, 1, stdout)
        self.assertEqual(self.document()["exit_status"], 1)

    def test_a_row_not_measured_is_2(self):
        spec = self.spec(numpy_exp=0.005)
        spec["python"]["tensor"]["cases"] = spec["python"]["tensor"]["cases"][:1]
        self.assertEqual(self.run_compare(spec)[0], 2)
        # The benchmark itself failing (no JSON, non-zero exit): 2, with its error in the row.
        failing = self.spec(inductive={"tensor": {"status": 1, "error": "bench crashed"}})
        self.assertEqual(self.run_compare(failing)[0], 2)
        rows = self.document()["rows"]
        self.assertTrue(all(r["reason"].startswith("inductive failed: exit 1: bench crashed") for r in rows), rows)
        self.assertEqual(self.run_compare(self.spec(), ["--no-python"])[0], 2)

    def test_a_release_binary_that_fails_is_3(self):
        status, _, stderr = self.run_compare(self.spec(info_status=1))
        self.assertEqual(status, 3)
        self.assertIn("info failed", stderr)
        status, _, stderr = self.run_compare(self.spec(), binary=os.path.join(self.dir, "no-such-binary"))
        self.assertEqual(status, 3)
        self.assertIn("no release binary", stderr)
        self.assertFalse(os.path.exists(self.out))
        # Without --skip-build and no swift on PATH.
        out = os.path.join(self.dir, "unused.json")
        with mock.patch.dict(os.environ, {"PATH": self.dir}), contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(compare.main(["--quiet", "--groups", "tensor", "--out", out]), 3)
        self.assertFalse(os.path.exists(out))
        self.assertIn("swift is not on PATH", err.getvalue())

    def test_a_regression_against_the_baseline_is_4(self):
        self.run_compare(self.spec())
        baseline = os.path.join(self.dir, "baseline.json")
        os.rename(self.out, baseline)
        # matmul ratio 1.2 -> 0.85: a 29% fall (goal 1.0 missed too: 4, not 1).
        status, stdout, _ = self.run_compare(self.spec(numpy_matmul=0.0085), ["--baseline", baseline])
        self.assertEqual(status, 4, stdout)
        row = self.document()["rows"][0]
        self.assertTrue(row["regressed"])
        self.assertIn("REGRESSED", stdout)
        # A 10% fall (1.2 -> 1.08) with every goal met is within the default 25%: 0; with --tolerance 0.05: 4.
        self.assertEqual(self.run_compare(self.spec(numpy_matmul=0.0108), ["--baseline", baseline])[0], 0)
        self.assertEqual(self.run_compare(self.spec(numpy_matmul=0.0108), ["--baseline", baseline,
                                                                           "--tolerance", "0.05"])[0], 4)

    def test_bad_arguments_are_64(self):
        not_json = os.path.join(self.dir, "not.json")
        with open(not_json, "w") as f:
            f.write("{")
        for arguments in (["--repeats", "0"], ["--groups", "bogus"], ["--threads", "0"], ["--tolerance", "1"],
                          ["--timeout", "0"], ["--baseline", not_json], ["--baseline", os.path.join(self.dir, "none")],
                          ["--no-such-option"], ["--python", os.path.join(self.dir, "no-python")]):
            with contextlib.redirect_stderr(io.StringIO()) as err:
                try:
                    status = compare.main(["--skip-build", "--quiet", *arguments])
                except SystemExit as e:
                    status = e.code
            self.assertEqual(status, 64, arguments)
            self.assertIn("error", err.getvalue(), arguments)
        # --out naming a folder.
        status, _, stderr = self.run_compare(self.spec(), ["--out", self.dir])
        self.assertEqual(status, 64)
        self.assertIn("is a directory", stderr)


if __name__ == "__main__":
    unittest.main()
