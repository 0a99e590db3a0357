"""Global sensitivity analysis of an experiment's results with SALib: Sobol indices and Morris screening.

The experiment file chooses the design (``design = "sobol"`` or ``"morris"``); the runs go through
the ordinary runner (:func:`cogov.experiments.runner.run_sweep`), so they resume and scale like any
sweep; this module reads the results folder and computes the indices.

Run counts, for D varied parameters (each times ``replicates``):

- Sobol (Saltelli/Jansen estimators): N·(D+2) runs, or N·(2D+2) with ``second_order = true``;
  N (``samples``) a power of 2. Confidence intervals shrink like 1/√N; N = 512-1024 gives
  first-order indices to about ±0.05-0.1 on a smooth function, a noisy model needs more.
- Morris (elementary effects): r·(D+1) runs for r trajectories (``samples``); r = 10-50 is
  usual for screening which parameters matter at all.

The output of a design point is the mean over its replicates, so the noise of a stochastic model
is averaged before the analysis; indices describe how the *expected* outcome depends on the
parameters. Replicates share seeds across points (common random numbers), which keeps the
differences between points free of most of that noise.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cogov.analysis import figures
from cogov.experiments.design import build_design
from cogov.experiments.spec import Experiment
from cogov.experiments.store import MANIFEST, ResultStore
from cogov.sim.labels import parameter_text
from cogov.sim.outcomes.registry import parse_community_column
from cogov.sim.scenario import ScenarioError

METHODS = ("sobol", "morris")
CONF_LEVEL = 0.95
MAX_PANELS = 6
COLUMNS = ["output", "parameter", "index", "value", "conf", "ci_low", "ci_high"]

RUN_COLUMNS = frozenset({"run_id", "point_id", "replicate", "seed", "run_key", "status", "error", "seconds",
                         "experiment_digest", "cogov_version", "git_commit", "base_scenario_digest"})
"""Columns of a run row that describe the run, not its outcome (see experiments.runner._rows)."""

AXIS_LABELS = {
    "sobol": "Sobol index: share of the output's variance (error bars: 95 % CI)",
    "morris": "μ*: mean |elementary effect| = output change per full range of the parameter (error bars: 95 % CI)",
}
AXIS_LABELS_ZH = {
    "sobol": "Sobol 指数：占输出方差的比例（误差线：95% 置信区间）",
    "morris": "μ*：基本效应绝对值的均值 = 参数取遍全范围时输出的变化（误差线：95% 置信区间）",
}
TITLES = {"en": "{experiment}: {method} sensitivity indices{more}", "zh": "{experiment}：{method} 敏感性指数{more}"}
MORE = {"en": " (first {shown} of {total} outputs)", "zh": "（仅显示 {total} 个输出中的前 {shown} 个）"}


MORRIS_MIN_TRAJECTORIES = 10
"""Fewer Morris trajectories than this rank parameters unstably (r = 10-50 is usual; Campolongo et al. 2007)."""
SOBOL_MIN_SAMPLES = 512
"""Fewer Sobol base samples than this give first-order indices wider than about ±0.1 on a smooth function."""


def design_warnings(experiment: Experiment) -> list[str]:
    """What the reader of the indices must know about the design's size: too few Morris trajectories, too few
    Sobol samples (with the convergence check to make)."""
    section = experiment.spec.experiment
    if section.design == "morris" and section.samples < MORRIS_MIN_TRAJECTORIES:
        return [(f"only {section.samples} Morris trajectories: {MORRIS_MIN_TRAJECTORIES}-50 are usual, and on fewer "
                "the ranking of parameters by mu* is unstable (Campolongo et al. 2007); treat it as a first look")]
    if section.design == "sobol" and section.samples < SOBOL_MIN_SAMPLES:
        return [(f"N = {section.samples} Sobol samples: first-order indices to about ±0.1 need {SOBOL_MIN_SAMPLES} "
                "or more; read the confidence intervals, and check convergence by running again with twice the "
                "samples (the indices should not move beyond them)")]
    if section.design == "sobol":
        return [("convergence: Sobol indices are estimates; running again with twice the samples and finding the same "
                "indices within their intervals is the check")]
    return []


def plot_morris_sigma(table: pd.DataFrame, experiment: str, path: Path | None = None, max_panels: int = MAX_PANELS,
                      lang: str = "en") -> Figure:
    """Morris's μ*–σ plane, one panel per output: each parameter at (μ*, σ), labelled; the line σ = μ* separates
    parameters whose effect is about the same wherever the others are (below) from those whose effect changes with
    them, through non-linearity or interaction (above; Morris 1991)."""
    lang = figures.resolve_lang(lang)
    outputs = list(pd.unique(table["output"]))[:max_panels]
    titles = [figures.metric_name(output, lang) for output in outputs]
    with figures.style(lang):
        fig = Figure(figsize=(9.0, 3.6 * len(outputs) + 0.8), layout="constrained")
        axes = fig.subplots(len(outputs), 1, squeeze=False)[:, 0]
        for ax, output, title in zip(axes, outputs, titles, strict=True):
            rows = table[table["output"] == output].pivot_table(index="parameter", columns="index", values="value")
            ax.scatter(rows["mu_star"], rows["sigma"], s=24, zorder=3)
            for name, row in rows.iterrows():
                ax.annotate(parameter_text(str(name), lang, with_unit=False), (row["mu_star"], row["sigma"]),
                            fontsize=7, xytext=(3, 3), textcoords="offset points")
            reach = float(np.nanmax([rows["mu_star"].max(), rows["sigma"].max(), 1e-12])) * 1.1
            ax.plot([0, reach], [0, reach], color="0.5", linestyle="--", linewidth=0.8)
            ax.set_xlim(0, reach)
            ax.set_ylim(0, reach)
            ax.set_title(title, loc="left", fontsize=10)
            ax.set_xlabel("μ*", fontsize=8)
            ax.set_ylabel("σ", fontsize=8)
        fig.suptitle(SIGMA_TITLES[lang].format(experiment=experiment))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, dpi=120)
    return fig


SIGMA_TITLES = {"en": "{experiment}: Morris μ*–σ (above the dashed line: effects that change with the other "
                      "parameters)",
                "zh": "{experiment}：Morris μ*–σ 图（虚线以上：效应随其他参数而变）"}


class SensitivityError(ScenarioError):
    """Results that cannot be analysed (missing or failed runs, unknown or undefined outputs)."""


def check_method(experiment: Experiment, method: str) -> None:
    """Raise :class:`ScenarioError` unless the experiment's design is the sampling ``method`` needs."""
    if method not in METHODS:
        raise ScenarioError(experiment.source, [f"unknown method {method!r}; choose from {', '.join(METHODS)}"])
    design = experiment.spec.experiment.design
    if design != method:
        raise ScenarioError(experiment.source, [
            f"experiment design is {design!r}; --method {method} needs design = {method!r}"])


def analyse(experiment: Experiment, directory: Path, outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Sensitivity indices of the experiment's outputs from its results folder, as a tidy table.

    The method is the experiment's design (``sobol`` or ``morris``). Y of a design point is the
    mean over that point's replicates (NaN replicates, e.g. a ratio with nothing to divide, left
    out). Every point needs all its replicates recorded as ``ok``: the estimators use the points
    in SALib's order, so a point without results makes the analysis impossible and raises
    :class:`SensitivityError` (re-run with ``--retry-failed``).

    ``outputs``: names of outcome columns; default, every numeric outcome that varies across
    points and is defined at all of them, except a street's per-community outcomes (``c1_satisfaction_mean``…);
    those left out are listed in ``table.attrs["skipped"]``.

    Columns: output, parameter, index (S1, ST, S2 / mu, mu_star, sigma), value, conf (half-width
    of the 95 % confidence interval; NaN where SALib gives none), ci_low, ci_high. For S2 the
    parameter is ``a:b``.
    """
    method = experiment.spec.experiment.design
    if method not in METHODS:
        raise ScenarioError(experiment.source, [
            f"experiment design is {method!r}; sensitivity analysis needs 'sobol' or 'morris'"])
    design = build_design(experiment)
    runs = _read_runs(experiment, Path(directory))
    means = point_means(runs, len(design), experiment.spec.experiment.replicates, Path(directory))
    chosen, skipped = select_outputs(means, outputs, Path(directory))
    section = experiment.spec.experiment
    rows: list[dict[str, object]] = []
    for output in chosen:
        y = means[output].to_numpy(dtype=float)
        if method == "sobol":
            rows += _sobol_rows(output, design.problem, y, section.second_order, section.master_seed)
        else:
            rows += _morris_rows(output, design.problem, design.matrix, y, section.morris_levels, section.master_seed)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs.update(experiment=experiment.name, method=method, skipped=skipped)
    return table


def _read_runs(experiment: Experiment, directory: Path) -> pd.DataFrame:
    manifest = directory / MANIFEST
    if not manifest.exists():
        raise SensitivityError(str(directory), [
            "no results here; run the experiment first (cogov sensitivity or cogov sweep)"])
    if json.loads(manifest.read_text(encoding="utf-8")).get("experiment_digest") != experiment.digest:
        raise SensitivityError(str(directory), ["this results folder holds a different experiment"])
    return ResultStore(directory).read_runs()


def point_means(runs: pd.DataFrame, points: int, replicates: int, directory: Path = Path(".")) -> pd.DataFrame:
    """Mean over replicates of every numeric outcome, one row per design point (index: point_id).

    Raise :class:`SensitivityError` naming how many points lack a complete set of ``ok`` runs.
    """
    if runs.empty:
        runs = pd.DataFrame({"point_id": pd.Series(dtype=int), "status": pd.Series(dtype=str)})
    status = runs["status"]
    ok = runs[status == "ok"]
    complete = ok.groupby("point_id").size().reindex(range(points), fill_value=0) >= replicates
    if not complete.all():
        failed = int((status == "failed").sum())
        missing = points * replicates - len(ok) - failed
        raise SensitivityError(str(directory), [
            (f"{int((~complete).sum())} of {points} design points lack results ({failed} runs failed, "
             f"{missing} not run); every point is needed: run again with --retry-failed, or let the sweep finish")])
    numeric = [c for c in outcome_columns(ok) if pd.api.types.is_numeric_dtype(ok[c])]
    return ok.groupby("point_id")[numeric].mean().sort_index()


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """Columns of the run table that are outcomes (not run bookkeeping or parameters)."""
    return [c for c in runs.columns if c not in RUN_COLUMNS and not c.startswith("param:")]


def select_outputs(means: pd.DataFrame, requested: Sequence[str] | None,
                   directory: Path = Path(".")) -> tuple[list[str], dict[str, str]]:
    """The outputs to analyse and, for the default choice, those left out with the reason.

    An output asked for by name must exist, be defined at every point and vary; otherwise
    :class:`SensitivityError` says which and why.
    """
    if requested:
        problems = [_output_problem(means, name) for name in requested]
        problems = [p for p in problems if p]
        if problems:
            raise SensitivityError(str(directory), problems)
        return list(requested), {}
    chosen, skipped = [], {}
    # a street's communities one by one (c1_satisfaction_mean…) would multiply the outputs by the communities: they
    # are analysed when asked for by name, and left out of the default choice in one line
    per_community = [name for name in means.columns if parse_community_column(name) is not None]
    if per_community:
        skipped[f"{per_community[0]} … {per_community[-1]}"] = (
            f"{len(per_community)} outcomes of a street's communities one by one; ask for one by name (--outputs)")
    for name in [n for n in means.columns if n not in per_community]:
        values = means[name]
        if not values.notna().all():
            skipped[name] = f"undefined at {int(values.isna().sum())} points"
        elif values.max() > values.min():
            chosen.append(name)
    if not chosen:
        raise SensitivityError(str(directory), ["no outcome varies across the design points"])
    return chosen, skipped


def _output_problem(means: pd.DataFrame, name: str) -> str | None:
    if name not in means.columns:
        close = difflib.get_close_matches(name, list(means.columns), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else f" (outputs: {', '.join(means.columns)})"
        return f"output {name!r}: not an outcome of these runs{hint}"
    values = means[name]
    if not values.notna().all():
        return f"output {name!r}: undefined (NaN) at {int(values.isna().sum())} design points"
    if not values.max() > values.min():
        return f"output {name!r}: does not vary across the design points, so it has no sensitivity indices"
    return None


def _row(output: str, parameter: str, index: str, value: float, conf: float = math.nan) -> dict[str, object]:
    value, conf = float(value), float(conf)
    return {"output": output, "parameter": parameter, "index": index, "value": value, "conf": conf,
            "ci_low": value - conf, "ci_high": value + conf}


def _sobol_rows(output: str, problem: dict[str, Any], y: np.ndarray, second_order: bool, seed: int) -> list[dict[str, object]]:
    from SALib.analyze import sobol

    si = sobol.analyze(problem, y, calc_second_order=second_order, conf_level=CONF_LEVEL, seed=seed)
    names = problem["names"]
    rows = [_row(output, n, key, si[key][i], si[f"{key}_conf"][i]) for key in ("S1", "ST") for i, n in enumerate(names)]
    if second_order:
        rows += [_row(output, f"{names[i]}:{names[j]}", "S2", si["S2"][i, j], si["S2_conf"][i, j])
                 for i in range(len(names)) for j in range(i + 1, len(names))]
    return rows


def _morris_rows(output: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int,
                 seed: int) -> list[dict[str, object]]:
    from SALib.analyze import morris

    si = morris.analyze(problem, x, y, conf_level=CONF_LEVEL, num_levels=levels, seed=seed)
    rows = []
    for i, name in enumerate(problem["names"]):
        rows += [_row(output, name, "mu", si["mu"][i]),
                 _row(output, name, "mu_star", si["mu_star"][i], si["mu_star_conf"][i]),
                 _row(output, name, "sigma", si["sigma"][i])]
    return rows


def summary_rows(table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The table for a terminal: one row per (output, parameter), most influential first.

    Sobol: S1 and ST with their CIs (and S2 rows ``a:b``); Morris: μ* with its CI, μ and σ.
    """
    method = table.attrs.get("method", "sobol" if "ST" in set(table["index"]) else "morris")
    keys = ("S1", "ST", "S2") if method == "sobol" else ("mu_star", "mu", "sigma")
    rank = "ST" if method == "sobol" else "mu_star"
    columns = ["output", "parameter"] + [_heading(k) for k in keys if k in set(table["index"])]
    rows = []
    for output, group in table.groupby("output", sort=False):
        wide = group.pivot(index="parameter", columns="index", values=["value", "conf"])
        order = wide[("value", rank)].fillna(-math.inf).sort_values(ascending=False).index
        for parameter in order:
            cells = [_cell(wide.loc[parameter, ("value", k)], wide.loc[parameter, ("conf", k)])
                     for k in keys if k in set(group["index"])]
            rows.append([str(output), str(parameter)] + cells)
    return columns, rows


def _heading(key: str) -> str:
    return {"mu_star": "μ* [95 % CI]", "mu": "μ", "sigma": "σ"}.get(key, f"{key} [95 % CI]")


def _cell(value: float, conf: float) -> str:
    if not math.isfinite(value):
        return ""
    if not math.isfinite(conf):
        return f"{value:.3g}"
    return f"{value:.3g} [{value - conf:.3g}, {value + conf:.3g}]"


def plot_indices(table: pd.DataFrame, experiment: str, method: str, path: Path | None = None,
                 max_panels: int = MAX_PANELS, lang: str = "en") -> Figure:
    """Horizontal bars of the indices with 95 % CI error bars, one panel per output (the first few).

    Sobol: S1 and ST side by side per parameter; Morris: μ* per parameter. Parameters and outputs
    carry their names in ``lang``: parameters from :mod:`cogov.sim.labels` (a parameter without a
    label, e.g. a test function's ``x1``, is shown by its path), outputs from the outcome registry
    (:mod:`cogov.sim.outcomes.registry`; an undeclared output raises
    :class:`~cogov.sim.outcomes.registry.UndeclaredOutcome` before anything is drawn). Drawn on a bare :class:`~matplotlib.figure.Figure` (no
    pyplot, no display needed) in the house style, and saved as PNG to ``path``.
    """
    lang = figures.resolve_lang(lang)
    outputs = list(pd.unique(table["output"]))[:max_panels]
    titles = [figures.metric_name(output, lang) for output in outputs]  # undeclared: fail before drawing
    keys = ("S1", "ST") if method == "sobol" else ("mu_star",)
    parameters = list(pd.unique(table.loc[table["index"] == keys[0], "parameter"]))
    height = 1.0 + len(outputs) * (0.5 + 0.32 * len(parameters) * len(keys))
    axis_label = (AXIS_LABELS if lang == "en" else AXIS_LABELS_ZH)[method]
    with figures.style(lang):
        fig = Figure(figsize=(9.0, max(3.0, height)), layout="constrained")
        axes = fig.subplots(len(outputs), 1, squeeze=False)[:, 0]
        for ax, output, title in zip(axes, outputs, titles, strict=True):
            _draw_panel(ax, table[table["output"] == output], parameters, keys,
                        [parameter_text(p, lang, with_unit=False) for p in parameters])
            ax.set_title(title, loc="left", fontsize=10)
            ax.set_xlabel(axis_label, fontsize=8)
        total = len(pd.unique(table["output"]))
        more = MORE[lang].format(shown=len(outputs), total=total) if total > len(outputs) else ""
        fig.suptitle(TITLES[lang].format(experiment=experiment, method="Sobol" if method == "sobol" else "Morris",
                                         more=more))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, dpi=120)
    return fig


def _draw_panel(ax: Axes, rows: pd.DataFrame, parameters: list[str], keys: Sequence[str], labels: list[str]) -> None:
    positions = np.arange(len(parameters), dtype=float)
    height = 0.8 / len(keys)
    for k, key in enumerate(keys):
        part = rows[rows["index"] == key].set_index("parameter").reindex(parameters)
        offset = (k - (len(keys) - 1) / 2) * height
        ax.barh(positions + offset, part["value"], height=height, xerr=part["conf"].fillna(0.0),
                capsize=3, label=key, error_kw={"elinewidth": 1})
    ax.set_yticks(positions, labels, fontsize=8)
    ax.invert_yaxis()  # first parameter of the file on top
    ax.axvline(0.0, color="black", linewidth=0.6)
    if len(keys) > 1:
        ax.legend(fontsize=8, loc="lower right")


__all__ = ["AXIS_LABELS", "COLUMNS", "CONF_LEVEL", "METHODS", "SensitivityError", "analyse", "check_method",
           "design_warnings", "outcome_columns", "plot_indices", "plot_morris_sigma", "point_means", "select_outputs",
           "summary_rows"]
