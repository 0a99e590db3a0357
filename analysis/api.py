"""One call from a notebook: run an experiment and get its results as tidy DataFrames with plotting methods.

    from cogov import run_experiment

    results = run_experiment("experiments/examples/lhs_capacity.toml", workers=2)
    results.runs            # one row per run: identifiers, parameters by key path, outcomes, provenance
    results.tidy            # one row per (run, outcome)
    results.series          # the kept daily series, with each run's parameters
    results.compare(by="levers.grid.full_time_workers", baseline=1)
    results.plot_series("backlog", by="levers.grid.full_time_workers")   # mean and band per design point
    results.discover("mean_days_to_resolve > 4")                         # PRIM box and CART leaves

An experiment is a file or a mapping in the experiment format (validated the same way). The runs go through the
resumable runner into a results folder, so running the same call again reuses every recorded run. The progress bar
is :mod:`tqdm.auto`'s: a widget in Jupyter, a line in a log. Figures are matplotlib figures, which a notebook
displays inline.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from cogov.analysis import figures
from cogov.analysis.results import compare, load_runs, load_series, load_tidy, parameters
from cogov.experiments.backends import default_workers, open_executor
from cogov.experiments.design import run_count
from cogov.experiments.runner import SweepReport, run_sweep
from cogov.experiments.spec import Experiment, load_experiment, validate_experiment


@dataclass
class Results:
    """A results folder, read lazily as DataFrames, with the analyses that compose with them."""

    directory: Path
    report: SweepReport | None = field(default=None, repr=False)

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per successful run (:func:`cogov.analysis.results.load_runs`)."""
        return load_runs(self.directory)

    @cached_property
    def tidy(self) -> pd.DataFrame:
        """One row per (run, outcome) (:func:`cogov.analysis.results.load_tidy`)."""
        return load_tidy(self.directory)

    @cached_property
    def series(self) -> pd.DataFrame:
        """The kept daily series with each run's parameters (:func:`cogov.analysis.results.load_series`)."""
        return load_series(self.directory)

    def compare(self, by: str = "scenario", baseline: Any = None, outcomes: list[str] | None = None,
                within: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """The paired comparison of the values of ``by`` (:func:`cogov.analysis.results.compare`): a numeric
        baseline is matched by value, other swept parameters are never pooled (``within`` fixes them)."""
        return compare(self.directory, by=by, baseline=None if baseline is None else str(baseline),
                       outcomes=outcomes, at=within)

    def plot_series(self, metric: str, by: str, lang: str = "en", envelope: bool = False) -> Figure:
        """Daily ``metric`` per value of ``by``: mean with a t-band over replicates, or the envelope (lowest to
        highest run) with ``envelope`` (:func:`cogov.analysis.figures.series_by_value`)."""
        return figures.series_by_value(self.series, metric, by, lang=lang, envelope=envelope)

    def discover(self, where: str) -> Any:
        """Scenario discovery over the swept parameters (:func:`cogov.analysis.discovery.discover`, PRIM and CART;
        the optional extra ``cogov[discovery]``): ``where`` is a condition such as ``"resolution_rate < 0.8"``."""
        from cogov.analysis.discovery import discover, parse_condition

        return discover(self.runs, parameters(self.runs), parse_condition(where))

    def response_curve(self, parameter: str, metric: str, lang: str = "en", by: str | None = None) -> Figure:
        """End-of-run ``metric`` against ``parameter`` (:func:`cogov.analysis.figures.response_curve`)."""
        return figures.response_curve(self.runs, parameter, metric, lang=lang, by=by)


def run_experiment(spec: str | Path | Mapping[str, Any], *, out: str | Path | None = None, backend: str = "local",
                   workers: int | None = None, progress: bool = True, base_dir: str | Path = ".") -> Results:
    """Run (or resume) an experiment and return its :class:`Results`.

    Args:
        spec: an experiment file, or a mapping in the experiment format (``{"experiment": {...},
            "parameters": {...}}``); scenario paths are relative to the file, or to ``base_dir`` for a mapping.
        out: results folder (default: the experiment's, ``results/<name>``).
        backend: ``serial``, ``local`` (a process pool) or ``dask``.
        workers: runs at once (default: the machine's cores).
        progress: show a progress bar (:mod:`tqdm.auto`) and what was reused.

    Run again after changing the design (more levels, values, samples, replicates; another parameter), the folder
    grows: every run already recorded that the new design plans is reused, the rest kept aside
    (:meth:`cogov.experiments.store.ResultStore.grow`).
    """
    experiment = _experiment(spec, Path(base_dir))
    directory = experiment.results_dir(Path(out) if out is not None else None)
    workers = workers or default_workers()
    bar = _progress_bar(run_count(experiment), experiment.name) if progress else None

    def advance(done: int, failed: int, pending: int) -> None:
        if bar is not None:
            bar.total = pending
            bar.n = done + failed
            bar.set_postfix(failed=failed, refresh=False)
            bar.refresh()

    try:
        with open_executor(backend, workers) as executor:
            report = run_sweep(experiment, directory, executor, workers=workers, on_progress=advance)
    finally:
        if bar is not None:
            bar.close()
    if report.interrupted:
        raise KeyboardInterrupt(f"interrupted: every finished run is kept in {directory}; run again to resume")
    if report.grown and progress:
        print(report.grown, file=sys.stderr)  # an edited design reused the runs in common: say so, as the CLI does
    return Results(directory, report)


def _experiment(spec: str | Path | Mapping[str, Any], base_dir: Path) -> Experiment:
    if isinstance(spec, Mapping):
        return validate_experiment(dict(spec), source="<experiment>", base_dir=base_dir)
    return load_experiment(spec)


def _progress_bar(total: int, name: str) -> Any:
    from tqdm.auto import tqdm  # a widget in Jupyter, a line elsewhere

    return tqdm(total=total, desc=name, unit="run")
