"""Sweep throughput benchmark: runs per second of a cogov sweep on each backend.

Usage::

    python benchmarks/sweep_benchmark.py [--runs N] [--repeats R] [--json FILE]

A sweep of ``--runs`` short cogov runs (default 200: a 200-household community, 30 days, one
random design point per run) goes through :func:`cogov.experiments.runner.run_sweep` exactly as
``cogov sweep`` runs it (same chunking, each chunk written to Parquet as it finishes) on:

* ``serial``: in one process (reference);
* ``local`` with 1 and 2 workers: the default process pool;
* ``dask`` with 2 workers: a new ``LocalCluster``, through ``Client.get_executor()``;
* ``dask`` with 2 workers and Dask's worker profiler turned off (informational, no target).

Every measurement runs in a fresh subprocess (this script re-invoked with the internal ``--case``
flag) into a fresh results folder in a temporary directory; repeats are interleaved across cases.
Start-up is timed separately and not counted in the throughput: opening the executor (starting the
pool or the cluster) plus a warm-up sweep of two runs per worker into a throwaway folder (the local
pool's fork server imports cogov once; Dask's worker processes each import it on their first task).
Throughputs are medians over ``--repeats``. The results of every case must be identical (same digest of the run
rows, timings excluded), whichever backend ran them.

Targets (exit status 1 if any fails): local 2 workers ≥ 1.8 × local 1 worker; Dask LocalCluster
(2 workers) at most 10 % slower than the local pool with 2 workers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HOUSEHOLDS = 200
DAYS = 30
MASTER_SEED = 2026
DEFAULT_RUNS = 200
TARGET_SPEEDUP = 1.8
TARGET_DASK_OVERHEAD = 0.10
NOT_RESULTS = ("seconds", "git_commit")
"""Run-row columns that describe the execution, not the results (excluded from the digest)."""

SCENARIO = f"""\
extends = "default"

[community]
households = {HOUSEHOLDS}
"""


@dataclass(frozen=True)
class Case:
    """One backend configuration."""

    backend: str
    workers: int
    worker_profiler: bool = True  # Dask only: the workers' statistical profiler (on by default in Dask)

    @property
    def name(self) -> str:
        """``backend-workers``, e.g. ``local-2``; ``-noprof`` when Dask's worker profiler is off."""
        return f"{self.backend}-{self.workers}" + ("" if self.worker_profiler else "-noprof")


CASES = (Case("serial", 1), Case("local", 1), Case("local", 2), Case("dask", 2),
         Case("dask", 2, worker_profiler=False))
"""The last case is informational (no target): what ``cogov sweep --backend dask`` gains if its
``LocalCluster`` turns off Dask's worker profiler, which samples the running task's stack every 10 ms."""
CASES_BY_NAME = {case.name: case for case in CASES}


# ------------------------------------------------------------------------- child process
def experiment_text(runs: int) -> str:
    """An experiment of ``runs`` random points (funding level, red property off/on), one replicate each."""
    return f"""\
[experiment]
name = "sweep_benchmark"
scenario = "small.toml"
design = "random"
samples = {runs}
replicates = 1
master_seed = {MASTER_SEED}
days = {DAYS}

[parameters."levers.funding.annual_cny"]
range = [20_000, 400_000]

[parameters."levers.cross_appointment.party_property"]
values = [false, true]
"""


def write_experiment(folder: Path, runs: int) -> Path:
    """Write the scenario and experiment files into ``folder``; return the experiment path."""
    (folder / "small.toml").write_text(SCENARIO, encoding="utf-8")
    path = folder / "experiment.toml"
    path.write_text(experiment_text(runs), encoding="utf-8")
    return path


def runs_digest(directory: Path) -> str:
    """SHA-256 of the run rows (sorted by run id, execution columns dropped)."""
    import pandas as pd

    from cogov.experiments.store import ResultStore

    runs = ResultStore(directory).read_runs()
    runs = runs.drop(columns=[c for c in NOT_RESULTS if c in runs.columns]).sort_values("run_id")
    columns = sorted(runs.columns)
    digest = hashlib.sha256(json.dumps(columns).encode())
    digest.update(pd.util.hash_pandas_object(runs[columns], index=False).to_numpy().tobytes())  # exact bits
    return digest.hexdigest()


def measure(case: Case, runs: int) -> dict[str, Any]:
    """Start the backend, warm it up, time one sweep of ``runs`` runs, close it; in this process."""
    from cogov.experiments.backends import open_executor
    from cogov.experiments.runner import run_sweep
    from cogov.experiments.spec import load_experiment

    if not case.worker_profiler:
        import dask

        dask.config.set({"distributed.worker.profile.enabled": False})  # LocalCluster passes it to its workers
    with tempfile.TemporaryDirectory(prefix="cogov-sweep-bench-") as tmp:
        folder = Path(tmp)
        experiment = load_experiment(write_experiment(folder, runs))
        (folder / "warmup").mkdir()
        warmup = load_experiment(write_experiment(folder / "warmup", 2 * case.workers))
        started = time.perf_counter()
        with open_executor(case.backend, case.workers) as executor:
            opened = time.perf_counter()
            run_sweep(warmup, folder / "warmup" / "results", executor, workers=case.workers)
            warmed = time.perf_counter()
            report = run_sweep(experiment, folder / "results", executor, workers=case.workers)
            swept = time.perf_counter()
        closed = time.perf_counter()
        if report.completed != runs or report.failed:
            raise RuntimeError(f"{case.name}: {report.line()}")
        return {"case": case.name, "runs": runs, "open_s": opened - started, "warmup_s": warmed - opened,
                "sweep_s": swept - warmed, "close_s": closed - swept, "digest": runs_digest(folder / "results")}


def run_child(case: Case, runs: int) -> dict[str, Any]:
    """Measure ``case`` in a fresh interpreter and parse the JSON line it prints."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", case.name, "--runs", str(runs)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"case {case.name} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------- results
@dataclass
class CaseResult:
    """Median timings of one case over its repeats."""

    case: str
    runs: int
    repeats: int
    startup_s: float  # open + warm-up
    sweep_s: float
    close_s: float
    sweep_s_all: list[float]
    digests: list[str]

    @property
    def runs_per_s(self) -> float:
        """Runs per second of the timed sweep (start-up excluded)."""
        return self.runs / self.sweep_s


def summarise(case: Case, samples: Sequence[dict[str, Any]]) -> CaseResult:
    """Medians of one case's measurements."""
    return CaseResult(
        case=case.name, runs=samples[0]["runs"], repeats=len(samples),
        startup_s=statistics.median(s["open_s"] + s["warmup_s"] for s in samples),
        sweep_s=statistics.median(s["sweep_s"] for s in samples),
        close_s=statistics.median(s["close_s"] for s in samples),
        sweep_s_all=[s["sweep_s"] for s in samples],
        digests=sorted({s["digest"] for s in samples}),
    )


def measure_all(runs: int, repeats: int) -> list[CaseResult]:
    """Every case ``repeats`` times, interleaved (so a burst of load elsewhere hits all cases alike)."""
    samples: dict[str, list[dict[str, Any]]] = {case.name: [] for case in CASES}
    for repeat in range(repeats):
        for case in CASES:
            print(f"... repeat {repeat + 1}/{repeats}: {case.name}, {runs} runs", file=sys.stderr, flush=True)
            samples[case.name].append(run_child(case, runs))
    return [summarise(case, samples[case.name]) for case in CASES]


def format_table(results: Sequence[CaseResult]) -> str:
    """Aligned plain-text table, one row per case."""
    serial = next((r for r in results if r.case == "serial-1"), None)
    header = ["backend", "runs", "sweep s", "runs/s", "x serial", "start-up s", "close s", "sweep s (all repeats)"]
    rows = [header]
    for r in results:
        ratio = f"{r.runs_per_s / serial.runs_per_s:.2f}" if serial else "-"
        rows.append([r.case, str(r.runs), f"{r.sweep_s:.2f}", f"{r.runs_per_s:.1f}", ratio, f"{r.startup_s:.2f}",
                     f"{r.close_s:.2f}", " ".join(f"{s:.2f}" for s in r.sweep_s_all)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)])
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def target_lines(results: Sequence[CaseResult]) -> list[tuple[bool, str]]:
    """(passed, line) for the speedup, the Dask overhead and identical results."""
    by_name = {r.case: r for r in results}
    one, two, dask = by_name["local-1"], by_name["local-2"], by_name["dask-2"]
    speedup = two.runs_per_s / one.runs_per_s
    overhead = dask.sweep_s / two.sweep_s - 1
    digests = {d for r in results for d in r.digests}
    return [
        (speedup >= TARGET_SPEEDUP, (f"local 2 workers vs 1: {two.runs_per_s:.1f} / {one.runs_per_s:.1f} runs/s "
                                     f"= {speedup:.2f}x (need >= {TARGET_SPEEDUP:g}x)")),
        (overhead <= TARGET_DASK_OVERHEAD, (f"Dask LocalCluster (2 workers) vs local pool (2 workers): "
                                            f"{dask.sweep_s:.2f} s vs {two.sweep_s:.2f} s = {overhead:+.1%} "
                                            f"(need <= +{TARGET_DASK_OVERHEAD:.0%})")),
        (len(digests) == 1, f"identical run rows on every backend and repeat: {len(digests)} distinct digest(s)"),
    ]


# ------------------------------------------------------------------------------------ main
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (``--case`` is internal, for subprocesses)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs per sweep (default {DEFAULT_RUNS})")
    parser.add_argument("--repeats", type=int, default=5, help="timed sweeps per case (default 5)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--case", choices=sorted(CASES_BY_NAME), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 2 or args.repeats < 1:
        parser.error("--runs must be at least 2 and --repeats at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every case, print the table and targets; return 0 if every target passes."""
    args = parse_args(argv)
    if args.case:
        print(json.dumps(measure(CASES_BY_NAME[args.case], args.runs)))
        return 0
    load_before = os.getloadavg()[0]
    results = measure_all(args.runs, args.repeats)
    checks = target_lines(results)
    print(f"cogov sweep benchmark — {args.runs} runs ({HOUSEHOLDS} households, {DAYS} days), median of "
          f"{args.repeats}, {len(os.sched_getaffinity(0))} usable cores, load average {load_before:.1f} "
          "before; start-up (pool/cluster + warm-up) not in runs/s")
    print(format_table(results))
    print()
    for passed, line in checks:
        print(f"[{'PASS' if passed else 'FAIL'}] {line}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {"runs": args.runs, "repeats": args.repeats, "households": HOUSEHOLDS, "days": DAYS,
                  "cases": [asdict(r) | {"runs_per_s": r.runs_per_s} for r in results],
                  "targets": [{"passed": p, "line": line} for p, line in checks]}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if all(passed for passed, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
