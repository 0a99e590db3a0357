"""The report of a street comparison, community by community: every community of the street in the section, its means
and paired differences recomputed from the recorded runs, the funds each allocation rule gives it, the Chinese report,
and a folder whose runs predate per-community outcomes."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov.analysis.compare import compare_scenarios
from cogov.analysis.report import TEXT, Report, build_report, markdown_escape, render
from cogov.analysis.stats import paired_difference, t_interval
from cogov.analysis.street_communities import community_table, extremes
from cogov.analysis.wording import format_difference, format_difference_interval, format_interval, format_value
from cogov.experiments.backends import SerialExecutor
from cogov.sim.outcomes.registry import UndeclaredOutcome, community_column, outcome, parse_community_column
from cogov.sim.street.funds import initial_allocation
from cogov.sim.street.load import load_street

EQUAL, NEED = "five_communities_funds_equal", "five_communities_funds_need"
REPLICATES, DAYS = 3, 40


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Two allocation rules of the built-in street of five communities, on common seeds."""
    out = tmp_path_factory.mktemp("street_report") / "out"
    compare_scenarios([EQUAL, NEED], out, SerialExecutor(), 1, replicates=REPLICATES, days=DAYS)
    return out


@pytest.fixture(scope="module")
def report(folder) -> Report:
    return build_report(folder, maps=0)


@pytest.fixture(scope="module")
def text(report) -> str:
    return render(report, "markdown")


def _section(text: str, lang: str = "en") -> str:
    start = text.index(f"## {markdown_escape(TEXT['communities'][lang])}")
    return text[start:text.index("\n## ", start + 3)]


def _rows(section: str, heading: str) -> dict[tuple[str, str], list[str]]:
    """The table under ``### heading`` as {(community, scenario): cells}; a community's later rows leave it blank."""
    block = section[section.index(f"### {heading}"):]
    block = block[:block.find("\n### ", 4)] if "\n### " in block[4:] else block
    rows, community = {}, ""
    for line in block.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        community = cells[0] or community
        rows[(community, cells[1] if heading.startswith(TEXT["community_money"]["en"]) else cells[2])] = cells
    return rows


def test_the_section_lists_every_community_of_the_street_and_the_chinese_report_has_it(folder, text):
    names = [c.name for c in load_street(EQUAL).communities]
    section = _section(text)
    for name in names:
        assert f"| {markdown_escape(name)} |" in section
    assert "### Mean satisfaction" in section and "### Where the money went" in section
    zh = _section(render(build_report(folder, lang="zh", maps=0), "markdown"), "zh")
    assert "### 经费流向" in zh and all(f"| {markdown_escape(n)} |" in zh for n in names)


def test_means_and_paired_differences_match_the_recorded_runs(folder, text):
    runs = pd.concat([pd.read_parquet(p) for p in sorted((folder / "runs").glob("*.parquet"))])
    names = [c.name for c in load_street(EQUAL).communities]
    rows = _rows(_section(text), "Mean time to resolve")
    checked = 0
    for k, name in enumerate(names, start=1):
        column = f"c{k}_mean_days_to_resolve"
        arms = {arm: runs[runs["param:scenario"] == arm].set_index("seed")[column] for arm in (EQUAL, NEED)}
        mean, low, high = t_interval(arms[NEED].to_numpy())
        cells = rows[(markdown_escape(name), markdown_escape(NEED))]
        assert cells[3] == markdown_escape(format_interval("mean_days_to_resolve", mean, low, high, unit=False))
        pairs = pd.concat(arms, axis=1).dropna()  # paired by seed: replicate r ran with the same seed in both
        direct = paired_difference(pairs[EQUAL].to_numpy(), pairs[NEED].to_numpy())
        shown = format_difference_interval("mean_days_to_resolve", direct.difference, direct.ci_low, direct.ci_high)
        assert cells[4] == markdown_escape(shown)
        assert cells[4].startswith("+" if direct.difference >= 0 else "-")
        checked += 1
    assert checked == len(names) == 5


def test_the_money_table_shows_what_each_rule_allots_each_community(text):
    street = load_street(NEED)
    funds = initial_allocation(street.config.street.funds, [c.config for c in street.communities],
                               [c.funds_share for c in street.communities])
    rows = _rows(_section(text), "Where the money went")
    moved = {}
    for community, cny in zip(street.communities, funds, strict=True):
        difference = cny - 1_000_000 / 5  # the equal rule's share
        cell = rows[(markdown_escape(community.name), markdown_escape(NEED))][2]
        assert cell.startswith(format_value("c1_funds_year1", cny, unit=False))
        assert f"({format_difference('c1_funds_year1', difference, unit=False)})" in cell
        moved[community.name] = difference
    most, least = max(moved, key=moved.get), min(moved, key=moved.get)
    assert f"move most to {markdown_escape(most)}" in _section(text)
    assert f"away from {markdown_escape(least)} most" in _section(text)
    assert most != least


def test_the_community_that_gains_most_is_named_only_where_its_difference_is_distinguishable(report):
    section = report.communities
    need = (section.table["scenario"] == NEED) & (section.table["measure"] == "mean_days_to_resolve")
    assert markdown_escape(f"{NEED} compared with {EQUAL}: no community's change") in render(
        replace(report, communities=replace(section, table=section.table.assign(distinguishable=False))), "markdown")
    told = section.table.assign(distinguishable=need)  # as if every community's change in days were distinguishable
    text = render(replace(report, communities=replace(section, table=told)), "markdown")
    fewer = told[need].sort_values("difference")  # fewer days to resolve is better
    assert fewer["difference"].abs().max() > 0  # the rules differ: need moves money between the communities
    for kind, row, sign in (("gains", fewer.iloc[0], -1), ("loses", fewer.iloc[-1], 1)):
        shown = format_difference_interval("mean_days_to_resolve", row["difference"], row["diff_ci_low"],
                                           row["diff_ci_high"])
        said = markdown_escape(f"{row['community']} {kind} most ({shown})") in text
        assert said == (sign * row["difference"] > 0), kind


def test_a_folder_recorded_before_per_community_outcomes_says_why_the_section_is_missing(folder, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    for part in (old / "runs").glob("*.parquet"):
        frame = pd.read_parquet(part)
        frame.drop(columns=[c for c in frame.columns if parse_community_column(c)]).to_parquet(part)
    section = _section(render(build_report(old, maps=0), "markdown"))
    assert markdown_escape(TEXT["communities_none"]["en"]) in section and "### Mean satisfaction" not in section


def _runs(values: dict[str, dict[str, list[float]]], names: dict[str, list[str]]) -> pd.DataFrame:
    """Run rows of arms (``scenario``) over replicates: ``values[arm][community]`` per replicate."""
    rows = []
    for arm, communities in values.items():
        for r in range(len(next(iter(communities.values())))):
            row = {"scenario": arm, "replicate": r, "status": "ok"}
            row |= {community_column(names[arm].index(c) + 1, "satisfaction_mean"): v[r] for c, v in communities.items()}
            rows.append(row)
    return pd.DataFrame(rows)


def test_communities_are_matched_by_name_whatever_their_position_in_each_file():
    names = {"a": ["east", "west", "north"], "b": ["west", "east", "south"]}  # b lists them the other way round
    runs = _runs({"a": {"east": [0.5, 0.6, 0.7], "west": [0.2, 0.2, 0.3], "north": [0.1, 0.1, 0.1]},
                  "b": {"west": [0.3, 0.4, 0.4], "east": [0.5, 0.6, 0.7], "south": [0.9, 0.9, 0.9]}}, names)
    section = community_table(runs, "a", names, by="scenario")
    assert section is not None and section.names == ["east", "west"] and section.not_in_every_arm == ["north", "south"]
    rows = section.table[~section.table["baseline"].astype(bool)].set_index("community")
    assert rows.loc["east", "difference"] == pytest.approx(0.0) and rows.loc["west", "difference"] == pytest.approx(0.4 / 3)
    with pytest.raises(ValueError, match="community names repeat"):
        community_table(runs, "a", {"a": ["x", "x", "y"], "b": names["b"]}, by="scenario")
    with pytest.raises(ValueError, match="no community names for b"):
        community_table(runs, "a", {"a": names["a"]}, by="scenario")
    assert community_table(runs.drop(columns=[c for c in runs if c.startswith("c")]), "a", names, by="scenario") is None


def test_who_gains_and_loses_most_counts_only_distinguishable_differences_in_the_better_direction():
    rows = pd.DataFrame({"community": ["a", "b", "c", "d"], "outcome": ["c1_mean_days_to_resolve"] * 4,
                         "difference": [-0.9, -0.4, 0.3, -2.0], "distinguishable": [True, True, True, False]})
    best, worst = extremes(rows, "mean_days_to_resolve")  # fewer days is better; d's large change is noise
    assert best["community"] == "a" and worst["community"] == "c"
    none = extremes(rows.assign(distinguishable=False), "mean_days_to_resolve")
    assert none == (None, None)


def test_per_community_columns_are_declared_by_position_and_refuse_anything_else():
    item = outcome("c12_satisfaction_mean")
    assert item.kind == outcome("satisfaction_mean").kind and item.better == 1 and "12" in item.label["zh"]
    assert outcome("c2_funds_year3").kind == "cny" and outcome("c2_funds_year3").better == 0
    assert parse_community_column("c3_funds_year1") == (3, "funds_year1") and parse_community_column("c0_backlog") is None
    with pytest.raises(ValueError, match="whole number from 1"):
        community_column(0, "satisfaction_mean")
    with pytest.raises(UndeclaredOutcome):
        community_column(1, "households")
    assert np.isfinite(outcome("c1_cost_total").smallest_difference)


def test_community_names_from_street_files_are_escaped_in_both_formats(report):
    hostile = '<script>alert("x")</script> | *b*'
    section = report.communities
    renamed = replace(section, names=[hostile, *section.names[1:]],
                      households={hostile: 1, **section.households},
                      table=section.table.replace({"community": {section.names[0]: hostile}}),
                      money=section.money.replace({"community": {section.names[0]: hostile}}))
    shown = replace(report, communities=renamed)
    html, markdown = render(shown, "html"), render(shown, "markdown")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<script>" not in markdown and markdown_escape(hostile) in _section(markdown)


def test_sensitivity_leaves_the_communities_one_by_one_out_of_its_default_outputs_in_one_line():
    from cogov.analysis.sensitivity import select_outputs

    means = pd.DataFrame({"satisfaction_mean": [0.5, 0.6], **{f"c{k}_satisfaction_mean": [0.4, 0.7] for k in (1, 2, 3)}})
    chosen, skipped = select_outputs(means, None)
    assert chosen == ["satisfaction_mean"] and len(skipped) == 1 and "3 outcomes" in next(iter(skipped.values()))
    assert select_outputs(means, ["c2_satisfaction_mean"])[0] == ["c2_satisfaction_mean"]  # by name: analysed


def test_each_street_is_drawn_as_replicate_0_ends_with_its_least_satisfied_community_outlined(folder):
    """The report draws each compared street's communities side by side at the end of replicate 0: the same run as
    recorded, the least satisfied community outlined (its panel's title in red), in both languages."""
    from cogov.analysis.report import _street_map
    from cogov.analysis.results import load_runs
    from cogov.sim.street.model import StreetModel

    report = build_report(folder, maps=2)
    maps = [f for f in report.figures if f.key.startswith("map-")]
    assert [f.key for f in maps] == [f"map-{EQUAL}", f"map-{NEED}"]
    assert all(f.png.startswith(b"\x89PNG") and "replicate 0" in f.title and f"day {DAYS}" in f.caption for f in maps)
    runs = load_runs(folder)
    first = runs[(runs["replicate"] == 0) & (runs["scenario"] == NEED)].iloc[0]
    street = StreetModel(load_street(NEED), rng=int(first["seed"]), days=DAYS)
    street.run()
    assert street.metrics["satisfaction_mean"] == first["satisfaction_mean"]  # the run recorded, bit for bit
    assert _street_map(NEED, street, NEED, "en").png == maps[1].png  # drawn from that run
    means = [c.metrics["satisfaction_mean"] for c in street.communities]
    assert len(set(means)) == len(means)  # so that "the least satisfied" is one community
    from cogov.viz.street_views import StreetMapView

    view = StreetMapView(street, "satisfaction_mean", selected=int(np.argmin(means)))
    assert view.titles[int(np.argmin(means))].get_color() != view.titles[int(np.argmax(means))].get_color()
    zh = build_report(folder, lang="zh", maps=1)
    assert [f.title for f in zh.figures if f.key.startswith("map-")] == [
        TEXT["street_map_of"]["zh"].format(scenario=zh.scenarios[0].name)]
