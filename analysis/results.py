"""Results folders as pandas DataFrames: the small Python API for people who work in pandas.

A results folder is what ``cogov sweep``, ``cogov sensitivity`` and ``cogov compare`` write
(:mod:`cogov.experiments.store`). This module reads it in the shapes analysts use::

    from cogov.analysis.results import load_runs, load_tidy, load_series, compare

    runs = load_runs("results/compare-default-red_property")      # one row per run, wide
    tidy = load_tidy("results/compare-default-red_property")      # one row per (run, outcome)
    table = compare("results/compare-default-red_property", by="scenario", baseline="default")

Swept parameters appear under their key path (``levers.funding.annual_cny``, ``scenario``) rather
than the store's internal ``param:`` prefix; failed runs are left out unless asked for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cogov.analysis.compare import compare_runs, match_baseline
from cogov.experiments.store import MANIFEST, ResultStore
from cogov.sim.scenario import ScenarioError

PARAM_PREFIX = "param:"
RUN_COLUMNS: tuple[str, ...] = ("run_id", "point_id", "replicate", "seed", "run_key", "status", "error", "seconds")
"""Columns that identify or describe a run, not its outcome."""
PROVENANCE_COLUMNS: tuple[str, ...] = ("experiment_digest", "cogov_version", "git_commit", "base_scenario_digest")
"""Columns recording what produced a run."""


def _store(directory: str | Path) -> ResultStore:
    folder = Path(directory)
    if not (folder / MANIFEST).is_file():
        raise ScenarioError(str(folder), [(f"not a results folder (no {MANIFEST}); give a folder written by "
                                           "cogov sweep, sensitivity or compare")])
    return ResultStore(folder)


def manifest(directory: str | Path) -> dict[str, Any]:
    """The folder's ``experiment.json``: the experiment, its digest, versions and git commit."""
    return json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))


def parameters(runs: pd.DataFrame) -> list[str]:
    """The swept parameter columns of a frame from :func:`load_runs` (in the experiment's order)."""
    return list(runs.attrs.get("parameters", []))


def load_runs(directory: str | Path, include_failed: bool = False) -> pd.DataFrame:
    """One row per run: identifiers, swept parameters by key path, every outcome, provenance.

    ``frame.attrs["parameters"]`` lists the parameter columns and ``frame.attrs["outcomes"]`` the
    outcome columns, so code need not guess which is which.
    """
    runs = _store(directory).read_runs()
    if not include_failed and "status" in runs.columns:
        runs = runs[runs["status"] == "ok"].reset_index(drop=True)
    params = [c for c in runs.columns if c.startswith(PARAM_PREFIX)]
    runs = runs.rename(columns={c: c.removeprefix(PARAM_PREFIX) for c in params})
    names = [c.removeprefix(PARAM_PREFIX) for c in params]
    runs.attrs["parameters"] = names
    runs.attrs["outcomes"] = [c for c in runs.columns
                              if c not in names and c not in RUN_COLUMNS and c not in PROVENANCE_COLUMNS]
    return runs


def load_tidy(directory: str | Path, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Long ("tidy") form of the successful runs: one row per (run, outcome) with its ``value``.

    Columns: ``run_id, replicate, seed``, the swept parameters, ``outcome, value``. ``outcomes``
    restricts the rows to those outcomes (all by default).
    """
    runs = load_runs(directory)
    keep = list(outcomes) if outcomes is not None else runs.attrs["outcomes"]
    missing = [o for o in keep if o not in runs.columns]
    if missing:
        raise ScenarioError(str(directory), [f"no outcome {o!r} in these results" for o in missing])
    ids = ["run_id", "replicate", "seed", *parameters(runs)]
    return runs.melt(id_vars=ids, value_vars=keep, var_name="outcome", value_name="value")


def load_series(directory: str | Path) -> pd.DataFrame:
    """The kept daily series (long format: ``run_id, day``, metrics), joined to each run's
    replicate and swept parameters; empty if the experiment kept no series."""
    store = _store(directory)
    series = store.read_series()
    if series.empty:
        return series
    runs = load_runs(directory, include_failed=True)
    keys = ["run_id", "replicate", *parameters(runs)]
    return series.merge(runs[keys], on="run_id", how="left", validate="many_to_one")


def other_factors(runs: pd.DataFrame, by: str) -> dict[str, list[Any]]:
    """The swept parameters other than ``by`` that take more than one value in ``runs``, with their values: a
    comparison by ``by`` that pooled over them would average over an interaction."""
    return {p: sorted(pd.unique(runs[p]).tolist(), key=str) for p in parameters(runs)
            if p != by and runs[p].nunique(dropna=False) > 1}


def within(runs: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The runs at the given values of other swept parameters (matched as :func:`match_baseline` matches values:
    ``0.3`` finds ``0.30``); an unknown parameter or value is a :class:`ScenarioError` listing what there is."""
    problems, mask = [], pd.Series(True, index=runs.index)
    for name, value in settings.items():
        if name not in parameters(runs):
            problems.append(f"{name}: not a swept parameter here (swept: {', '.join(parameters(runs))})")
            continue
        values = [str(v) for v in pd.unique(runs[name])]
        chosen = match_baseline(value, values)
        if chosen is None:
            problems.append(f"{name}: {value} is not among its values ({', '.join(values)})")
            continue
        mask &= runs[name].astype(str) == chosen
    if problems:
        raise ScenarioError("--within", problems)
    return runs[mask]


def compare(directory: str | Path, by: str = "scenario", baseline: str | None = None,
            outcomes: Sequence[str] | None = None, at: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The comparison table (:func:`cogov.analysis.compare.compare_runs`) of a results folder.

    ``by`` is the swept parameter whose values are compared (``scenario`` for ``cogov compare``);
    ``baseline`` is one of its values, the first one run by default. When the folder sweeps other parameters too,
    nothing is pooled over them: ``at`` picks one value of each (:func:`within`), and without it the table holds one
    comparison per combination of their values, in columns named after them (``combination`` numbers them).
    """
    runs = load_runs(directory, include_failed=True)
    if by not in parameters(runs):
        raise ScenarioError(str(directory), [f"{by}: not a swept parameter here (swept: {', '.join(parameters(runs))})"])
    if at:
        runs = within(runs, at)
    chosen = baseline if baseline is not None else str(runs[by].astype(str).iloc[0])
    others = other_factors(runs, by)
    if not others:
        return compare_runs(runs, baseline=chosen, by=by, outcomes=outcomes)
    tables = []
    for number, (values, group) in enumerate(runs.groupby(list(others), sort=True, dropna=False)):
        values = values if isinstance(values, tuple) else (values,)
        table = compare_runs(group, baseline=chosen, by=by, outcomes=outcomes)
        tables.append(table.assign(combination=number, **dict(zip(others, values, strict=True))))
    return pd.concat(tables, ignore_index=True)
