"""Interventions during a run (issue 15, model part): live parameters changed at a day boundary act from the next day,
through the code that acts on them when a scenario holds them from day 0; build-time ones are refused.

The classroom levers (``cogov.viz.controls.LEVERS``) are moved mid-run one by one: the run must equal the run without
the change through the day before, and differ from the day the change acts (or, for a lever that acts at an event, by
that event). Switched on before the first day, each must give the run of the scenario that has it from day 0.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

from cogov.sim.config import ScenarioConfig
from cogov.sim.issues import COLUMNS, State
from cogov.sim.model import CommunityModel
from cogov.sim.scenario import ScenarioError, load_scenario, scenario_digest, validate_data
from cogov.viz.controls import LEVERS

SMALL = {"community.households": 600}
DAY = 20
"""The first day acted on with the new value (``intervene`` is called after day 19)."""
HORIZON = 60

CONTEXT: dict[str, dict[str, object]] = {
    # a community where the lever has something to act on (build-time keys may be set in the scenario)
    "levers.volunteer_incentives.cny_per_point": {"levers.volunteer_incentives.points_per_hour": 5.0},
    "levers.cross_appointment.party_owners_committee": {"community.owners_committee.commercial": 1.0,
                                                        "community.owners_committee.three_no": 1.0,
                                                        "organisations.owners_committee.activeness_range": (0.05, 0.1)},
    "levers.work_unit_management.enabled": {"community.compound_mix.commercial": 0.4,
                                            "community.compound_mix.affordable": 0.0,
                                            "community.compound_mix.reform": 0.0,
                                            "community.compound_mix.work_unit": 0.6,
                                            "community.compound_mix.three_no": 0.0,
                                            "community.property_management.work_unit": 0.0,
                                            "levers.work_unit_management.share": 1.0},
    "levers.fee_leverage.enabled": {"levers.fee_leverage.eligible_below": 0.95},
    "levers.committee_formation.enabled": {"levers.committee_formation.rate_per_year": 10.0},
    "levers.social_contracts.enabled": {"levers.social_contracts.review_interval_days": 30},
    "levers.five_ones.enabled": {"levers.volunteer_incentives.employer_feedback": True},
}
LAG: dict[str, tuple[int, str]] = {
    # levers that act at an event after the change, not on its first day: the most days until then, and why
    "levers.cross_appointment.party_owners_committee": (30, ("acts at the next meeting of owners' talks, which "
                                                             "meet as often as their convener's activeness allows")),
    "levers.three_party_linkage.enabled": (14, "acts at the next joint meeting (every 14 days)"),
    "levers.activities.enabled": (15, "acts at the next activity (twice a month at each venue)"),
    "levers.committee_formation.enabled": (30, "acts when a branch first organises a committee (a daily hazard)"),
    "levers.five_ones.enabled": (15, "acts when an in-service member next serves"),
    "levers.social_contracts.enabled": (30, "acts at the first evaluation, one review interval later"),
}


def state_digest(model: CommunityModel) -> str:
    """SHA-256 of the state a change can touch: issues, households, handlers, organisations, ledger, counters."""
    h = hashlib.sha256()
    n = len(model.issues)
    for column in COLUMNS:
        h.update(np.ascontiguousarray(getattr(model.issues, column)[:n]).tobytes())
    for column in ("satisfaction", "expectation", "trust", "motivation", "ties", "hours", "points", "last_served",
                   "monitored_until"):
        h.update(np.ascontiguousarray(getattr(model.households, column)).tobytes())
    for values in (model.handlers.capacity, model.handlers.quality, model.branches.strength, model.branches.results,
                   model.co_building.commitment, model.co_building.engaged, model.companies.subsidy_rate,
                   model.companies.collection_rate, model.committees.term_end, model.resources.patrol_probability):
        h.update(np.ascontiguousarray(values).tobytes())
    h.update(repr(sorted(model.ledger.spent().items())).encode())
    h.update(repr(sorted(model.counters.items())).encode())
    return h.hexdigest()


def build(overrides: dict[str, object], scenario: str = "default", days: int = HORIZON, seed: int = 2) -> CommunityModel:
    return CommunityModel(scenario, rng=seed, days=days, **{k.replace(".", "__"): v for k, v in overrides.items()})


def day_by_day(model: CommunityModel, change: dict[str, object] | None = None, day: int = DAY) -> list[str]:
    """Run to the horizon, intervening with ``change`` so that it acts from ``day``; each day's state digest."""
    digests = []
    while model.running:
        if change is not None and model.steps == day - 1:
            model.intervene(change)
        model.step()
        digests.append(state_digest(model))
    return digests


@cache
def _baseline(context: tuple[tuple[str, object], ...]) -> tuple[str, ...]:
    return tuple(day_by_day(build({**SMALL, **dict(context)})))


def moved_value(lever, config: ScenarioConfig):
    value = config
    for part in lever.path.split("."):
        value = getattr(value, part)
    if lever.kind == "switch":
        return not value
    return lever.max if value != lever.max else lever.min


# ------------------------------------------------------------------------------ every classroom lever, mid-run
@pytest.mark.parametrize("lever", LEVERS, ids=[lever.path for lever in LEVERS])
def test_every_classroom_lever_moved_mid_run_changes_the_run_from_the_next_day(lever):
    context = {**SMALL, **CONTEXT.get(lever.path, {})}
    model = build(context)
    value = moved_value(lever, model.config)
    changed = day_by_day(model, {lever.path: value})
    baseline = _baseline(tuple(sorted(CONTEXT.get(lever.path, {}).items())))
    assert changed[:DAY - 1] == list(baseline[:DAY - 1]), "the run changed before the intervention's day"
    first = next((day for day, (a, b) in enumerate(zip(baseline, changed, strict=True), start=1) if a != b), None)
    lag, why = LAG.get(lever.path, (0, "acts from the next day"))
    assert first is not None and DAY <= first <= DAY + lag, f"first change on day {first}; expected {why}"
    (event,) = model.interventions
    assert (event.day, event.key, event.new, event.source) == (DAY, lever.path, value, "intervene")
    assert event.old != value


FROM_DAY_0_DIFFERS = {
    "levers.funding.annual_cny": "at build the co-building units' commitment is drawn with the matching money's pull; "
                                 "a change shifts it",
    "levers.cross_appointment.big_party_committee": "at build every unit counts as asked in the month before day 0; "
                                                    "switched on later, units are asked at their monthly turn",
    "levers.cross_appointment.party_property": "companies' party organisations founded by an intervention draw their "
                                               "strength from the interventions stream",
}


@pytest.mark.parametrize("lever", [lv for lv in LEVERS if lv.path not in FROM_DAY_0_DIFFERS],
                         ids=[lv.path for lv in LEVERS if lv.path not in FROM_DAY_0_DIFFERS])
def test_a_lever_moved_before_the_first_day_gives_the_scenario_that_has_it_from_day_0(lever):
    """The same code path: set up at a day boundary, an arrangement is what the scenario builds on day 0 (the same
    mediators, committees, app users, pairs...), so the runs agree on every day after the build."""
    overrides = {"community.households": 800}
    mid = build(overrides, "old_compounds", days=40, seed=3)
    value = moved_value(lever, mid.config)
    mid.intervene({lever.path: value})
    mid.run()
    built = build({**overrides, lever.path: value}, "old_compounds", days=40, seed=3)
    built.run()
    pd.testing.assert_frame_equal(mid.series().loc[1:], built.series().loc[1:], check_exact=True)


# --------------------------------------------------------------------------------------------- validation
def test_a_build_time_parameter_is_refused_mid_run_with_the_reset_message():
    model = build(SMALL, days=10)
    model.run_for(3)
    before = model.config
    with pytest.raises(ScenarioError) as error:
        model.intervene({"levers.burden.admin_share": 0.2, "community.households": 900})
    message = str(error.value)
    assert "community.households: fixed when the community is built" in message
    assert "needs a new run (Reset" in message
    assert model.config is before and model.interventions == []  # nothing changed, not even the valid key
    with pytest.raises(ScenarioError, match="fixed when the community is built"):
        model.intervene({"levers.digital_platform.adoption.young": 0.9})  # an arrangement's one-off set-up draw


def test_an_unknown_key_gets_a_did_you_mean_and_a_bad_value_the_format_message():
    model = build(SMALL, days=10)
    with pytest.raises(ScenarioError, match="did you mean 'funding'"):
        model.intervene({"levers.fundng.annual_cny": 1})
    with pytest.raises(ScenarioError, match=r"levers\.burden\.admin_share: Input should be less than or equal to 1"):
        model.intervene({"levers.burden.admin_share": 1.5})
    with pytest.raises(ScenarioError, match="funding shares must sum to 1"):
        model.intervene({"levers.funding.split.repairs": 0.9})
    with pytest.raises(ScenarioError, match="a section, not a parameter"):
        model.intervene({"levers.burden": 0.2})
    assert model.interventions == [] and model.config is model.initial_config


def test_nothing_can_change_after_the_last_day():
    model = build(SMALL, days=5)
    model.run()
    with pytest.raises(ScenarioError, match="the run has ended"):
        model.intervene({"levers.burden.admin_share": 0.2})


def test_keys_may_use_double_underscores_and_nested_tables():
    model = build(SMALL, days=5)
    events = model.intervene({"levers__burden__admin_share": 0.3, "levers": {"grid": {"part_time_workers": 4}}})
    assert [(e.key, e.old, e.new, e.day) for e in events] == [("levers.burden.admin_share", 0.5, 0.3, 1),
                                                            ("levers.grid.part_time_workers", 2, 4, 1)]
    assert model.config.levers.burden.admin_share == 0.3 and model.initial_config.levers.burden.admin_share == 0.5


# ---------------------------------------------------------------------------------- scheduled interventions
SCHEDULE = [{"day": 15, "set": {"levers.burden.admin_share": 0.2, "levers.mediation.enabled": True}},
            # arrangements whose set-up and events depend on the day they start
            {"day": 18, "set": {"levers.fee_leverage.enabled": True, "levers.fee_leverage.duration_days": 9,
                                "levers.cross_appointment.party_property": True,
                                "organisations.property.accountability_interval_days": 7,
                                "levers.property_rating.enabled": True, "levers.property_rating.review_interval_days": 7,
                                "levers.needs_projects.enabled": True, "levers.committee_formation.elections": True,
                                "levers.committee_formation.term_years": 0.05}},
            {"day": 25, "set": {"levers.mediation.enabled": False, "organisations.property.update_interval_days": 4}}]
SCHEDULED_BASE = {**SMALL, "levers.fee_leverage.eligible_below": 0.95, "community.owners_committee.commercial": 1.0}


def test_scheduled_interventions_equal_calling_intervene_on_their_day():
    scheduled = build({**SCHEDULED_BASE, "interventions": SCHEDULE}, days=40)
    scheduled_digests = day_by_day(scheduled)
    called = build(SCHEDULED_BASE, days=40)
    called_digests = []
    while called.running:
        for entry in SCHEDULE:
            if called.steps == entry["day"] - 1:
                called.intervene(entry["set"])
        called.step()
        called_digests.append(state_digest(called))
    assert scheduled_digests == called_digests
    pd.testing.assert_frame_equal(scheduled.series(), called.series(), check_exact=True)
    events = [(e.day, e.key, e.old, e.new, e.source) for e in scheduled.interventions]
    assert events[:2] == [(15, "levers.burden.admin_share", 0.5, 0.2, "interventions[0]"),
                          (15, "levers.mediation.enabled", False, True, "interventions[0]")]
    assert events[-2:] == [(25, "levers.mediation.enabled", True, False, "interventions[2]"),
                           (25, "organisations.property.update_interval_days", 7, 4, "interventions[2]")]
    assert [e[:4] for e in events] == [(e.day, e.key, e.old, e.new) for e in called.interventions]
    assert {e.source for e in called.interventions} == {"intervene"}
    assert scheduled.counters["needs_listed"] and scheduled.companies.stars.any()  # the events it started ran


def test_an_intervention_on_day_n_leaves_days_before_it_identical_to_the_run_without():
    with_it = build({**SMALL, "interventions": [{"day": 12, "set": {"levers.grid.full_time_workers": 0}}]}, days=30)
    without = build(SMALL, days=30)
    with_it.run()
    without.run()
    a, b = with_it.series(), without.series()
    pd.testing.assert_frame_equal(a.loc[:11], b.loc[:11], check_exact=True)
    assert not a.loc[12:].equals(b.loc[12:])


def test_interventions_after_a_shorter_horizon_never_happen():
    model = CommunityModel("red_property_midyear", rng=0, days=30, community__households=300)
    summary = model.run()
    assert summary["interventions"] == [] and not model.config.levers.cross_appointment.party_property


def test_the_built_in_example_changes_the_default_from_day_180_only():
    midyear = CommunityModel("red_property_midyear", rng=1, days=200, community__households=600)
    default = CommunityModel("default", rng=1, days=200, community__households=600)
    midyear.run()
    default.run()
    a, b = midyear.series(), default.series()
    pd.testing.assert_frame_equal(a.loc[:179], b.loc[:179], check_exact=True)
    assert not a.loc[180:].equals(b.loc[180:])
    assert {e.key for e in midyear.interventions} == {"levers.cross_appointment.party_owners_committee",
                                                     "levers.cross_appointment.party_property",
                                                     "levers.three_party_linkage.enabled"}
    assert midyear.companies.has_party_organisation.all()  # red property from day 180: every company has one


# ------------------------------------------------------------------------------------------- file format
def test_file_problems_are_reported_with_their_place():
    data = {"interventions": [
        {"day": 400, "set": {"levers.burden.admin_share": 1.5}},
        {"day": 10, "set": {"community.households": 5, "levers.fundng.annual_cny": 3}},
    ]}
    with pytest.raises(ScenarioError) as error:
        validate_data(data, "mine.toml")
    problems = error.value.lines()
    assert any(p.startswith("mine.toml: interventions[0].day: day 400 is after the run's last day") for p in problems)
    assert 'mine.toml: interventions[0].set."levers.burden.admin_share": Input should be less than or equal to 1 ' \
           "(got 1.5)" in problems
    assert any('interventions[1].set."community.households": fixed when the community is built' in p for p in problems)
    assert any('interventions[1].set."levers.fundng.annual_cny"' in p and "did you mean 'funding'" in p
               for p in problems)
    # the format's own checks come first (an entry of the wrong shape): then each with its place too
    data_format = {"interventions": [{"day": 0, "set": {"levers.burden.access_list": True}}, {"day": 10, "sett": {}}]}
    with pytest.raises(ScenarioError) as error:
        validate_data(data_format, "mine.toml")
    text = str(error.value)
    assert "interventions[0].day: Input should be greater than or equal to 1" in text
    assert "interventions[1].sett: unknown key; did you mean 'set'?" in text


def test_a_table_written_for_the_array_says_how_to_write_it():
    with pytest.raises(ScenarioError, match=r"write each as \[\[interventions\]\] with day = N"):
        validate_data({"interventions": {"day": 3, "set": {"levers.burden.admin_share": 0.2}}})


def test_values_are_checked_with_the_scenario_and_the_earlier_interventions():
    shares = {"levers.funding.split.repairs": 0.15, "levers.funding.split.social_org": 0.45}
    validate_data({"interventions": [{"day": 5, "set": shares}]})  # still sums to 1
    with pytest.raises(ScenarioError, match=r"interventions\[1\]\.set: levers\.funding\.split: funding shares must sum"):
        validate_data({"interventions": [{"day": 5, "set": shares},
                                         {"day": 9, "set": {"levers.funding.split.repairs": 0.5}}]})


def test_the_scenario_digest_covers_interventions_and_is_unchanged_without_them():
    plain = load_scenario("default").config
    payload = plain.model_dump(mode="json", exclude={"extends", "meta", "interventions"})
    before = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert scenario_digest(plain) == before  # the digest (and run key) of a scenario without interventions
    timed = {"interventions": [{"day": 100, "set": {"levers.burden.admin_share": 0.3}}]}
    later = {"interventions": [{"day": 101, "set": {"levers.burden.admin_share": 0.3}}]}
    assert len({scenario_digest(plain), scenario_digest(validate_data(timed)), scenario_digest(validate_data(later))}) == 3
    nested = {"interventions": [{"day": 100, "set": {"levers": {"burden": {"admin_share": 0.3}}}}]}
    assert scenario_digest(validate_data(nested)) == scenario_digest(validate_data(timed))  # one spelling


def test_a_child_file_replaces_its_parents_interventions(tmp_path):
    (tmp_path / "parent.toml").write_text(
        'extends = "default"\n[[interventions]]\nday = 10\nset = { "levers.burden.admin_share" = 0.3 }\n',
        encoding="utf-8")
    (tmp_path / "silent.toml").write_text('extends = "parent.toml"\n[levers.grid]\npart_time_workers = 3\n',
                                          encoding="utf-8")
    (tmp_path / "own.toml").write_text(
        'extends = "parent.toml"\n[[interventions]]\nday = 20\nset = { "levers.grid.grid_first" = false }\n',
        encoding="utf-8")
    (tmp_path / "none.toml").write_text('extends = "parent.toml"\ninterventions = []\n', encoding="utf-8")
    assert [(i.day, i.set) for i in load_scenario(tmp_path / "silent.toml").config.interventions] == [
        (10, {"levers.burden.admin_share": 0.3})]  # inherited when the child writes none
    assert [(i.day, i.set) for i in load_scenario(tmp_path / "own.toml").config.interventions] == [
        (20, {"levers.grid.grid_first": False})]  # replaced, not appended
    assert load_scenario(tmp_path / "none.toml").config.interventions == []
    (tmp_path / "bad_parent.toml").write_text(
        'extends = "default"\n[[interventions]]\nday = 10\nset = { "population.owner_share" = 0.3 }\n',
        encoding="utf-8")
    (tmp_path / "child.toml").write_text('extends = "bad_parent.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(tmp_path / "child.toml")
    assert error.value.sources[0].endswith("bad_parent.toml")  # reported where it is written
    assert "extended by" in error.value.problems[0]


# ------------------------------------------------------------------------------------- arrangements ending
def test_switching_arrangements_off_ends_them_and_hands_their_queues_back():
    on = {"community.households": 900, "levers.mediation.enabled": True, "levers.fallback_property.enabled": True,
          "levers.self_management.enabled": True, "levers.self_management.coverage": 0.5,
          "levers.posts.enabled": True, "levers.fee_leverage.enabled": True, "levers.fee_leverage.eligible_below": 0.95}
    model = build(on, "old_compounds", days=60)
    model.run_for(20)
    ended = [model.mediation_teams.handler, model.self_managed.handler,
             model.companies.handler[model.companies.fallback]]
    assert all(len(h) for h in ended) and model.posts.holds.any() and model.companies.subsidy_rate.any()
    gone = np.concatenate(ended)
    assert np.isin(model.issues.handler[model.issues.open_in(State.QUEUED)], gone).any()  # matters in their hands
    model.intervene({"levers.mediation.enabled": False, "levers.fallback_property.enabled": False,
                     "levers.self_management.enabled": False, "levers.posts.enabled": False,
                     "levers.fee_leverage.enabled": False})
    queued = model.issues.open_in(State.QUEUED)
    assert not np.isin(model.issues.handler[queued], gone).any()  # their matters went back to the grid
    mediated, spent = model.counters["disputes_mediated"], model.ledger.spent()
    model.run()
    assert model.counters["disputes_mediated"] == mediated and len(model.mediation_teams) == 0
    assert not model.posts.holds.any() and not model.companies.subsidy_rate.any()
    assert not model.companies.serving[model.companies.fallback].any()
    assert (model.property_service_by_compound[model.companies.compound[model.companies.fallback]] == -1).all()
    for item in ("mediation_case_subsidies", "fallback_property_subsidies", "self_management_fees",
                 "fee_leverage_subsidies"):
        assert model.ledger.spent()[item] == spent[item], item  # nothing more paid
    assert not np.isin(model.issues.handler[model.issues.open_in(State.QUEUED)], gone).any()


def test_an_arrangement_switched_on_again_is_set_up_again():
    model = build({**SMALL, "levers.mediation.enabled": True}, days=40)
    model.run_for(10)
    model.intervene({"levers.mediation.enabled": False})
    model.run_for(10)
    model.intervene({"levers.mediation.enabled": True, "levers.mediation.lawyer_hours_per_week": 4.0})
    model.run()
    assert len(model.mediation_teams) and model.mediation_teams.lawyer >= 0 and model.mediation.active


# ---------------------------------------------------------------------------------------------- outputs
def test_changes_are_recorded_in_the_summary_provenance_and_run_outputs(tmp_path, capsys):
    from cogov.cli import main

    scenario = tmp_path / "midway.toml"
    scenario.write_text('extends = "default"\n[community]\nhouseholds = 300\n[simulation]\ndays = 30\n'
                        '[[interventions]]\nday = 10\nset = { "levers.burden.admin_share" = 0.3 }\n', encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["run", str(scenario), "--seed", "4", "--out", str(tmp_path / "out")]) == 0
    record = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    event = {"day": 10, "key": "levers.burden.admin_share", "old": 0.5, "new": 0.3, "source": "interventions[0]"}
    assert record["interventions"] == [event] and record["provenance"]["interventions"] == [event]
    assert record["provenance"]["scenario_digest"] == load_scenario(scenario).digest  # the scenario's, as built
    table = pd.read_csv(tmp_path / "out" / "interventions.csv")
    assert table.to_dict("records") == [event]
    model = CommunityModel(scenario, rng=4)
    model.run()
    assert model.interventions_frame().to_dict("records") == [event]
    assert model.summary()["interventions"] == [event]
