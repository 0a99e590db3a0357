"""Every number the classroom guide (docs/classroom.md) promises, recomputed under the current model.

The guide's four demonstrations are run exactly as a teacher runs them on ``cogov viz``: the page's
default seed 0 (what the class sees) and, where the guide gives a typical value, the mean over seeds
0..N-1 as ``CommunityModel(scenario, rng=seed, **overrides)``. Each on-screen lever is the key path of
:data:`cogov.viz.controls.LEVERS` (the page passes exactly these overrides, see
:func:`cogov.viz.controls.lever_overrides`). "Day d" is the page's day counter: the model after ``d``
steps (index ``d`` of the daily series); "mean backlog over the year" averages the backlog chart's
366 values, days 0..365. A lever moved during a run (demonstration 4) is ``model.intervene`` after ``d`` steps, one
lever at a time, as the page's :meth:`cogov.viz.session.Session.apply_live` does.

    .venv/bin/python scripts/classroom_numbers.py              # under a minute on 2 quiet cores
    .venv/bin/python scripts/classroom_numbers.py --workers 1

Run it again after any change of ``MODEL_VERSION`` and update both language sections of the guide.
"""

from __future__ import annotations

import argparse
import statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogov.sim.issues import State
from cogov.sim.model import CommunityModel
from cogov.sim.version import MODEL_VERSION
from cogov.viz.controls import LEVERS_BY_PATH

# The page's levers, by what the guide calls them (key paths of cogov.viz.controls.LEVERS).
XA_COMMITTEE = "levers.cross_appointment.party_owners_committee"   # Cross-appointment: owners' committee
XA_PROPERTY = "levers.cross_appointment.party_property"            # Cross-appointment: red property
LINKAGE = "levers.three_party_linkage.enabled"                     # Three-party linkage
POINTS = "levers.volunteer_incentives.points_per_hour"             # Points earned for volunteering
CNY_PER_POINT = "levers.volunteer_incentives.cny_per_point"        # Value of a point
FEEDBACK = "levers.volunteer_incentives.employer_feedback"          # Service record sent to employer
FULL_TIME = "levers.grid.full_time_workers"                         # Full-time grid workers per grid
FUNDING = "levers.funding.annual_cny"                               # Community funds
BURDEN = "levers.burden.admin_share"                                # Administrative burden
ACCESS_LIST = "levers.burden.access_list"                           # Access list

RED_PROPERTY = {XA_COMMITTEE: True, XA_PROPERTY: True, LINKAGE: True}


@dataclass(frozen=True)
class Run:
    """One run of the page: scenario, seed, levers changed on the page, days played."""

    scenario: str
    seed: int
    overrides: tuple[tuple[str, Any], ...] = ()
    days: int = 365
    moved: tuple[tuple[str, Any], ...] = ()
    """Levers moved during the run, on the page's day ``moved_on`` (they act from the next day)."""
    moved_on: int = 0


def play(run: Run) -> dict[str, np.ndarray]:
    """Daily series of the run (index = day on the page's counter), with the map's black crosses (open
    collective issues waiting for agreement) and the points rewards paid so far."""
    model = CommunityModel(run.scenario, rng=run.seed, **dict(run.overrides))
    crosses, points = [0], [0.0]
    for _ in range(run.days):
        if not model.running:
            break
        if run.moved and model.steps == run.moved_on:
            for path, value in run.moved:
                model.intervene({path: value})
        model.step()
        table = model.issues
        crosses.append(int((table.state[table.open_rows] == State.AGREEMENT).sum()))
        points.append(model.ledger.by_item().get("volunteer_points", 0.0))
    series = {name: np.asarray(values, dtype=float) for name, values in model.datacollector.model_vars.items()}
    series["crosses"] = np.asarray(crosses, dtype=float)
    series["points_paid"] = np.asarray(points, dtype=float)
    return series


class Runs:
    """All runs the guide needs, computed once (in parallel) and looked up by their settings."""

    def __init__(self, runs: list[Run], workers: int) -> None:
        unique = list(dict.fromkeys(runs))
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                results = list(pool.map(play, unique, chunksize=1))
        else:
            results = [play(run) for run in unique]
        self.results = dict(zip(unique, results, strict=True))

    def __call__(self, scenario: str, seed: int = 0, days: int = 365, moved: dict[str, Any] | None = None,
                 moved_on: int = 0, **levers: Any) -> dict[str, np.ndarray]:
        return self.results[Run(scenario, seed, _key(levers), days, _key(moved or {}), moved_on)]


def _key(overrides: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(overrides.items()))


def runs_needed(seeds: int, seeds_long: int) -> list[Run]:
    """Every (scenario, seed, levers, days) the guide's numbers come from."""
    runs: list[Run] = []
    for seed in range(seeds_long):  # demonstration 1: default against red property over a year
        runs += [Run("default", seed), Run("default", seed, _key(RED_PROPERTY))]
        for lever in RED_PROPERTY:  # follow-up: each link alone
            runs.append(Run("default", seed, _key({lever: True})))
    for seed in range(seeds):  # demonstration 2 (90 days) and 3 (a year)
        for levers in DEMO2.values():
            runs.append(Run(DEMO2_SCENARIO, seed, _key(levers), 90))
        for levers in DEMO3.values():
            runs.append(Run(DEMO3_SCENARIO, seed, _key(levers)))
    for seed in range(seeds_long):  # demonstration 4: red property from mid-year, moved on the page on day 180
        runs.append(Run("default", seed, (), 365, _key(RED_PROPERTY), DEMO4_DAY))
    runs.append(Run(DEMO2_SCENARIO, 0, (), 365))
    runs += [Run(DEMO2_SCENARIO, seed, _key(DEMO2_BIG), 365) for seed in range(seeds)]
    return runs


DEMO4_DAY = 180
"""Demonstration 4: the page's day on which the red-property levers are switched on during the run."""
DEMO2_SCENARIO = "pathology_report_without_service"
DEMO2 = {"none": {}, "points 10": {POINTS: 10}, "feedback": {FEEDBACK: True},
         "points 10 + feedback": {POINTS: 10, FEEDBACK: True}}
DEMO2_BIG = {POINTS: 30, CNY_PER_POINT: 5.0}
DEMO3_SCENARIO = "pathology_admin_overload"
DEMO3 = {"overloaded": {}, "(a) grid workers x2": {FULL_TIME: 2}, "(b) funds x2": {FUNDING: 400_000},
         "(c) access list": {ACCESS_LIST: True}, "burden 0.3": {BURDEN: 0.3}}


def mean(values: list[float]) -> float:
    """Arithmetic mean."""
    return statistics.fmean(values)


def pct(x: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{100 * x:.1f} %"


def demonstration_1(runs: Runs, seeds: int) -> None:
    """Print the numbers of demonstration 1 (red property)."""
    print("\n## Demonstration 1 — red property (default; levers: the two cross-appointments + three-party linkage)")
    base, red = runs("default"), runs("default", **RED_PROPERTY)
    for day in (180, 365):
        print(f"seed 0, day {day}: stalemates {base['stalemates'][day]:.0f} default vs "
              f"{red['stalemates'][day]:.0f} red; "
              f"black crosses {base['crosses'][day]:.0f} vs {red['crosses'][day]:.0f}; "
              f"backlog {base['backlog'][day]:.0f} vs {red['backlog'][day]:.0f}; "
              f"resolution {pct(base['resolution_rate'][day])} vs {pct(red['resolution_rate'][day])}; "
              f"satisfaction {base['satisfaction_mean'][day]:.3f} vs {red['satisfaction_mean'][day]:.3f}; "
              f"trust {base['trust_mean'][day]:.3f} vs {red['trust_mean'][day]:.3f}; "
              f"party strength {base['party_strength'][day]:.3f} vs {red['party_strength'][day]:.3f}")
    b = [runs("default", s) for s in range(seeds)]
    r = [runs("default", s, **RED_PROPERTY) for s in range(seeds)]
    print(f"[{seeds} seeds], day 365: stalemates {mean([x['stalemates'][365] for x in b]):.0f} default vs "
          f"{mean([x['stalemates'][365] for x in r]):.0f} red; red lower in "
          f"{sum(y['stalemates'][365] < x['stalemates'][365] for x, y in zip(b, r))} of {seeds} seeds")
    for day in (180, 365):
        print(f"[{seeds} seeds], day {day}, default vs red: " + "; ".join(
            f"{name} {mean([x[name][day] for x in b]):{fmt}} vs {mean([y[name][day] for y in r]):{fmt}}"
            for name, fmt in (("stalemates", ".1f"), ("crosses", ".1f"), ("backlog", ".1f"),
                              ("resolution_rate", ".3f"), ("satisfaction_mean", ".3f"))))
    for day in (180, 365):
        diffs = [y["satisfaction_mean"][day] - x["satisfaction_mean"][day] for x, y in zip(b, r)]
        print(f"[{seeds} seeds], day {day}, red - default satisfaction: " + " ".join(f"{d:+.3f}" for d in diffs)
              + f" (higher in {sum(d > 0 for d in diffs)} of {seeds})")
    for name, fmt in (("satisfaction_mean", "{:+.3f}"), ("trust_mean", "{:+.3f}"), ("resolution_rate", "{:+.3f}"),
                      ("backlog", "{:+.0f}"), ("company_quality", "{:+.3f}")):
        diffs = [y[name][365] - x[name][365] for x, y in zip(b, r)]
        print(f"[{seeds} seeds], day 365, red - default {name}: mean {fmt.format(mean(diffs))}, "
              f"per seed {fmt.format(min(diffs))} .. {fmt.format(max(diffs))}")
    print("follow-up, each link alone (day 365; seed 0 [mean over seeds]):")
    for label, levers in (("none", {}), ("owners' committee only", {XA_COMMITTEE: True}),
                          ("red property only", {XA_PROPERTY: True}), ("three-party linkage only", {LINKAGE: True}),
                          ("all three", RED_PROPERTY)):
        one = runs("default", **levers)
        many = [runs("default", s, **levers) for s in range(seeds)]
        def typical(name: str, many: list[dict[str, np.ndarray]] = many) -> float:
            return mean([x[name][365] for x in many])

        print(f"  {label:26s} stalemates {one['stalemates'][365]:.0f} [{typical('stalemates'):.1f}]"
              f"  resolution {pct(one['resolution_rate'][365])} [{pct(typical('resolution_rate'))}]"
              f"  satisfaction {one['satisfaction_mean'][365]:.3f} [{typical('satisfaction_mean'):.3f}]"
              f"  company quality {one['company_quality'][365]:.3f} [{typical('company_quality'):.3f}]")


def demonstration_2(runs: Runs, seeds: int) -> None:
    """Print the numbers of demonstration 2 (points and the employer)."""
    print(f"\n## Demonstration 2 — points and the employer ({DEMO2_SCENARIO}, day 90)")
    base = runs(DEMO2_SCENARIO, days=90)
    for label, levers in DEMO2.items():
        one = runs(DEMO2_SCENARIO, days=90, **levers)
        many = [runs(DEMO2_SCENARIO, s, days=90, **levers) for s in range(seeds)]
        print(f"  {label:22s} in-service serving {pct(one['inservice_serving_share'][90])} "
              f"[{seeds} seeds: {pct(mean([x['inservice_serving_share'][90] for x in many]))}]; "
              f"volunteer share {pct(one['volunteer_share'][90])} "
              f"[{pct(mean([x['volunteer_share'][90] for x in many]))}]; "
              f"public cost +{(one['cost_total'][90] - base['cost_total'][90]) / 1e3:.1f}k CNY "
              f"(points paid {one['points_paid'][90] / 1e3:.1f}k)")
    year = runs(DEMO2_SCENARIO, days=365)
    print(f"  party strength, no incentive, seed 0: day 0 {year['party_strength'][0]:.3f}, day 90 "
          f"{year['party_strength'][90]:.3f}, day 365 {year['party_strength'][365]:.3f}")
    s = year["inservice_serving_share"]
    print("  no incentive, seed 0, in-service serving at day 30/90/180/270/365: "
          + " / ".join(pct(s[d]) for d in (30, 90, 180, 270, 365)))
    big = runs(DEMO2_SCENARIO, days=365, **DEMO2_BIG)
    s = big["inservice_serving_share"]
    peak = int(np.argmax(s))
    many = [runs(DEMO2_SCENARIO, seed, days=365, **DEMO2_BIG) for seed in range(seeds)]
    print(f"extension [{seeds} seeds]: in-service serving day 90 "
          f"{pct(mean([x['inservice_serving_share'][90] for x in many]))}, day 365 "
          f"{pct(mean([x['inservice_serving_share'][365] for x in many]))}; lower at day 365 than at day 90 in "
          f"{sum(x['inservice_serving_share'][365] < x['inservice_serving_share'][90] for x in many)} of {seeds}; "
          f"points paid {mean([x['points_paid'][365] for x in many]) / 1e6:.2f} million CNY")
    print(f"extension (points 30 an hour x 5 CNY, feedback off), seed 0: in-service serving day 90 {pct(s[90])}, "
          f"day 180 {pct(s[180])}, day 365 {pct(s[365])} (peak {pct(s[peak])} on day {peak}); "
          f"points paid by day 365 {big['points_paid'][365] / 1e6:.2f} million CNY "
          f"= {big['points_paid'][365] / 200_000:.1f} x the 200,000 CNY annual funds; "
          f"volunteer share day 90 {pct(big['volunteer_share'][90])}, day 365 {pct(big['volunteer_share'][365])}")


def demonstration_3(runs: Runs, seeds: int) -> None:
    """Print the numbers of demonstration 3 (overload)."""
    print(f"\n## Demonstration 3 — overload ({DEMO3_SCENARIO}, a year)")
    base = runs(DEMO3_SCENARIO)
    print(f"seed 0, community party organisation strength: day 0 {base['party_strength'][0]:.3f}, "
          f"day 365 {base['party_strength'][365]:.3f}")
    print(f"seed 0, overloaded: backlog day 365 {base['backlog'][365]:.0f}, mean over the year "
          f"{base['backlog'].mean():.0f}; satisfaction {base['satisfaction_mean'][0]:.3f} -> "
          f"{base['satisfaction_mean'][365]:.3f}; trust {base['trust_mean'][0]:.3f} -> {base['trust_mean'][365]:.3f}")
    for label, levers in DEMO3.items():
        one = runs(DEMO3_SCENARIO, **levers)
        many = [runs(DEMO3_SCENARIO, s, **levers) for s in range(seeds)]
        print(f"  {label:20s} satisfaction {one['satisfaction_mean'][365]:.3f} "
              f"[{seeds} seeds: {mean([x['satisfaction_mean'][365] for x in many]):.3f}]; mean backlog "
              f"{one['backlog'].mean():.0f} [{mean([x['backlog'].mean() for x in many]):.0f}]; "
              f"backlog day 120 {one['backlog'][120]:.0f}, day 365 {one['backlog'][365]:.0f}; "
              f"trust {one['trust_mean'][365]:.3f}; party strength {one['party_strength'][365]:.3f}; "
              f"resolution {pct(one['resolution_rate'][365])}; "
              f"public cost +{(one['cost_total'][365] - base['cost_total'][365]) / 1e3:,.0f}k CNY")
        if not levers:
            continue
        gains = [runs(DEMO3_SCENARIO, s, **levers)["satisfaction_mean"][365]
                 - runs(DEMO3_SCENARIO, s)["satisfaction_mean"][365] for s in range(seeds)]
        print(f"  {'':20s} satisfaction gain per seed: " + " ".join(f"{g:+.3f}" for g in gains))
    access, low = runs(DEMO3_SCENARIO, **DEMO3["(c) access list"]), runs(DEMO3_SCENARIO, **DEMO3["burden 0.3"])
    gap = base["backlog"] - access["backlog"]
    print(f"seed 0, daily backlog overloaded minus access list: smallest {gap[30:].min():.0f} on day "
          f"{30 + int(np.argmin(gap[30:]))} (days 30-365); burden 0.3 above the access list on "
          f"{int((low['backlog'][1:] > access['backlog'][1:]).sum())} of 365 days")


def demonstration_4(runs: Runs, seeds: int) -> None:
    """Red property, cross-appointment and three-party linkage switched on at day 180 during the run, against the
    default left alone (and against demonstration 1's run with them all year)."""
    print(f"\n## Demonstration 4 — red property from mid-year (default; the three levers moved on day {DEMO4_DAY})")
    day = DEMO4_DAY
    base, mid, year = runs("default"), runs("default", moved=RED_PROPERTY, moved_on=day), runs("default", **RED_PROPERTY)
    same = all(np.array_equal(base[name][:day + 1], mid[name][:day + 1], equal_nan=True)
               for name in ("stalemates", "backlog", "satisfaction_mean"))
    print(f"seed 0: identical to the default up to day {day}: {same}; stalemates day {day} {base['stalemates'][day]:.0f}")
    print(f"seed 0, day 365: stalemates {base['stalemates'][365]:.0f} default vs {mid['stalemates'][365]:.0f} mid-year "
          f"vs {year['stalemates'][365]:.0f} all year; added since day {day}: "
          f"{base['stalemates'][365] - base['stalemates'][day]:.0f} vs {mid['stalemates'][365] - mid['stalemates'][day]:.0f}; "
          f"resolution {pct(base['resolution_rate'][365])} vs {pct(mid['resolution_rate'][365])}; backlog "
          f"{base['backlog'][365]:.0f} vs {mid['backlog'][365]:.0f}; satisfaction {base['satisfaction_mean'][365]:.3f} vs "
          f"{mid['satisfaction_mean'][365]:.3f}; staff hours in meetings {mid['meeting_staff_hours'][365]:.0f}")
    b = [runs("default", seed) for seed in range(seeds)]
    m = [runs("default", seed, moved=RED_PROPERTY, moved_on=day) for seed in range(seeds)]
    added = [(x["stalemates"][365] - x["stalemates"][day], y["stalemates"][365] - y["stalemates"][day])
             for x, y in zip(b, m, strict=True)]
    print(f"[{seeds} seeds], stalemates added since day {day}: {mean([a for a, _ in added]):.1f} default vs "
          f"{mean([c for _, c in added]):.1f} mid-year; fewer in {sum(c < a for a, c in added)} of {seeds}")
    for name, fmt in (("resolution_rate", "{:.4f}"), ("backlog", "{:.1f}"), ("satisfaction_mean", "{:.4f}")):
        x, y = [r[name][365] for r in b], [r[name][365] for r in m]
        print(f"[{seeds} seeds], day 365, default vs mid-year {name}: {fmt.format(mean(x))} vs {fmt.format(mean(y))}; "
              f"higher in {sum(c > a for a, c in zip(x, y, strict=True))}, lower in "
              f"{sum(c < a for a, c in zip(x, y, strict=True))} of {seeds}")


def main() -> None:
    """Compute every run the guide needs, then print each demonstration's numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=6, help="seeds for typical values (the guide's [6 seeds])")
    parser.add_argument("--seeds-long", type=int, default=10,
                        help="seeds for demonstration 1's year-end comparison (the guide's [10 seeds])")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    page_levers = {XA_COMMITTEE, XA_PROPERTY, LINKAGE, POINTS, CNY_PER_POINT, FEEDBACK, FULL_TIME, FUNDING, BURDEN,
                   ACCESS_LIST}
    missing = page_levers - set(LEVERS_BY_PATH)
    if missing:  # the guide asks teachers to move these on the page: they must still be there
        parser.error(f"not levers of the classroom page any more: {', '.join(sorted(missing))}")
    print(f"Classroom guide numbers, model version {MODEL_VERSION}")
    runs = Runs(runs_needed(args.seeds, max(args.seeds, args.seeds_long)), args.workers)
    demonstration_1(runs, args.seeds_long)
    demonstration_2(runs, args.seeds)
    demonstration_3(runs, args.seeds)
    demonstration_4(runs, args.seeds_long)


if __name__ == "__main__":
    main()
