"""Virtuous and vicious circles: does a community settle into a good or a bad regime depending on where it starts?

Reads the results of ``experiments/examples/regimes.toml`` (three starts — weak, middle, strong party
organisations and trust — × funding × burden, three years, common seeds) and asks two questions:

1. **Path dependence.** Do the final states keep their start? For each (funding, burden) cell, the strong
   start's final value minus the weak start's, as a share of the difference they started with: near 1, the
   start is kept (two regimes, or very slow forgetting); near 0, both end in the same state (one regime).
2. **Bimodality.** Do replicates from the same start end in two clusters? Sarle's bimodality coefficient
   b = (g² + 1) / (k + 3(n − 1)² / ((n − 2)(n − 3))) over the replicates' final values (g skewness, k excess
   kurtosis); b > 5/9 (the value of a uniform distribution) hints at two modes. With few replicates it is a
   weak test, so a claim of two regimes needs both questions to agree.

Writes a table (``regimes.csv``) and a figure (``regimes.png``: final branch strength and trust against
funding, one line per start, and the trajectories at the default funding) next to the results, or where
``--out`` says.

    cogov sweep experiments/examples/regimes.toml --out results/regimes
    python scripts/regimes.py results/regimes --out docs/img
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from cogov.analysis import figures
from cogov.analysis.results import load_runs, load_series
from cogov.analysis.stats import t_interval

OUTCOMES = ("branch_strength", "party_strength", "trust_mean", "satisfaction_mean", "resolution_rate")
STARTS = {"regimes/weak_start.toml": "weak", "regimes/middle_start.toml": "middle", "regimes/strong_start.toml": "strong"}
INITIAL = {"branch_strength": (0.15, 0.85), "party_strength": (0.15, 0.85), "trust_mean": (0.35, 0.65)}
"""Mean start of the weak and strong starts (the scenario files of the experiment)."""
FUNDING, BURDEN = "levers.funding.annual_cny", "levers.burden.admin_share"


def bimodality(values: np.ndarray) -> float:
    """Sarle's bimodality coefficient (NaN below four values or without spread)."""
    n = len(values)
    if n < 4 or np.allclose(values, values[0]):
        return float("nan")
    g, k = stats.skew(values, bias=False), stats.kurtosis(values, bias=False)
    return float((g**2 + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def analyse(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (funding, burden, outcome): final means by start, path dependence, bimodality."""
    runs = runs.assign(start=runs["scenario"].map(STARTS))
    rows = []
    for (funding, burden), cell in runs.groupby([FUNDING, BURDEN]):
        for outcome in OUTCOMES:
            row = {"funding_cny": funding, "admin_share": burden, "outcome": outcome}
            finals = {start: cell.loc[cell["start"] == start, outcome].to_numpy(float) for start in STARTS.values()}
            for start, values in finals.items():
                mean, low, high = t_interval(values)
                row |= {f"{start}_mean": mean, f"{start}_low": low, f"{start}_high": high,
                        f"{start}_bimodality": bimodality(values)}
            if outcome in INITIAL:
                weak0, strong0 = INITIAL[outcome]
                paired = finals["strong"] - finals["weak"]  # same replicate seeds: paired
                mean, low, high = t_interval(paired / (strong0 - weak0))
                row |= {"kept_share": mean, "kept_low": low, "kept_high": high}
            rows.append(row)
    return pd.DataFrame(rows)


def plot(runs: pd.DataFrame, series: pd.DataFrame, path: Path) -> None:
    """Final branch strength and trust against funding by start (one panel per burden), and trajectories."""
    runs = runs.assign(start=runs["scenario"].map(STARTS))
    series = series.assign(start=series["scenario"].map(STARTS))
    burdens = sorted(runs[BURDEN].unique())
    colours = dict(zip(STARTS.values(), figures.PALETTE, strict=False))
    with figures.style():
        fig = figures.Figure(figsize=(12, 7.5))
        grid = fig.add_gridspec(2, len(burdens) + 1)
        for row, outcome in enumerate(("branch_strength", "trust_mean")):
            for col, burden in enumerate(burdens):
                ax = fig.add_subplot(grid[row, col])
                for start, colour in colours.items():
                    cell = runs[(runs[BURDEN] == burden) & (runs["start"] == start)]
                    stats_by = cell.groupby(FUNDING)[outcome].apply(lambda v: t_interval(v.to_numpy(float)))
                    x = np.array(stats_by.index, dtype=float) / 1000
                    mean = np.array([s[0] for s in stats_by])
                    ax.plot(x, mean, marker="o", color=colour, label=f"{start} start")
                    ax.fill_between(x, [s[1] for s in stats_by], [s[2] for s in stats_by], color=colour, alpha=0.2)
                ax.set_title(f"{figures.metric_label(outcome, 'en')}: year 3, burden {burden:g}", loc="left", fontsize=9)
                ax.set_xlabel("Community funds (thousand CNY a year)")
                if row == 0 and col == 0:
                    ax.legend(frameon=False)
            ax = fig.add_subplot(grid[row, len(burdens)])
            default = series[(series[FUNDING] == 200_000) & (series[BURDEN] == 0.5)]
            for start, colour in colours.items():
                for _, run in default[default["start"] == start].groupby("run_id"):
                    ax.plot(run["day"] / 365, run[outcome], color=colour, alpha=0.5, linewidth=1)
            ax.set_title(f"{figures.metric_label(outcome, 'en')}: runs at 200k CNY, burden 0.5", loc="left", fontsize=9)
            ax.set_xlabel("Years")
        fig.tight_layout()
        fig.savefig(path)


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="results folder of experiments/examples/regimes.toml")
    parser.add_argument("--out", type=Path, help="folder for regimes.csv and regimes.png (default: the results folder)")
    args = parser.parse_args()
    out = args.out or args.directory
    out.mkdir(parents=True, exist_ok=True)
    runs, series = load_runs(args.directory), load_series(args.directory)
    table = analyse(runs)
    table.to_csv(out / "regimes.csv", index=False)
    plot(runs, series, out / "regimes.png")
    kept = table.dropna(subset=["kept_share"])
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(kept[["funding_cny", "admin_share", "outcome", "weak_mean", "middle_mean", "strong_mean", "kept_share",
                    "kept_low", "kept_high"]].round(3).to_string(index=False))
        flagged = table[[c for c in table.columns if c.endswith("_bimodality")]].to_numpy(float)
        print(f"bimodality coefficient > 5/9 in {int(np.nansum(flagged > 5 / 9))} of {int(np.isfinite(flagged).sum())} "
              "(cell, start, outcome) groups")
    print(f"wrote {out / 'regimes.csv'} and {out / 'regimes.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
