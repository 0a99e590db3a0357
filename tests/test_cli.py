"""The `cogov` command end to end, as a user runs it."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from cogov.cli import main


def test_run_writes_series_and_summary_with_provenance(tmp_path, capsys):
    assert main(["run", "--days", "30", "--seed", "7", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "resolved / arisen" in printed and "satisfaction by compound type" in printed
    summary = json.loads((tmp_path / "summary.json").read_text())
    prov = summary["provenance"]
    assert prov["seed"] == 7 and prov["days"] == 30 and prov["scenario_name"] == "default"
    assert len(prov["scenario_digest"]) == 64 and prov["cogov_version"]
    series = pd.read_csv(tmp_path / "series.csv")
    assert len(series) == 31 and series["seed"].eq(7).all()
    assert series["issues_arisen"].iloc[-1] == summary["metrics"]["issues_arisen"]


def test_json_output_is_valid_and_reproducible(capsys):
    assert main(["run", "points_system", "--days", "20", "--seed", "3", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["run", "points_system", "--days", "20", "--seed", "3", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["metrics"] == second["metrics"]
    assert first["provenance"]["scenario_name"] == "points_system"


def test_bad_scenario_is_a_clear_error_not_a_traceback(data_dir, capsys):
    assert main(["run", str(data_dir / "typo.toml")]) == 2
    err = capsys.readouterr().err
    assert "typo.toml" in err and "levers.fundng" in err and "Traceback" not in err


def test_validate_reports_each_file(data_dir, capsys):
    assert main(["validate", "default", str(data_dir / "bad_values.toml")]) == 2
    captured = capsys.readouterr()
    assert "default.toml: ok" in captured.out
    assert "community.households" in captured.err


def test_scenarios_lists_builtins(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "default" in out and "red_property" in out


def test_bad_days_argument_is_rejected(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--days", "0"])
    assert exit_info.value.code == 2


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "cogov.cli", "run", "--days", "5", "--json"],
                            capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["metrics"]["day"] == 5


def test_validate_model_prints_table_and_writes_csv(tmp_path, capsys):
    out = tmp_path / "validation.csv"
    code = main(["validate-model", "--pattern", "money_not_people", "--pattern", "funding_cost_up",
                 "--replicates", "3", "--workers", "1", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "money_not_people" in printed and "2 of 2 patterns reproduced" in printed
    table = pd.read_csv(out)
    assert list(table["pattern"]) == ["money_not_people", "funding_cost_up"]
    assert (table["ci_low"] <= table["effect"]).all() and (table["effect"] <= table["ci_high"]).all()


def test_validate_model_unknown_pattern_is_an_input_error(capsys):
    assert main(["validate-model", "--pattern", "no_such_thing", "--replicates", "2"]) == 2
    assert "unknown pattern" in capsys.readouterr().err


def test_calibrate_compares_model_with_sources(tmp_path, capsys):
    out = tmp_path / "calibration.csv"
    assert main(["calibrate", "--replicates", "4", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    row = table.set_index("quantity").loc["compounds with property management"]
    assert row["source_value"] == pytest.approx(4772 / 10213)
    assert 0 <= row["mean"] <= 1 and row["replicates"] == 4
    assert "seed 004/8" in capsys.readouterr().out


def test_iterating_on_a_scenario_is_never_stuck(tmp_path, monkeypatch, capsys):
    """Issue 14: a rerun after a change that leaves no run usable (another horizon or seed) goes to a fresh folder,
    saying what differs, and leaves the earlier runs alone; after an edited file the folder grows (issue 16), reusing
    the unchanged scenario's runs and keeping the edited one's aside; an explicit --out whose runs cannot serve says
    what differs."""
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.toml"
    mine.write_text('extends = "default"\n[meta]\nname = "mine"\n[levers.funding]\nannual_cny = 300000\n',
                    encoding="utf-8")
    common = ["compare", "default", "mine.toml", "--replicates", "2", "--workers", "1"]
    assert main([*common, "--days", "5"]) == 0
    plain = tmp_path / "results" / "compare-default-mine"
    assert main([*common, "--days", "6"]) == 0
    assert "experiment.days: 5 -> 6" in capsys.readouterr().err
    assert len(list((tmp_path / "results").iterdir())) == 2
    mine.write_text(mine.read_text(encoding="utf-8").replace("300000", "350000"), encoding="utf-8")
    assert main([*common, "--days", "5"]) == 0
    err = capsys.readouterr().err
    assert "the settings of mine.toml changed since" in err and "2 of the 4 runs it plans were already recorded" in err
    assert len(list((tmp_path / "results").iterdir())) == 2  # grown in place, not a third folder
    retired = pd.read_parquet(plain / "retired" / "runs.parquet")  # mine.toml's earlier runs, kept
    assert len(retired) == 2 and (retired["param:scenario"] == "mine.toml").all()
    keyed = next(p for p in (tmp_path / "results").iterdir() if p != plain)
    assert main([*common, "--days", "5", "--out", str(keyed)]) == 2
    assert "experiment.days: 6 -> 5 (another horizon changes every run)" in capsys.readouterr().err


def test_the_terminal_comparison_speaks_chinese(tmp_path, capsys):
    assert main(["compare", "default", "points_system", "--replicates", "2", "--days", "5", "--workers", "1",
                 "--lang", "zh", "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert "与default的比较" in out and "指标" in out and "基准" in out and "Holm 校正" in out
    assert not any(word in out for word in ("baseline", "noise", "meaningful", "Differences of shares"))


def test_the_comparison_table_reads_at_100_columns(monkeypatch):
    import io

    from rich.console import Console

    from cogov import cli

    table = pd.DataFrame([
        {"outcome": "resolution_rate", "scenario": "default", "baseline": True, "mean": 0.557, "ci_low": 0.49,
         "ci_high": 0.62, "outcomes_compared": 1},
        {"outcome": "resolution_rate", "scenario": "points_system", "baseline": False, "mean": 0.603, "ci_low": 0.47,
         "ci_high": 0.73, "difference": 0.046, "diff_ci_low": -0.018, "diff_ci_high": 0.11, "distinguishable": False,
         "practical": "uncertain", "p_holm": 0.000003, "cohens_d": 1.12, "outcomes_compared": 1},
    ])
    buffer = io.StringIO()
    monkeypatch.setattr(cli, "_stdout", lambda: Console(file=buffer, width=100))
    cli._print_comparison(table, "default", "2 replicates")
    text = buffer.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "+4.6 [-1.8, +11.0]" in text and "< 0.001" in text and "e-0" not in text
    assert "55.7 %" in text and "[49.0 %" not in text and "narrow terminal" in text


def test_compare_from_a_two_factor_sweep_never_pools_the_other_factor(tmp_path, capsys):
    """Issue 16: compare --by X on a sweep of X and Y compares within each value of Y (or at the one given); a report
    is refused unless Y is fixed, naming it."""
    experiment = tmp_path / "two.toml"
    experiment.write_text(
        '[experiment]\nname = "two"\nscenario = "default"\ndesign = "full_factorial"\nreplicates = 2\ndays = 5\n'
        '[parameters."levers.volunteer_incentives.points_per_hour"]\nvalues = [0.0, 10.0]\n'
        '[parameters."levers.volunteer_incentives.employer_feedback"]\nvalues = [false, true]\n'
        '[parameters."community.households"]\nvalues = [200]\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(experiment), "--out", str(out), "--workers", "1"]) == 0
    from cogov.analysis.results import compare as compare_folder

    by = "levers.volunteer_incentives.points_per_hour"
    table = compare_folder(out, by=by, baseline="0")
    feedback = "levers.volunteer_incentives.employer_feedback"
    assert set(table["combination"]) == {0, 1} and set(table[feedback]) == {False, True}
    assert "community.households" not in table.columns  # swept at one value: nothing to pool over
    assert (table["replicates"] == 2).all()  # per combination, not 4 pooled runs
    fixed = compare_folder(out, by=by, baseline="0", at={feedback: "true"})
    assert "combination" not in fixed.columns
    part = table[table[feedback]].drop(columns=["combination", feedback]).reset_index(drop=True)
    pd.testing.assert_frame_equal(fixed.reset_index(drop=True), part)  # the same comparison as the True combination
    capsys.readouterr()
    assert main(["compare", "--from", str(out), "--by", by, "--baseline", "0"]) == 0
    shown = " ".join(capsys.readouterr().out.split())  # as read, whatever the console's wrapping of a long path
    assert shown.count(f"at {feedback} = False") == 1 and shown.count(f"at {feedback} = True") == 1
    assert main(["compare", "--from", str(out), "--by", by, "--report", str(tmp_path / "r.md")]) == 2
    assert f"this sweep also varies {feedback} (False, True)" in capsys.readouterr().err
    assert main(["compare", "--from", str(out), "--by", by, "--within", f"{feedback}=true",
                 "--report", str(tmp_path / "r.md")]) == 0
    assert main(["compare", "--from", str(out), "--by", by, "--within", f"{feedback}=maybe"]) == 2
    assert "maybe is not among its values" in capsys.readouterr().err


def test_export_writes_runs_tidy_and_series_with_parameter_columns(tmp_path, capsys):
    experiment = tmp_path / "one.toml"
    experiment.write_text(
        '[experiment]\nname = "one"\nscenario = "default"\ndesign = "full_factorial"\nreplicates = 2\ndays = 6\n'
        '[outputs]\nseries = true\nseries_every = 2\n'
        '[parameters."levers.funding.annual_cny"]\nvalues = [100000.0, 300000.0]\n'
        '[parameters."community.households"]\nvalues = [200]\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(experiment), "--out", str(out), "--workers", "1"]) == 0
    assert main(["export", str(out)]) == 0
    runs = pd.read_csv(out / "export" / "runs.csv")
    tidy = pd.read_csv(out / "export" / "tidy.csv")
    series = pd.read_csv(out / "export" / "series.csv")
    assert len(runs) == 4 and {"run_id", "replicate", "seed", "levers.funding.annual_cny", "resolution_rate"} <= set(
        runs.columns)
    assert set(tidy.columns) >= {"run_id", "levers.funding.annual_cny", "outcome", "value"}
    assert len(tidy) == 4 * tidy["outcome"].nunique()
    assert {"day", "levers.funding.annual_cny", "backlog"} <= set(series.columns) and set(series["day"]) == {0, 2, 4, 6}
    assert main(["export", str(out), "--format", "parquet", "--to", str(tmp_path / "pq")]) == 0
    parquet = pd.read_parquet(tmp_path / "pq" / "runs.parquet")
    assert list(parquet.columns) == list(runs.columns) and len(parquet) == 4
    np.testing.assert_allclose(parquet["resolution_rate"], runs["resolution_rate"])
    assert main(["export", str(tmp_path / "nothing")]) == 2
