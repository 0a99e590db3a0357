"""Performance benchmark for cogov's CommunityModel, with Mesa's Schelling example as reference.

Usage::

    python benchmarks/benchmark.py [--quick] [--repeats N] [--json FILE]

Every measurement runs in a fresh subprocess (this script re-invoked with the internal
``--case NAME --mode time|memory`` flags), so the process's peak RSS belongs to one case only
and no case warms caches for another:

* ``time`` mode builds and runs the case once, without tracing, and reports build seconds, run
  seconds and ``ru_maxrss``; the parent starts one such subprocess per case per round (``--repeats`` rounds, every
  case once a round, so that a slow spell of the shared machine falls on all cases alike) and takes medians.
* ``memory`` mode runs the case once more under :mod:`tracemalloc` (which slows Python down, so
  it is never timed) and reports the traced peak of Python-level allocations, numpy buffers
  included.

After the table four targets are checked: cogov's default throughput against Schelling's, the
default scenario-year wall time, the scaling exponent of run time in households, and the estimates a sweep
says before it starts (``estimate`` mode: the target's ``estimate_seconds`` against a timed default year, alone and
as its share of a batch of 8).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SEED = 42
"""Seed for every case, so repeats simulate exactly the same thing."""
DAYS = 365
"""cogov horizon: one simulated year, one step per day."""

SCHELLING_WIDTH = 50
SCHELLING_HEIGHT = 50
SCHELLING_DENSITY = 0.8
SCHELLING_HOMOPHILY = 0.7
"""High enough that, with this seed, some agents stay unhappy and the run does not stop early."""
SCHELLING_STEPS = 50

SCALING_HOUSEHOLDS = (1_000, 10_000, 50_000)
STREET_COMMUNITIES = (5, 20)
"""Streets of this many default communities (a street-year against a community-year)."""
BATCH_REPLICATES = (1, 8, 64)
"""Batches of this many replicates of the default community (:class:`cogov.sim.batch.CommunityBatch`, as a sweep
runs them): replicate throughput against single runs."""
SMALL_HOUSEHOLDS = 200
"""A small community: its replicates batched against its single runs (most of its day is per-call overhead)."""
QUICK_SKIPPED = frozenset({"households_50000"})

TARGET_SPEEDUP = 5.0
TARGET_BATCH_SPEEDUP = 5.0
"""Issue 13: replicate-years per second of a batch of 64 default communities against single runs."""
TARGET_SMALL_BATCH_SPEEDUP = 10.0
"""Issue 13: the same for communities of 200 households."""
TARGET_STREET_FACTOR = 5.0
"""Issue 13: a 20-community street-year in at most this many times one community-year."""
TARGET_DEFAULT_YEAR_S = 2.0
TARGET_SCALING_EXPONENT = 1.1
TARGET_ESTIMATE_FACTOR = 2.0
"""A sweep's duration estimate should be within this factor of the truth (either way)."""
ESTIMATE_BATCH = 8
"""Runs of the batch whose estimate is checked (a sweep's chunk, :data:`cogov.experiments.runner.BATCH_RUNS`)."""

MIB = 1024 * 1024


# ------------------------------------------------------------------------------------ cases
@dataclass(frozen=True)
class Case:
    """One benchmark case: what to build and how many steps to run."""

    name: str
    kind: str  # "cogov", "street", "batch" or "schelling"
    households: int | None = None  # cogov override of community.households; None = scenario default
    communities: int = 1  # street: default communities in the street (or in the batch)
    shared: bool = True  # street: a street (shared street level) or a batch of independent replicates

    def describe(self) -> str:
        """Short human-readable description for progress messages."""
        if self.kind == "schelling":
            return f"Schelling {SCHELLING_WIDTH}x{SCHELLING_HEIGHT}, {SCHELLING_STEPS} steps"
        households = "scenario default" if self.households is None else f"{self.households} households"
        if self.kind == "street":
            what = "street" if self.shared else "batch of independent communities"
            return f"cogov {what} of {self.communities} default communities, {DAYS} days"
        if self.kind == "batch":
            return f"cogov batch of {self.communities} replicates of the default scenario, {households}, {DAYS} days"
        return f"cogov default scenario, {households}, {DAYS} days"


CASES: tuple[Case, ...] = (
    Case("default", "cogov"),
    *(Case(f"households_{n}", "cogov", n) for n in SCALING_HOUSEHOLDS),
    Case("schelling", "schelling"),
    *(Case(f"street_{k}", "street", communities=k) for k in STREET_COMMUNITIES),
    *(Case(f"batch_{r}", "batch", communities=r) for r in BATCH_REPLICATES),
    Case(f"households_{SMALL_HOUSEHOLDS}", "cogov", SMALL_HOUSEHOLDS),
    Case(f"batch_{SMALL_HOUSEHOLDS}_{BATCH_REPLICATES[-1]}", "batch", SMALL_HOUSEHOLDS, BATCH_REPLICATES[-1]),
)
CASES_BY_NAME = {case.name: case for case in CASES}


@dataclass
class Built:
    """A constructed model plus how to run it and how to count its size."""

    model: Any
    run: Callable[[], int]  # runs the model, returns the number of steps actually taken
    households: int  # households for cogov, agents for Schelling


def build_cogov(case: Case) -> Built:
    """Construct the cogov default scenario (optionally resized) for a one-year run."""
    from cogov.sim.model import CommunityModel

    overrides = {} if case.households is None else {"community.households": case.households}
    model = CommunityModel("default", rng=SEED, days=DAYS, **overrides)

    def run() -> int:
        model.run()
        return int(model.steps)

    return Built(model, run, int(model.config.community.households))


def build_schelling(case: Case) -> Built:
    """Construct Mesa's Schelling example on a 50x50 grid at density 0.8."""
    from mesa.examples.basic.schelling.model import Schelling, SchellingScenario

    scenario = SchellingScenario(
        width=SCHELLING_WIDTH, height=SCHELLING_HEIGHT, density=SCHELLING_DENSITY,
        homophily=SCHELLING_HOMOPHILY, rng=SEED,
    )
    model = Schelling(scenario=scenario)

    def run() -> int:
        steps = 0
        while model.running and steps < SCHELLING_STEPS:
            model.step()
            steps += 1
        return steps

    return Built(model, run, len(model.agents))


def build_street(case: Case) -> Built:
    """Construct a street (or a batch of independent replicates) of ``case.communities`` default communities."""
    from cogov.sim.street import StreetModel, street_from_data

    street = street_from_data({"street": {"shared": case.shared,
                                          "communities": [{"scenario": "default", "count": case.communities}]}})
    model = StreetModel(street, rng=SEED, days=DAYS)

    def run() -> int:
        model.run()
        return int(model.steps)

    # the street's own agent set is empty; its communities' households are placed on demand (not in the timing)
    model.agents_total = sum(c.agent_count for c in model.communities)
    return Built(model, run, int(model.households.sum()))


def build_batch(case: Case) -> Built:
    """Construct a batch of ``case.communities`` replicates of the default scenario (the replicate seeds of a sweep
    with master seed :data:`SEED`), as a sweep runs the replicates of one design point."""
    from cogov.experiments.seeds import replicate_seed
    from cogov.sim.batch import CommunityBatch

    overrides = {} if case.households is None else {"community.households": case.households}
    batch = CommunityBatch.of("default", [replicate_seed(SEED, r) for r in range(case.communities)], days=DAYS,
                              **overrides)

    def run() -> int:
        batch.run()
        return batch.day

    batch.agents_total = sum(model.agent_count for model in batch.models)  # households placed on demand, not here
    return Built(batch, run, int(batch.households.sizes.sum()))


def build(case: Case) -> Built:
    """Construct the model of ``case``."""
    builders = {"schelling": build_schelling, "street": build_street, "batch": build_batch}
    return builders.get(case.kind, build_cogov)(case)


def import_case_modules(case: Case) -> None:
    """Import everything the case needs so that import time is not counted as build time."""
    if case.kind == "schelling":
        import mesa.examples.basic.schelling.model  # noqa: F401
    else:
        import cogov.experiments.seeds
        import cogov.sim.batch
        import cogov.sim.model
        import cogov.sim.street  # noqa: F401


# ------------------------------------------------------------------------- child processes
def max_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / MIB if sys.platform == "darwin" else rss / 1024


def measure_time(case: Case) -> dict[str, Any]:
    """Build and run ``case`` once, untraced; return timings, sizes and peak RSS."""
    import_case_modules(case)
    base_rss = max_rss_mib()
    start = time.perf_counter()
    built = build(case)
    built_at = time.perf_counter()
    steps = built.run()
    end = time.perf_counter()
    return {
        "households": built.households,
        "agents": getattr(built.model, "agents_total", None) or len(built.model.agents),
        "steps": steps,
        "build_s": built_at - start,
        "run_s": end - built_at,
        "max_rss_mib": max_rss_mib(),
        "base_rss_mib": base_rss,
    }


def measure_memory(case: Case) -> dict[str, Any]:
    """Build and run ``case`` once under tracemalloc; return the traced peak in MiB."""
    import_case_modules(case)
    tracemalloc.start()
    try:
        built = build(case)
        built.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"tracemalloc_peak_mib": peak / MIB}


def measure_estimate() -> dict[str, Any]:
    """What a sweep of the default scenario says one run will take, and how long one run then takes; and the same for
    a run stepped in a batch of :data:`ESTIMATE_BATCH` (a sweep's chunk), whose time is its share of the batch's."""
    from cogov.experiments.targets import CogovTarget, simulate, simulate_batch
    from cogov.sim.scenario import load_scenario, scenario_digest

    config = load_scenario("default").config
    target = CogovTarget(base=config, base_digest=scenario_digest(config), alternatives=())
    estimate = target.estimate_seconds()
    start = time.perf_counter()
    simulate(config, seed=SEED)
    run_s = time.perf_counter() - start
    estimate_batch = target.estimate_seconds(batch=ESTIMATE_BATCH)
    start = time.perf_counter()
    simulate_batch(config, [SEED + k for k in range(ESTIMATE_BATCH)])
    return {"estimate_s": estimate, "run_s": run_s, "estimate_batch_s": estimate_batch,
            "batch_run_s": (time.perf_counter() - start) / ESTIMATE_BATCH}


def child_main(name: str, mode: str) -> None:
    """Entry point of a measurement subprocess: print one JSON object on stdout."""
    case = CASES_BY_NAME[name]
    modes = {"time": lambda: measure_time(case), "memory": lambda: measure_memory(case), "estimate": measure_estimate}
    print(json.dumps(modes[mode]()))


def run_child(case: Case, mode: str) -> dict[str, Any]:
    """Run one measurement of ``case`` in a fresh interpreter and parse its JSON line."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", case.name, "--mode", mode]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"case {case.name} ({mode}) failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------- results
@dataclass
class CaseResult:
    """Aggregated measurements of one case (times are medians over repeats)."""

    case: str
    kind: str
    households: int
    agents: int
    steps: int
    build_s: float
    run_s: float
    max_rss_mib: float
    base_rss_mib: float
    tracemalloc_peak_mib: float
    repeats: int
    build_s_all: list[float] = field(default_factory=list)
    run_s_all: list[float] = field(default_factory=list)
    ratio_to_schelling: float = math.nan

    @property
    def agent_steps_per_s(self) -> float:
        """Agents × steps (agent-days for cogov) per second of run time."""
        return self.agents * self.steps / self.run_s

    @property
    def agent_steps_per_s_with_build(self) -> float:
        """Agents × steps per second of build plus run time."""
        return self.agents * self.steps / (self.build_s + self.run_s)

    def as_json(self) -> dict[str, Any]:
        """Plain dict for the JSON report, throughput included."""
        data = asdict(self)
        data["agent_steps_per_s"] = self.agent_steps_per_s
        data["agent_steps_per_s_with_build"] = self.agent_steps_per_s_with_build
        return data


def measure_cases(cases: Sequence[Case], repeats: int) -> list[CaseResult]:
    """Time every case in ``repeats`` rounds, each case once a round in a fresh subprocess, then trace each one's memory
    in one more. Rounds rather than each case's repeats in a row: a slow spell of the shared machine then falls on
    every case alike, and the ratios between cases (a batch against single runs) stay fair."""
    timings: dict[str, list[dict[str, Any]]] = {case.name: [] for case in cases}
    for round_ in range(1, repeats + 1):
        for case in cases:
            print(f"... round {round_}/{repeats}: {case.name}: {case.describe()}", file=sys.stderr, flush=True)
            timings[case.name].append(run_child(case, "time"))
    return [case_result(case, timings[case.name], run_child(case, "memory")) for case in cases]


def case_result(case: Case, timings: Sequence[dict[str, Any]], memory: dict[str, Any]) -> CaseResult:
    """One case's measurements: medians of its timed repeats, and its traced memory."""
    first = timings[0]
    return CaseResult(
        case=case.name,
        kind=case.kind,
        households=first["households"],
        agents=first["agents"],
        steps=first["steps"],
        build_s=statistics.median(t["build_s"] for t in timings),
        run_s=statistics.median(t["run_s"] for t in timings),
        max_rss_mib=max(t["max_rss_mib"] for t in timings),
        base_rss_mib=min(t["base_rss_mib"] for t in timings),
        tracemalloc_peak_mib=memory["tracemalloc_peak_mib"],
        repeats=len(timings),
        build_s_all=[t["build_s"] for t in timings],
        run_s_all=[t["run_s"] for t in timings],
    )


def set_ratios(results: Sequence[CaseResult]) -> None:
    """Fill each case's throughput ratio to Schelling's agent-steps per second."""
    reference = next(r for r in results if r.kind == "schelling")
    for result in results:
        result.ratio_to_schelling = result.agent_steps_per_s / reference.agent_steps_per_s


# ----------------------------------------------------------------------------------- table
COLUMNS: tuple[tuple[str, Callable[[CaseResult], str]], ...] = (
    ("case", lambda r: r.case),
    ("households", lambda r: f"{r.households:,}"),
    ("agents", lambda r: f"{r.agents:,}"),
    ("days/steps", lambda r: f"{r.steps}"),
    ("build s", lambda r: f"{r.build_s:.3f}"),
    ("run s", lambda r: f"{r.run_s:.3f}"),
    ("agent-days/s", lambda r: f"{r.agent_steps_per_s:,.0f}"),
    ("incl. build", lambda r: f"{r.agent_steps_per_s_with_build:,.0f}"),
    ("tracemalloc MiB", lambda r: f"{r.tracemalloc_peak_mib:.1f}"),
    ("max RSS MiB", lambda r: f"{r.max_rss_mib:.1f}"),
    ("x Schelling", lambda r: f"{r.ratio_to_schelling:.2f}"),
)


def format_table(results: Sequence[CaseResult]) -> str:
    """Aligned plain-text table: first column left-aligned, numbers right-aligned."""
    rows = [[header for header, _ in COLUMNS]] + [[cell(r) for _, cell in COLUMNS] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells)

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def batch_table(results: Sequence[CaseResult]) -> str:
    """Each batch's replicate-years per second against the same community's single runs, measured in this run."""
    by_name = {r.case: r for r in results}
    lines = ["batch                    replicates  single run s  batch s per replicate  replicate-years/s vs single"]
    for r in results:
        if r.kind != "batch":
            continue
        size = CASES_BY_NAME[r.case].households
        single = by_name.get("default" if size is None else f"households_{size}")
        if single is None:
            continue
        replicates = r.households // single.households
        per = r.run_s / replicates
        lines.append(f"{r.case:<24} {replicates:>10}  {single.run_s:>12.3f}  {per:>21.3f}  {single.run_s / per:>26.2f}x")
    return "\n".join(lines)


# --------------------------------------------------------------------------------- targets
@dataclass
class Target:
    """One pass/fail performance target."""

    name: str
    value: float
    limit: float
    passed: bool
    detail: str

    def line(self) -> str:
        """One printed line: PASS/FAIL, the target and the measured value."""
        return f"[{'PASS' if self.passed else 'FAIL'}] {self.name}: {self.detail}"


def scaling_exponent(households: Sequence[float], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(seconds) against log(households)."""
    xs = [math.log(h) for h in households]
    ys = [math.log(s) for s in seconds]
    x_mean = statistics.fmean(xs)
    y_mean = statistics.fmean(ys)
    covariance = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True))
    variance = sum((x - x_mean) ** 2 for x in xs)
    return covariance / variance


def evaluate_targets(results: Sequence[CaseResult], estimate: dict[str, float] | None = None) -> list[Target]:
    """Check the performance targets against the measured results (and the sweep estimate, if measured)."""
    by_name = {r.case: r for r in results}
    default = by_name["default"]
    schelling = by_name["schelling"]
    targets = [
        Target(
            "cogov default agent-days/s >= 5x Schelling agent-steps/s",
            default.ratio_to_schelling, TARGET_SPEEDUP, default.ratio_to_schelling >= TARGET_SPEEDUP,
            f"{default.agent_steps_per_s:,.0f} vs {schelling.agent_steps_per_s:,.0f} "
            f"= {default.ratio_to_schelling:.2f}x (need >= {TARGET_SPEEDUP:g}x)",
        )
    ]
    year = default.build_s + default.run_s
    targets.append(Target(
        "default scenario-year (build + run) <= 2 s", year, TARGET_DEFAULT_YEAR_S, year <= TARGET_DEFAULT_YEAR_S,
        f"{default.build_s:.3f} + {default.run_s:.3f} = {year:.3f} s (need <= {TARGET_DEFAULT_YEAR_S:g} s)",
    ))
    scaled = [by_name[f"households_{n}"] for n in SCALING_HOUSEHOLDS if f"households_{n}" in by_name]
    exponent = scaling_exponent([r.households for r in scaled], [r.run_s for r in scaled])
    fitted = ", ".join(f"{r.households // 1000}k" for r in scaled)
    targets.append(Target(
        "scaling exponent of run s in households <= 1.1", exponent, TARGET_SCALING_EXPONENT,
        exponent <= TARGET_SCALING_EXPONENT,
        f"slope {exponent:.3f} over {fitted} (need <= {TARGET_SCALING_EXPONENT:g})",
    ))
    targets += street_targets(by_name, default)
    if estimate is not None:
        for what, said, took in (("one default run", "estimate_s", "run_s"),
                                 (f"a default run in a batch of {ESTIMATE_BATCH}", "estimate_batch_s", "batch_run_s")):
            ratio = estimate[said] / estimate[took]
            targets.append(Target(
                f"a sweep's estimate of {what} within {TARGET_ESTIMATE_FACTOR:g}x of the run", ratio,
                TARGET_ESTIMATE_FACTOR, 1 / TARGET_ESTIMATE_FACTOR <= ratio <= TARGET_ESTIMATE_FACTOR,
                f"said {estimate[said]:.3f} s, took {estimate[took]:.3f} s = {ratio:.2f}x "
                f"(need {1 / TARGET_ESTIMATE_FACTOR:g}x to {TARGET_ESTIMATE_FACTOR:g}x)",
            ))
    return targets


STARTUP_COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "cogov --help": ["-m", "cogov", "--help"],
    "cogov validate default": ["-m", "cogov", "validate", "default"],
}
"""Start-up cases: a bare interpreter, the command line's help and a validation (issue 16)."""
TARGET_HELP_OVER_BARE_S = 0.5
TARGET_VALIDATE_OVER_BARE_S = 1.5


def measure_startup(repeats: int) -> dict[str, float]:
    """Median wall seconds of each start-up command, in fresh interpreters, repeats interleaved."""
    times: dict[str, list[float]] = {name: [] for name in STARTUP_COMMANDS}
    for _ in range(max(3, repeats)):
        for name, args in STARTUP_COMMANDS.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, *args], capture_output=True, check=True)
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def startup_targets(startup: dict[str, float]) -> list[Target]:
    """``cogov --help`` within 0.5 s and ``cogov validate`` within 1.5 s of a bare interpreter."""
    bare = startup["python -c pass"]
    out = []
    for name, limit in (("cogov --help", TARGET_HELP_OVER_BARE_S), ("cogov validate default", TARGET_VALIDATE_OVER_BARE_S)):
        over = startup[name] - bare
        out.append(Target(f"{name} within {limit:g} s of python -c pass", over, limit, over <= limit,
                          f"{startup[name]:.3f} s vs {bare:.3f} s: +{over:.3f} s, {startup[name] / bare:.1f}x "
                          f"(need <= +{limit:g} s)"))
    return out


def street_targets(by_name: dict[str, CaseResult], default: CaseResult) -> list[Target]:
    """Issue 13's targets, for the street and batch cases measured: replicate throughput of the largest batch
    against single default runs, a 20-community street-year against a community-year, cost linear in communities."""
    targets = []
    small = by_name.get(f"households_{SMALL_HOUSEHOLDS}")
    for name, single, need in ((f"batch_{BATCH_REPLICATES[-1]}", default, TARGET_BATCH_SPEEDUP),
                               (f"batch_{SMALL_HOUSEHOLDS}_{BATCH_REPLICATES[-1]}", small, TARGET_SMALL_BATCH_SPEEDUP)):
        batch = by_name.get(name)
        if batch is None or single is None:
            continue
        replicates = batch.households // single.households
        speedup = single.run_s * replicates / batch.run_s
        targets.append(Target(
            f"batch of {replicates} replicates of {single.households} households: replicate-years/s >= {need:g}x "
            "single runs", speedup, need, speedup >= need,
            f"{replicates} x {single.run_s:.3f} s / {batch.run_s:.3f} s = {speedup:.2f}x (need >= {need:g}x)"))
    street = by_name.get("street_20")
    if street is not None:
        factor = (street.build_s + street.run_s) / (default.build_s + default.run_s)
        targets.append(Target(
            f"20-community street-year <= {TARGET_STREET_FACTOR:g}x one community-year", factor, TARGET_STREET_FACTOR,
            factor <= TARGET_STREET_FACTOR, f"{street.build_s + street.run_s:.3f} s / "
            f"{default.build_s + default.run_s:.3f} s = {factor:.2f}x (need <= {TARGET_STREET_FACTOR:g}x)"))
    streets = [default, *(by_name[f"street_{k}"] for k in STREET_COMMUNITIES if f"street_{k}" in by_name)]
    if len(streets) > 1:
        exponent = scaling_exponent([r.households for r in streets], [r.run_s for r in streets])
        targets.append(Target(
            f"street cost linear in communities: exponent <= {TARGET_SCALING_EXPONENT:g}", exponent,
            TARGET_SCALING_EXPONENT, exponent <= TARGET_SCALING_EXPONENT,
            f"slope {exponent:.3f} over 1, {', '.join(str(k) for k in STREET_COMMUNITIES)} communities"))
    return targets


# ------------------------------------------------------------------------------------ main
def environment() -> dict[str, Any]:
    """Versions and machine, for the JSON report."""
    import mesa
    import numpy

    return {
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "seed": SEED,
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (``--case``/``--mode`` are internal, for subprocesses)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, skip the 50k-household case")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per case (default 3; 1 with --quick)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--case", choices=sorted(CASES_BY_NAME), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("time", "memory", "estimate"), default="time", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run all cases, print the table and targets; return 0 if every target passes."""
    args = parse_args(argv)
    if args.case:
        child_main(args.case, args.mode)
        return 0

    cases = [c for c in CASES if not (args.quick and c.name in QUICK_SKIPPED)]
    results = measure_cases(cases, args.repeats)
    for result in results:
        if result.kind == "schelling" and result.steps < SCHELLING_STEPS:
            print(f"warning: Schelling stopped early after {result.steps} of {SCHELLING_STEPS} steps "
                  "(everyone happy); raise SCHELLING_HOMOPHILY", file=sys.stderr)
    set_ratios(results)
    print(f"... estimate: a sweep's estimate of one default run, x{args.repeats}", file=sys.stderr, flush=True)
    said = [run_child(CASES_BY_NAME["default"], "estimate") for _ in range(args.repeats)]
    estimate = {key: statistics.median(s[key] for s in said) for key in said[0]}
    targets = evaluate_targets(results, estimate)
    print("... startup: python -c pass, cogov --help, cogov validate default", file=sys.stderr, flush=True)
    startup = measure_startup(args.repeats)
    targets += startup_targets(startup)

    print(f"cogov benchmark — median of {args.repeats} repeat(s), seed {SEED}"
          f"{' (quick: 50k case skipped)' if args.quick else ''}")
    print(format_table(results))
    print()
    print(batch_table(results))
    print()
    for target in targets:
        print(target.line())

    if args.json:
        report = {
            "environment": environment(),
            "repeats": args.repeats,
            "quick": args.quick,
            "schelling": {"width": SCHELLING_WIDTH, "height": SCHELLING_HEIGHT, "density": SCHELLING_DENSITY,
                          "homophily": SCHELLING_HOMOPHILY, "max_steps": SCHELLING_STEPS},
            "cases": [r.as_json() for r in results],
            "estimate": estimate,
            "startup_s": startup,
            "targets": [asdict(t) for t in targets],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(t.passed for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
