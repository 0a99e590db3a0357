"""What a change costs (issue 14): the ledger's items add up to the public cost, cost-effectiveness ratios equal a
direct computation and are withheld where the effect may be nil, and the report says what is and is not counted."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cogov.analysis.costs import NOT_COUNTED, cost_effect, cost_table
from cogov.experiments.targets import simulate
from cogov.sim.ledger import ITEMS, PAYERS, PUBLIC, Ledger, payer_of
from cogov.sim.scenario import apply_overrides, load_scenario


def test_spending_by_item_adds_up_to_the_public_cost_and_keeps_other_payers_apart():
    config = apply_overrides(load_scenario("points_system").config,
                             {"simulation.days": 30, "levers.mediation.enabled": True,
                              "levers.self_management.enabled": True})
    outputs = simulate(config, seed=3).summary
    spent = {item: outputs[f"spent_{item}"] for item in ITEMS}
    public = sum(v for item, v in spent.items() if payer_of(item) == PUBLIC)
    assert public == pytest.approx(outputs["cost_total"])
    assert spent["volunteer_points"] > 0 and spent["self_management_fees"] > 0 and spent["co_building_money"] > 0
    assert set(PAYERS) <= set(ITEMS)


def test_a_ledger_refuses_an_item_under_the_wrong_payer():
    ledger = Ledger()
    ledger.record("co_building_money", 5.0, payer="co_building_units")
    with pytest.raises(AssertionError, match="paid by co_building_units"):
        ledger.record("co_building_money", 5.0)
    assert ledger.spent()["co_building_money"] == 5.0 and ledger.spent()["activities"] == 0.0


def test_cost_per_unit_is_the_ratio_of_paired_mean_differences_with_a_bootstrap_interval():
    d_cost = np.array([100.0, 120.0, 80.0, 110.0, 90.0])
    d_resolved = np.array([10.0, 11.0, 9.0, 12.0, 8.0])
    effect = cost_effect(d_cost, d_resolved, "resolved", 1.0)
    assert effect.kind == "ratio" and effect.ratio == pytest.approx(d_cost.mean() / d_resolved.mean())
    assert effect.low <= effect.ratio <= effect.high and effect.high - effect.low > 0
    again = cost_effect(d_cost, d_resolved, "resolved", 1.0)
    assert (again.low, again.high) == (effect.low, effect.high)  # a fixed bootstrap seed: the same report each time
    per_point = cost_effect(d_cost, d_resolved / 1000, "satisfaction_mean", 0.01)
    assert per_point.ratio == pytest.approx(d_cost.mean() / (d_resolved.mean() / 1000) * 0.01)


def test_no_ratio_where_the_effect_may_be_nil_or_where_it_is_not_a_price():
    d_cost = np.full(5, 100.0)
    assert cost_effect(d_cost, np.array([1.0, -1.0, 2.0, -2.0, 0.5]), "resolved", 1.0).kind == "no_effect"
    assert cost_effect(d_cost, -np.array([5.0, 6.0, 7.0, 5.0, 6.0]), "resolved", 1.0).kind == "dominated"
    assert cost_effect(-d_cost, np.array([5.0, 6.0, 7.0, 5.0, 6.0]), "resolved", 1.0).kind == "dominant"
    two = cost_effect(d_cost[:2], np.array([5.0, 5.1]), "resolved", 1.0)
    assert two.kind == "ratio" and math.isnan(two.low)  # too few pairs for an interval


def _runs(cost: dict[str, list[float]], resolved: dict[str, list[float]]) -> pd.DataFrame:
    rows = []
    for scenario, values in cost.items():
        for replicate, value in enumerate(values):
            rows.append({"scenario": scenario, "replicate": replicate, "status": "ok", "cost_total": value,
                         "spent_funds_and_salaries": 100.0, "spent_volunteer_points": value - 100.0,
                         "resolved": resolved[scenario][replicate]})
    return pd.DataFrame(rows)


def test_cost_table_pairs_by_replicate_and_breaks_the_difference_down_by_item():
    runs = _runs({"base": [100.0, 100.0, 100.0], "points": [150.0, 160.0, 140.0]},
                 {"base": [50.0, 60.0, 55.0], "points": [60.0, 70.0, 64.0]})
    table = cost_table(runs, "base", by="scenario")
    block = table["points"]
    assert block["difference"].difference == pytest.approx(50.0) and block["baseline_cost"] == 100.0
    items = {i["item"]: i["difference"] for i in block["items"]}
    assert items == {"funds_and_salaries": 0.0, "volunteer_points": pytest.approx(50.0)}
    resolved = next(e for e in block["effects"] if e.effect == "resolved")
    assert resolved.ratio == pytest.approx(50.0 / (29.0 / 3))


def test_the_report_has_a_cost_section_saying_what_is_not_counted(tmp_path):
    from cogov.analysis.compare import compare_scenarios
    from cogov.analysis.report import build_report, write_report
    from cogov.experiments.backends import SerialExecutor

    compare_scenarios(["default", "points_system"], tmp_path / "out", SerialExecutor(), 1, replicates=3, days=20)
    for lang, heading in (("en", "What it costs"), ("zh", "成本")):
        text = write_report(build_report(tmp_path / "out", lang=lang, maps=0), tmp_path / f"r_{lang}.md").read_text(
            encoding="utf-8")
        section = text[text.index(f"## {heading}"):]
        assert NOT_COUNTED[lang].split("：" if lang == "zh" else ":")[0] in section
    assert "volunteer points | public money | 0 CNY | +" in (tmp_path / "r_en.md").read_text(encoding="utf-8")


def test_staff_time_in_meetings_is_said_beside_the_cost_and_moves_within_the_salaries(tmp_path):
    """Model version 4: red property's meetings take staff hours; the public cost is the same in both arms (the
    salaries only move to the meetings' item), and the cost section says how many hours and how much salary."""
    from cogov.analysis.compare import compare_scenarios
    from cogov.analysis.report import build_report, write_report
    from cogov.experiments.backends import SerialExecutor

    compare_scenarios(["default", "three_party_linkage"], tmp_path / "out", SerialExecutor(), 1, replicates=3, days=60)
    report = build_report(tmp_path / "out", lang="en", maps=0)
    block = report.costs["three_party_linkage"]
    items = {i["item"]: i["difference"] for i in block["items"]}
    assert block["meeting_hours"] > 0 and items["meeting_staff_time"] == pytest.approx(block["meeting_hours"] * 40.0)
    assert items["funds_and_salaries"] == pytest.approx(-items["meeting_staff_time"])
    assert block["difference"].difference == pytest.approx(0.0, abs=1e-6)
    text = write_report(report, tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"take +{block['meeting_hours']:,.0f} community staff hours" in text
    zh = write_report(build_report(tmp_path / "out", lang="zh", maps=0), tmp_path / "r_zh.md").read_text(encoding="utf-8")
    assert "多占用社区工作者" in zh
