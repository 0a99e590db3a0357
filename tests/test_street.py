"""A street of communities (issue 13): the file format and its errors, the departments' and the funds' rules on
hand-built numbers, a community alone against the same community in a batch (bit-identical), the street levers in a
street, and the CLI and sweep paths."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov.cli import main
from cogov.experiments.spec import validate_experiment
from cogov.experiments.street_target import StreetTarget, street_parameter_paths
from cogov.sim.config import CATEGORIES
from cogov.sim.model import CommunityModel
from cogov.sim.scenario import ScenarioError, load_scenario
from cogov.sim.street import (
    StreetModel,
    builtin_street_names,
    community_seed,
    is_street_file,
    load_street,
    street_from_data,
)
from cogov.sim.street.config import Street
from cogov.sim.street.departments import Departments, proportional_fill
from cogov.sim.street.funds import expected_need, initial_allocation, performance_allocation
from cogov.sim.street.load import apply_street_overrides
from cogov.sim.street.outcomes import community_outcomes

SHORT = 40


def _street(data: dict, tmp_path: Path, name: str = "street.toml") -> Path:
    lines = []
    for table, values in data.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in values.items()]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write(tmp_path: Path, text: str, name: str = "street.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _table(data: dict) -> Street:
    """A ``[street]`` table as a file gives it (JSON mode: arrays for tuples)."""
    return Street.model_validate_json(json.dumps(data))


def _problems(call) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        call()
    return caught.value.problems


# ------------------------------------------------------------------------------------------------ the file format
def test_every_built_in_street_loads_and_names_no_community_scenario():
    names = builtin_street_names()
    assert {"five_communities", "five_communities_whistle", "independent_batch"} <= set(names)
    for name in names:
        street = load_street(name)
        assert len(street.communities) >= 5
        with pytest.raises(ScenarioError):  # a street name never shadows a community scenario
            load_scenario(name)


def test_a_street_file_is_refused_as_a_community_scenario_with_a_pointer():
    problems = _problems(lambda: load_scenario("five_communities"))
    assert "a street file" in problems[0]


def test_unknown_keys_in_an_entry_are_named_with_their_path_and_a_suggestion(tmp_path):
    path = _write(tmp_path, """
        [street]
        [[street.communities]]
        scenario = "default"
        cuont = 2
    """)
    problems = _problems(lambda: load_street(path))
    assert problems == [problems[0]] and problems[0].startswith("street.communities.0.cuont: unknown key")
    assert "did you mean 'count'" in problems[0]


def test_each_category_needs_exactly_one_department():
    departments = [{"name": "all", "hours_per_day": 10, "categories": list(CATEGORIES[:-1])}]
    with pytest.raises(ValueError, match="no department answers for safety"):
        _table({"communities": [{}], "departments": departments})
    departments.append({"name": "twice", "hours_per_day": 1, "categories": ["safety", "care"]})
    with pytest.raises(ValueError, match="care: all, twice"):
        _table({"communities": [{}], "departments": departments})


def test_independent_batch_refuses_street_levers(tmp_path):
    path = _write(tmp_path, """
        [street]
        shared = false
        [street.whistle]
        enabled = true
        [[street.communities]]
        scenario = "default"
    """)
    assert "shared = false is a batch" in _problems(lambda: load_street(path))[0]


def test_community_problems_are_reported_under_their_entry(tmp_path):
    path = _write(tmp_path, """
        [street]
        [[street.communities]]
        scenario = "no_such_community"
        [[street.communities]]
        scenario = "default"
        set = { "community.housholds" = 10 }
        [[street.communities]]
        scenario = "street_whistle"
    """)
    problems = _problems(lambda: load_street(path))
    assert problems[0].startswith("street.communities.0.scenario: no_such_community")
    assert problems[1].startswith("street.communities.1.set: community.housholds: unknown key")
    assert "did you mean 'households'" in problems[1]
    assert problems[2].startswith("street.communities.2: street_whistle switches on levers.whistle")


def test_names_must_differ_and_count_expands_them(tmp_path):
    twice = _write(tmp_path, """
        [street]
        [[street.communities]]
        name = "a"
        [[street.communities]]
        name = "a"
    """)
    assert "names must differ (twice: a)" in _problems(lambda: load_street(twice))[0]
    street = street_from_data({"street": {"communities": [{"scenario": "default", "count": 3}]}})
    assert [c.name for c in street.communities] == ["default 1", "default 2", "default 3"]


def test_extends_merges_tables_and_replaces_the_community_list(tmp_path):
    _write(tmp_path, """
        [street]
        [street.appraisal]
        street_weight = 0.1
        [[street.communities]]
        scenario = "default"
        count = 2
    """, "parent.toml")
    child = _write(tmp_path, """
        extends = "parent.toml"
        [street.whistle]
        enabled = true
    """, "child.toml")
    street = load_street(child)
    assert street.config.street.appraisal.street_weight == 0.1 and street.config.street.whistle.enabled
    assert len(street.communities) == 2
    loop = _write(tmp_path, 'extends = "loop.toml"\n[street]\n', "loop.toml")
    assert "inheritance cycle" in _problems(lambda: load_street(loop))[0]


def test_overrides_are_validated_with_their_path():
    street = load_street("five_communities")
    assert apply_street_overrides(street, {"street.appraisal.street_weight": 0.25}).config.street.appraisal \
        .street_weight == 0.25
    assert "unknown key" in _problems(lambda: apply_street_overrides(street, {"street.apraisal.street_weight": 1}))[0]
    assert "less than or equal to 1" in _problems(
        lambda: apply_street_overrides(street, {"street.appraisal.street_weight": 2}))[0]
    assert "street.appraisal.street_weight" in street_parameter_paths()
    assert not any(p.startswith("street.communities") for p in street_parameter_paths())


def test_only_street_files_are_street_files(tmp_path, data_dir):
    assert is_street_file("five_communities") and not is_street_file("default")
    assert not is_street_file(data_dir / "typo.toml") and not is_street_file(tmp_path / "missing.toml")
    assert not is_street_file("/dev/zero")


# --------------------------------------------------------------------------------------------------- departments
def _departments(**street) -> Departments:
    departments = [{"name": "one", "hours_per_day": 10.0, "categories": list(CATEGORIES)}]
    table = _table({"communities": [{}, {}], "departments": departments,
                                   "appraisal": {"street_weight": 0.5, "statutory_share": 0.0}, **street})
    return Departments(table, np.array([100, 300]))


def test_proportional_fill_never_gives_beyond_demand():
    demand = np.array([[1.0, 6.0], [3.0, 0.0]])
    np.testing.assert_allclose(proportional_fill(np.array([2.0, 10.0]), demand), [[0.5, 6.0], [1.5, 0.0]])


def test_routine_shares_stay_with_their_community_however_long_the_queue_next_door():
    departments = _departments()  # 5 street hours a day: 1.25 for community 0, 3.75 for community 1
    hours = departments.allocate(np.array([[20.0], [0.5]]), np.zeros((2, 1)))
    np.testing.assert_allclose(hours, [1.25, 0.5])


def test_the_whistle_pools_department_hours_to_matters_raised_through_12345():
    departments = _departments(whistle={"enabled": True})
    hours = departments.allocate(np.array([[20.0], [0.5]]), np.array([[4.0], [0.0]]))
    # 4 whistled hours go to community 0 first; the last hour is shared by routine shares, capped by demand
    np.testing.assert_allclose(hours, [4.0 + 0.25, 0.5])
    np.testing.assert_allclose(departments.called.sum(), 4.0)


def test_sunk_posts_go_where_work_still_waits():
    departments = _departments(sunk_staff={"posts": 2, "hours_per_day": 8.0, "matters_share": 0.5})
    hours = departments.allocate(np.array([[20.0], [0.5]]), np.zeros((2, 1)))
    np.testing.assert_allclose(departments.sunk_sent, [8.0, 0.0])
    np.testing.assert_allclose(hours, [9.25, 0.5])


def test_appraisal_weight_sets_the_street_share_by_its_form():
    departments = _departments()
    assert departments.street_share == pytest.approx(0.5)
    low = _table({"communities": [{}]}).appraisal
    assert low.street_share() == pytest.approx(0.2 + 0.8 * 0.03)


# --------------------------------------------------------------------------------------------------------- funds
def _configs():
    street = load_street("five_communities")
    return street, [c.config for c in street.communities]


def test_static_rules_share_the_whole_budget_by_their_weights():
    street, configs = _configs()
    funds = street.config.street.funds
    assert initial_allocation(funds, configs, [1] * 5) is None  # 'own'
    for rule in ("equal", "households", "need", "listed"):
        shares = initial_allocation(funds.model_copy(update={"allocation": rule}), configs, [1, 1, 0, 1, 0])
        assert shares.sum() == pytest.approx(funds.annual_cny)
    households = initial_allocation(funds.model_copy(update={"allocation": "households"}), configs, [1] * 5)
    assert households[2] > households[0] > households[3]  # 2,500 > 2,000 > 1,200 households
    listed = initial_allocation(funds.model_copy(update={"allocation": "listed"}), configs, [1, 1, 0, 1, 0])
    np.testing.assert_allclose(listed, [funds.annual_cny / 3] * 2 + [0] + [funds.annual_cny / 3] + [0])


def test_need_weighs_unkept_and_elderly_households():
    street, configs = _configs()
    funds = street.config.street.funds
    old, commercial = expected_need(configs[2], funds) / 2500, expected_need(configs[3], funds) / 1200
    assert old > commercial > 1.0  # more households in compounds no company keeps in the old-compound community


def test_performance_awards_go_to_the_best_and_ties_share():
    street, _ = _configs()
    funds = street.config.street.funds.model_copy(update={"allocation": "performance", "award_share": 0.3})
    shares = performance_allocation(funds, np.array([0.5, 0.7, 0.6, 0.4, 0.55]))
    base = funds.annual_cny * 0.7 / 5
    np.testing.assert_allclose(shares, [base, base + funds.annual_cny * 0.3, base, base, base])
    tied = performance_allocation(funds, np.array([0.7, 0.7, 0.6, 0.4, 0.55]))
    np.testing.assert_allclose(tied[:2], base + funds.annual_cny * 0.15)
    assert tied.sum() == pytest.approx(funds.annual_cny)


# -------------------------------------------------------------------------------------------- a batch and a street
def _series(model: CommunityModel) -> pd.DataFrame:
    return model.series()


def test_a_community_in_a_batch_is_bit_identical_to_it_run_alone():
    street = street_from_data({"street": {"shared": False,
                                          "communities": [{"scenario": "default", "count": 2},
                                                          {"scenario": "points_system"}]}})
    batch = StreetModel(street, rng=11, days=SHORT)
    batch.run()
    for k, (entry, inside) in enumerate(zip(street.communities, batch.communities, strict=True)):
        alone = CommunityModel(entry.config, rng=community_seed(11, k), days=SHORT)
        alone.run()
        pd.testing.assert_frame_equal(_series(inside), _series(alone), check_exact=True)
        assert inside.summary()["counts"] == alone.summary()["counts"]


def test_replicates_of_a_batch_are_the_sweep_replicate_seeds():
    from cogov.experiments.seeds import replicate_seed

    assert [community_seed(5, k) for k in range(3)] == [replicate_seed(5, k) for k in range(3)]


def test_equal_shares_of_what_each_would_get_anyway_change_nothing():
    own = StreetModel("five_communities", rng=2, days=SHORT).run()
    equal = StreetModel("five_communities_funds_equal", rng=2, days=SHORT).run()
    assert own["inequality"] == equal["inequality"]  # 1 million among 5 = each scenario's own 200k


def test_a_street_run_reports_exactly_its_declared_outcomes():
    from cogov.experiments.street_target import street_outcomes
    from cogov.sim.outcomes.registry import OUTCOMES, PER_COMMUNITY, STREET_COMPARED, STREET_ONLY, outcome

    model = StreetModel("five_communities_yuexiu", rng=1, days=SHORT)
    summary = model.run()
    flat = street_outcomes(model)
    # each community one by one, by its position in the file: declared as a family, resolved by name
    per_community = {f"c{k}_{name}" for k in range(1, 6) for name in (*PER_COMMUNITY, "funds_year1")}
    assert set(flat) == (STREET_ONLY - {"street_backlog"}) | set(STREET_COMPARED) | per_community
    assert set(flat) - per_community <= set(OUTCOMES) and all(outcome(name).name == name for name in per_community)
    for k, name in enumerate(model.names, start=1):
        assert flat[f"c{k}_satisfaction_mean"] == summary["communities"][name]["metrics"]["satisfaction_mean"]
        assert flat[f"c{k}_funds_year1"] == model.communities[k - 1].config.levers.funding.annual_cny  # 'own'
    assert set(model.series().columns) <= set(OUTCOMES)
    communities = sum(c.metrics["cost_total"] for c in model.communities)
    assert flat["street_cost_total"] == pytest.approx(communities + 15 * 80_000 * SHORT / 365)  # 15 sunk posts
    for name in STREET_COMPARED:
        assert flat[f"{name}_min"] <= flat[name] <= flat[f"{name}_max"]
        assert flat[f"{name}_gap"] == pytest.approx(flat[f"{name}_max"] - flat[f"{name}_min"])


def test_same_street_and_seed_give_the_same_numbers_and_the_seed_matters():
    first, again = (StreetModel("five_communities_whistle", rng=4, days=SHORT).run() for _ in range(2))
    other = StreetModel("five_communities_whistle", rng=5, days=SHORT).run()
    assert first["inequality"] == again["inequality"] and first["street"] == again["street"]
    assert first["inequality"] != other["inequality"]


def test_street_hours_reach_each_community_as_the_departments_send_them():
    model = StreetModel("five_communities_whistle", rng=3, days=SHORT)
    while model.running:
        model.step()
        sent = model.departments.sent.sum(axis=1) + model.departments.sunk_sent
        street_handlers = [c.handlers.capacity[c.handling.street_handler] for c in model.communities]
        np.testing.assert_allclose(street_handlers, sent)
    assert model.series()["whistled_hours_sent"].sum() > 0


def test_the_whistle_blown_mid_run_acts_from_the_next_day_and_is_recorded():
    """StreetModel.intervene: the street's run is the same as without the change up to the day of the change, then
    the departments answer the whistle (hours go to matters raised through 12345, none did before); the change is in
    the provenance. A change back to the value in force is recorded and changes nothing."""
    plain = StreetModel("five_communities", rng=2, days=SHORT)
    plain.run()
    model = StreetModel("five_communities", rng=2, days=SHORT)
    for _ in range(20):
        model.step()
    assert model.intervene({"street.appraisal.street_weight": 0.03})[0].new == 0.03  # as it is: nothing moves
    events = model.intervene({"street__whistle__enabled": True, "street.appraisal.street_weight": 0.25})
    assert [(e.day, e.key, e.old, e.new) for e in events] == [
        (21, "street.whistle.enabled", False, True), (21, "street.appraisal.street_weight", 0.03, 0.25)]
    model.run()
    before, after = plain.series(), model.series()
    pd.testing.assert_frame_equal(after.loc[:20], before.loc[:20])  # the same run up to the change
    assert before["whistled_hours_sent"].sum() == 0 and after.loc[21:, "whistled_hours_sent"].sum() > 0
    assert after.loc[21:, "department_hours_sent"].max() > before["department_hours_sent"].max()  # weight 3 % -> 25 %
    assert model.departments.street_share == pytest.approx(model.config.street.appraisal.street_share())
    recorded = model.summary()["provenance"]["street_interventions"]
    assert [(e["day"], e["key"], e["new"]) for e in recorded][-2:] == [
        (21, "street.whistle.enabled", True), (21, "street.appraisal.street_weight", 0.25)]
    assert model.summary()["provenance"]["scenario_digest"] == plain.summary()["provenance"]["scenario_digest"]


@pytest.mark.parametrize(("changes", "named"), [
    ({"street.whistle.enabeld": True}, "street.whistle.enabeld: unknown key"),
    ({"street.appraisal.street_weight": 2.0}, "street.appraisal.street_weight"),
    ({"street.whistle.enabled": True, "street.funds.allocation": "equal"}, "street.funds.allocation: set when the "
                                                                            "street is built"),
    ({"street.shared": False}, "street.shared: set when the street is built"),
])
def test_a_street_change_that_cannot_be_made_is_refused_naming_it_and_nothing_changes(changes, named):
    model = StreetModel("five_communities", rng=2, days=5)
    model.step()
    with pytest.raises(ScenarioError) as caught:
        model.intervene(changes)
    assert any(named in problem for problem in caught.value.problems), caught.value.problems
    assert not model.interventions and model.departments.whistle is False and model.config.street.whistle.enabled is False


def test_an_ended_street_run_or_a_batch_of_independent_communities_has_nothing_to_change():
    model = StreetModel("five_communities", rng=2, days=3)
    model.run()
    with pytest.raises(ScenarioError, match="the run has ended"):
        model.intervene({"street.whistle.enabled": True})
    batch = StreetModel("independent_batch", rng=2, days=3)
    with pytest.raises(ScenarioError, match="no street level"):
        batch.intervene({"street.appraisal.street_weight": 0.5})


def test_a_street_file_schedules_the_whistle_mid_year_as_intervene_would():
    """[[interventions]] of a street file: the built-in mid-year whistle is the default street up to day 182 and, bit
    for bit, the street whistled by StreetModel.intervene after day 182; a shorter run ends before it."""
    days = 200
    midyear = StreetModel("five_communities_whistle_midyear", rng=1, days=days)
    midyear.run()
    by_hand = StreetModel("five_communities", rng=1, days=days)
    for _ in range(182):
        by_hand.step()
    by_hand.intervene({"street.whistle.enabled": True})
    by_hand.run()
    pd.testing.assert_frame_equal(midyear.series(), by_hand.series())
    pd.testing.assert_frame_equal(midyear.community_series(), by_hand.community_series())
    assert midyear.series().loc[:182, "whistled_hours_sent"].sum() == 0 < midyear.series()["whistled_hours_sent"].sum()
    assert [(e.day, e.key, e.new, e.source) for e in midyear.interventions] == [
        (183, "street.whistle.enabled", True, "interventions[0]")]
    short = StreetModel("five_communities_whistle_midyear", rng=1, days=30)
    short.run()
    assert short.interventions == [] and not short.config.street.whistle.enabled


@pytest.mark.parametrize(("tables", "named"), [
    ('[[interventions]]\nday = 10\nset = { "street.funds.allocation" = "equal" }',
     "interventions[0].set: street.funds.allocation: not a table that changes during a run"),
    ('[[interventions]]\nday = 10\nset = { "street.appraisal.street_weight" = 0.5 }\n'
     '[[interventions]]\nday = 20\nset = { "street.appraisal.street_weight" = 2.0 }\n'
     '[[interventions]]\nday = 30\nset = { "street.whistle.enabled" = true }',
     "street.appraisal.street_weight"),  # named once, at interventions[1], not again at the later [2]
    ('[[interventions]]\nday = 10\nset = { "street.whistle.enabeld" = true }',
     "interventions[0].set: street.whistle.enabeld: unknown key"),
    ('[[interventions]]\nday = 400\nset = { "street.whistle.enabled" = true }',
     "interventions[0].day: 400 is after the horizon"),
    ('[street]\nshared = false\n[[interventions]]\nday = 10\nset = { "street.appraisal.street_weight" = 0.5 }',
     "has no street level to change"),
])
def test_a_street_files_interventions_are_checked_when_it_is_loaded(tmp_path, tables, named):
    path = tmp_path / "street.toml"
    path.write_text(f'extends = "five_communities"\n{tables}\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_street(path)
    assert [named in problem for problem in caught.value.problems].count(True) == 1, caught.value.problems


def test_a_file_that_only_schedules_changes_on_a_street_it_extends_is_a_street_file(tmp_path, capsys):
    """A street file needs no [street] table of its own: one that extends a street and only schedules its changes is a
    street (cogov run runs it as one, its bad values named), and a community file extending a community is not."""
    whistle = tmp_path / "whistle_day3.toml"
    whistle.write_text('extends = "five_communities"\n[[interventions]]\nday = 3\n'
                       'set = { "street.whistle.enabled" = true }\n', encoding="utf-8")
    community = tmp_path / "community.toml"
    community.write_text('extends = "default"\n[community]\nhouseholds = 300\n', encoding="utf-8")
    assert is_street_file(whistle) and not is_street_file(community)
    out = tmp_path / "out"
    assert main(["run", str(whistle), "--days", "4", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [(e["day"], e["key"], e["new"]) for e in summary["provenance"]["street_interventions"]] == [
        (3, "street.whistle.enabled", True)]
    whistle.write_text(whistle.read_text(encoding="utf-8").replace("true", '"yes please"'), encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(whistle), "--days", "4"]) == 2
    assert 'interventions[0]: street.whistle.enabled: Input should be a valid boolean (got "yes please")' in (
        capsys.readouterr().err)


def test_setting_the_same_funds_again_changes_nothing_and_more_funds_buy_hours():
    model = CommunityModel("default", rng=1, days=SHORT)
    alone = CommunityModel("default", rng=1, days=SHORT)
    model.set_annual_funds(model.config.levers.funding.annual_cny)
    model.run(), alone.run()
    pd.testing.assert_frame_equal(model.series(), alone.series(), check_exact=True)
    richer = CommunityModel("default", rng=1, days=SHORT)
    before = richer.plan.repairs_hours
    richer.set_annual_funds(2 * richer.config.levers.funding.annual_cny)
    assert richer.plan.repairs_hours == pytest.approx(2 * before) and richer.resources.plan is richer.plan


def test_performance_funds_follow_the_appraisal_each_year():
    street = street_from_data({"street": {"funds": {"allocation": "performance"},
                                          "communities": [{"scenario": "default", "count": 3},
                                                          {"scenario": "old_compounds"}],
                                          "departments": [{"name": "all", "hours_per_day": 40,
                                                           "categories": list(CATEGORIES)}]},
                               "simulation": {"days": 366}})
    model = StreetModel(street, rng=0)
    for _ in range(365):
        model.step()
    appraisal = [c.metrics["satisfaction_mean"] for c in model.communities]  # the year's end: the street appraises
    assert len(model.funds_history) == 2 and model.funds_history[0] == [250_000.0] * 4
    best = int(np.argmax(model.funds_history[1]))
    assert best == int(np.argmax(appraisal))  # the award goes to the best-appraised community
    assert model.communities[best].config.levers.funding.annual_cny == max(model.funds_history[1])
    model.run()
    assert len(model.funds_history) == 2  # no award after the last day
    flat = community_outcomes(model, model.summary())  # a run records each community's funds for each year it began
    assert [flat[f"c{k}_funds_year2"] for k in range(1, 5)] == model.funds_history[1] and "c1_funds_year3" not in flat


# ---------------------------------------------------------------------------------------------------------- CLI
def test_cogov_run_on_a_street_prints_and_writes_every_community_with_provenance(tmp_path, capsys):
    assert main(["run", "five_communities", "--days", "10", "--seed", "3", "--out", str(tmp_path)]) == 0
    shown = capsys.readouterr().out
    assert "old_compounds" in shown and "across communities" in shown
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["provenance"]["seed"] == 3 and len(summary["provenance"]["communities"]) == 5
    communities = pd.read_csv(tmp_path / "communities.csv")
    assert list(communities["community"]) == ["default 1", "default 2", "old_compounds", "new_commercial", "mixed"]
    series = pd.read_csv(tmp_path / "communities_series.csv")
    assert len(series) == 5 * 11 and set(series["scenario_name"]) == {"five_communities"}
    assert main(["run", "five_communities", "--agents", "--out", str(tmp_path)]) == 2


def test_comparing_a_street_with_a_community_is_refused(tmp_path, capsys):
    assert main(["compare", "five_communities", "default", "--replicates", "2", "--days", "5", "--workers", "1",
                 "--out", str(tmp_path / "c")]) == 2
    assert "streets and communities cannot be compared" in capsys.readouterr().err


def test_a_sweep_over_a_street_lever_runs_streets(tmp_path):
    experiment = validate_experiment({
        "experiment": {"name": "s", "scenario": "five_communities", "design": "full_factorial", "replicates": 1,
                       "days": 5},
        "parameters": {"street.appraisal.street_weight": {"values": [0.03, 0.25]}}}, base_dir=tmp_path)
    assert isinstance(experiment.target, StreetTarget)
    outputs = [experiment.target.run({"street.appraisal.street_weight": w}, 1, None).summary for w in (0.03, 0.25)]
    assert outputs[0]["satisfaction_mean_gap"] >= 0 and "department_hours_sent" in outputs[1]
    problems = _problems(lambda: validate_experiment({
        "experiment": {"name": "s", "scenario": "five_communities", "design": "full_factorial", "replicates": 1},
        "parameters": {"street.appraisal.street_weight": {"values": [2.0]}}}, base_dir=tmp_path))
    assert "less than or equal to 1" in problems[0]


def test_a_comparison_of_streets_reports_their_gaps_and_what_differs(tmp_path):
    from cogov.analysis.compare import compare_scenarios
    from cogov.analysis.report import build_report, write_report
    from cogov.experiments.backends import SerialExecutor

    result = compare_scenarios(["five_communities_funds_equal", "five_communities_funds_uneven"], tmp_path / "out",
                               SerialExecutor(), 1, replicates=2, days=10)
    assert "satisfaction_mean_gap" in set(result.table["outcome"])
    text = write_report(build_report(tmp_path / "out"), tmp_path / "r.md").read_text(encoding="utf-8")
    assert "How the street shares funds | equal | listed" in text
    assert "street.communities.1.funds\\_share | 1 | 0" in text
    assert "Gap across communities: Mean satisfaction" in text


def test_tiers_pay_the_sum_of_the_households_threshold_reached_times_the_share():
    street = load_street("zongyang_county_as_found")
    funds = street.config.street.funds
    shares = initial_allocation(funds, [c.config for c in street.communities],
                                [c.funds_share for c in street.communities])
    households = [c.config.community.households for c in street.communities]
    # 12 original communities of 2,000 households get 20k; the others none (seed 003: 12 of 24 subsidised)
    assert shares.tolist() == [20_000.0] * 12 + [0.0] * 12 and households[12:20] == [1500] * 8
    assert funds.tier_amount(2_499) == 20_000 and funds.tier_amount(2_500) == 30_000
    full = load_street("zongyang_county").config.street.funds
    assert initial_allocation(full, [c.config for c in street.communities], [1.0] * 24)[20:23].tolist() == [30_000.0] * 3
    with pytest.raises(ValueError, match="thresholds must start at 0 and rise"):
        _table({"communities": [{}], "funds": {"allocation": "tiers", "tiers": [[100, 1.0], [50, 2.0]]}})


def test_a_communitys_scheduled_interventions_act_inside_a_street_and_are_recorded(tmp_path):
    """A community scenario's [[interventions]] act in the street as in the community alone (same seed), and the
    street's provenance lists them under that community."""
    _write(tmp_path, """
        extends = "default"
        [meta]
        name = "small_midway"
        [community]
        households = 300
        [[interventions]]
        day = 3
        set = { "levers.burden.admin_share" = 0.9 }
        """, "small_midway.toml")
    street = _write(tmp_path, """
        [meta]
        name = "one_with_a_change"
        [simulation]
        days = 6
        [street]
        shared = false
        [[street.communities]]
        scenario = "small_midway.toml"
        """)
    model = StreetModel(load_street(street), rng=5)
    model.run()
    events = model.provenance()["communities"][0]["interventions"]
    assert [(e["day"], e["key"], e["old"], e["new"]) for e in events] == [(3, "levers.burden.admin_share", 0.5, 0.9)]
    alone = CommunityModel(load_scenario(tmp_path / "small_midway.toml"), rng=community_seed(5, 0), days=6)
    alone.run()
    assert json.dumps(model.communities[0].metrics, sort_keys=True) == json.dumps(alone.metrics, sort_keys=True)
