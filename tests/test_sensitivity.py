"""Sensitivity analysis end to end: known Sobol and Morris results on Ishigami through the real runner."""

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer

from cogov.analysis.figures import cjk_font
from cogov.analysis.sensitivity import AXIS_LABELS, SensitivityError, analyse, plot_indices
from cogov.cli import main
from cogov.experiments.backends import open_executor
from cogov.experiments.runner import run_sweep
from cogov.experiments.spec import load_experiment
from cogov.experiments.store import ResultStore
from cogov.experiments.targets import IshigamiTarget
from cogov.sim.labels import parameter_text

PI = 3.141592653589793
NAMES = ["x1", "x2", "x3"]


def ishigami_file(folder: Path, design: str, samples: int, seed: int = 7, **extra: object) -> Path:
    """An Ishigami experiment file with the given design."""
    lines = ["[experiment]", f'name = "ishigami_{design}"', 'target = "ishigami"', f'design = "{design}"',
             f"samples = {samples}", f"master_seed = {seed}"]
    lines += [f"{key} = {str(value).lower()}" for key, value in extra.items()]
    for name in NAMES:
        lines += [f"[parameters.{name}]", f"range = [{-PI}, {PI}]"]
    path = folder / f"ishigami_{design}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_and_analyse(path: Path, out: Path, backend: str = "serial", workers: int = 1) -> pd.DataFrame:
    experiment = load_experiment(path)
    with open_executor(backend, workers) as executor:
        report = run_sweep(experiment, out, executor, workers=workers)
    assert report.failed == 0 and not report.interrupted
    return analyse(experiment, out)


def indices(table: pd.DataFrame, index: str) -> pd.DataFrame:
    return table[table["index"] == index].set_index("parameter")


def test_sobol_on_ishigami_recovers_the_analytic_indices(tmp_path):
    table = run_and_analyse(ishigami_file(tmp_path, "sobol", 1024), tmp_path / "out")
    assert len(table) == 6 and set(table["output"]) == {"y"}
    truth = IshigamiTarget.analytic_indices()
    for index in ("S1", "ST"):
        est = indices(table, index)
        for name in NAMES:
            error = abs(est.loc[name, "value"] - truth[index][name])
            # Deterministic (fixed master seed): each estimate lies inside its own 95 % CI, and, so
            # that a wide CI cannot make the check vacuous, within 0.03 of the truth (N = 1024
            # gives CI half-widths of 0.03-0.08 here).
            assert error <= est.loc[name, "conf"], (index, name, est.loc[name].to_dict())
            assert error < 0.03, (index, name)
    s1, st = indices(table, "S1"), indices(table, "ST")
    assert abs(s1.loc["x3", "value"]) < 0.05 and s1.loc["x3", "ci_low"] < 0 < s1.loc["x3", "ci_high"]
    assert st.loc["x3", "ci_low"] > 0.15  # x3 acts only through its interaction with x1


def test_sobol_second_order_finds_the_x1_x3_interaction(tmp_path):
    # Held for 40 of 40 sampling seeds at N = 1024 (checked beforehand); S2 is the noisiest index.
    table = run_and_analyse(ishigami_file(tmp_path, "sobol", 1024, second_order=True), tmp_path / "out")
    s2 = indices(table, "S2")
    assert list(s2.index) == ["x1:x2", "x1:x3", "x2:x3"]
    truth = {"x1:x2": 0.0, "x1:x3": IshigamiTarget.analytic_indices()["ST"]["x3"], "x2:x3": 0.0}
    for pair, value in truth.items():  # all of x3's variance is its interaction with x1
        assert s2.loc[pair, "ci_low"] <= value <= s2.loc[pair, "ci_high"], pair
    assert s2.loc["x1:x3", "ci_low"] > 0.1


def test_morris_on_ishigami_ranks_as_known(tmp_path):
    # Facts checked beforehand over 200 sampling seeds at r = 200 (all held in ≥ 99.5 % of them):
    # with 4 levels the asymptotic mu* are (7.66, 7.88, 6.26) and sigma (6.25, 7.88, 8.84).
    table = run_and_analyse(ishigami_file(tmp_path, "morris", 200), tmp_path / "out", backend="local", workers=2)
    mu_star, mu, sigma = (indices(table, k)["value"] for k in ("mu_star", "mu", "sigma"))
    assert set(mu_star.nlargest(2).index) == {"x1", "x2"}
    assert mu.loc["x1"] > 0.9 * mu_star.loc["x1"]  # sin x1 (+ b x3^4 sin x1): monotone in x1 at these levels
    assert abs(mu.loc["x2"]) < 0.25 * mu_star.loc["x2"]  # sin^2 x2: effects of both signs cancel in mu
    assert abs(mu.loc["x3"]) < 0.3 * mu_star.loc["x3"]  # x3^4 sin x1: sign set by x1 (interaction)
    assert sigma.idxmax() == "x3" and sigma.loc["x3"] > mu_star.loc["x3"]
    ci = indices(table, "mu_star")
    assert (ci["conf"] >= 0).all() and (ci["ci_low"] <= ci["value"]).all()


def test_sensitivity_command_resumes_and_gives_identical_indices(tmp_path, capsys):
    path, out = ishigami_file(tmp_path, "sobol", 256), tmp_path / "out"
    command = ["sensitivity", str(path), "--method", "sobol", "--backend", "serial", "--out", str(out)]
    assert main(command) == 0
    first = capsys.readouterr().out
    assert "S1 [95 % CI]" in first and "ST [95 % CI]" in first and "x3" in first
    assert "1280 runs" in first and "0 already recorded" in first  # 256 · (3 + 2)
    csv = (out / "sensitivity_sobol.csv").read_bytes()
    assert (out / "sensitivity_sobol.png").stat().st_size > 0

    assert main(command) == 0
    second = capsys.readouterr().out
    assert "done: 0 runs" in second and "1280 already recorded" in second
    assert (out / "sensitivity_sobol.csv").read_bytes() == csv
    assert len(ResultStore(out).read_runs()) == 1280


def test_outputs_option_selects_and_checks_names(tmp_path, capsys):
    path, out = ishigami_file(tmp_path, "morris", 10), tmp_path / "out"
    base = ["sensitivity", str(path), "--method", "morris", "--backend", "serial", "--out", str(out)]
    assert main(base + ["--outputs", "y"]) == 0
    assert set(pd.read_csv(out / "sensitivity_morris.csv")["output"]) == {"y"}
    capsys.readouterr()
    assert main(base + ["--outputs", "y,yy"]) == 2
    err = capsys.readouterr().err
    assert "'yy'" in err and "did you mean y" in err


def test_wrong_method_for_the_design_is_a_clear_input_error(tmp_path, capsys):
    path = ishigami_file(tmp_path, "sobol", 8)
    assert main(["sensitivity", str(path), "--method", "morris", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "experiment design is 'sobol'; --method morris needs design = 'morris'" in " ".join(err.split())
    assert not (tmp_path / "out").exists()  # refused before running anything


def test_failed_runs_make_the_analysis_refuse_with_a_count(tmp_path, capsys):
    path, out = ishigami_file(tmp_path, "sobol", 8), tmp_path / "out"
    experiment = load_experiment(path)
    run_and_analyse(path, out)
    runs = ResultStore(out).read_runs()
    failed = runs[runs["run_id"].isin([3, 4, 17])].copy()  # runs of 3 points (1 replicate each)
    failed["status"], failed["error"], failed["y"] = "failed", "RuntimeError: boom", float("nan")
    ResultStore(out).write(failed.to_dict("records"), None)

    with pytest.raises(SensitivityError, match=r"3 of 40 design points lack results \(3 runs failed, 0 not run\)"):
        analyse(experiment, out)
    command = ["sensitivity", str(path), "--method", "sobol", "--backend", "serial", "--out", str(out)]
    assert main(command) == 2
    assert "--retry-failed" in capsys.readouterr().err
    assert main(command + ["--retry-failed"]) == 0
    assert "3 runs" in capsys.readouterr().out


def test_analysis_without_results_says_so(tmp_path):
    experiment = load_experiment(ishigami_file(tmp_path, "sobol", 8))
    with pytest.raises(SensitivityError, match="no results here"):
        analyse(experiment, tmp_path / "nothing")


def _bars(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _errorbars(ax) -> list[ErrorbarContainer]:
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


def test_figures_have_a_bar_and_an_error_bar_per_parameter_and_labelled_axes(tmp_path):
    morris = run_and_analyse(ishigami_file(tmp_path, "morris", 20), tmp_path / "morris")
    figure = plot_indices(morris, "ishigami_morris", "morris", tmp_path / "morris.png")
    (ax,) = figure.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES
    assert ax.get_xlabel() == AXIS_LABELS["morris"] and "μ*" in ax.get_xlabel() and "95 % CI" in ax.get_xlabel()
    assert ax.get_title(loc="left") == "y"
    (bars,) = _bars(ax)
    assert len(bars.patches) == 3
    (errors,) = _errorbars(ax)
    assert errors.has_xerr and not errors.has_yerr
    mu_star = indices(morris, "mu_star")
    assert [p.get_width() for p in bars.patches] == pytest.approx(list(mu_star.loc[NAMES, "value"]))
    assert "ishigami_morris" in figure._suptitle.get_text() and "Morris" in figure._suptitle.get_text()
    assert (tmp_path / "morris.png").read_bytes()[:4] == b"\x89PNG"

    sobol = run_and_analyse(ishigami_file(tmp_path, "sobol", 64), tmp_path / "sobol")
    (ax,) = plot_indices(sobol, "ishigami_sobol", "sobol").axes
    assert [len(b.patches) for b in _bars(ax)] == [3, 3] and len(_errorbars(ax)) == 2  # S1 and ST
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["S1", "ST"]
    assert "Sobol index" in ax.get_xlabel()


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed")
def test_index_figure_in_chinese_names_parameters_and_outputs():
    table = pd.DataFrame([
        {"output": "resolution_rate", "parameter": p, "index": "mu_star", "value": v, "conf": 0.1,
         "ci_low": v - 0.1, "ci_high": v + 0.1}
        for p, v in (("levers.funding.annual_cny", 0.5), ("levers.grid.full_time_workers", 0.2))])
    figure = plot_indices(table, "demo", "morris", lang="zh")
    (ax,) = figure.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        parameter_text("levers.funding.annual_cny", "zh", with_unit=False),
        parameter_text("levers.grid.full_time_workers", "zh", with_unit=False)]
    assert ax.get_title(loc="left") == "问题解决率" and "置信区间" in ax.get_xlabel()
    assert "敏感性指数" in figure._suptitle.get_text()


def test_morris_draws_the_mu_star_sigma_plane_and_warns_on_few_trajectories(tmp_path, capsys):
    from cogov.analysis.sensitivity import design_warnings, plot_morris_sigma

    few = ishigami_file(tmp_path, "morris", 4)
    out = tmp_path / "out"
    assert main(["sensitivity", str(few), "--method", "morris", "--backend", "serial", "--out", str(out)]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "only 4 Morris trajectories" in shown and (out / "sensitivity_morris_sigma.png").stat().st_size > 0
    table = pd.read_csv(out / "sensitivity_morris.csv")
    fig = plot_morris_sigma(table, "ishigami")
    ax = fig.axes[0]
    points = ax.collections[0].get_offsets()
    wide = table.pivot_table(index="parameter", columns="index", values="value")
    assert sorted(map(tuple, points.round(9))) == sorted(zip(wide["mu_star"].round(9), wide["sigma"].round(9),
                                                             strict=True))
    assert [t.get_text() for t in ax.texts] == list(wide.index)  # each parameter labelled
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    assert design_warnings(load_experiment(ishigami_file(tmp_path / "b", "morris", 20))) == []
    sobol = design_warnings(load_experiment(ishigami_file(tmp_path / "c", "sobol", 64)))
    assert "N = 64 Sobol samples" in sobol[0] and "twice the samples" in sobol[0]
