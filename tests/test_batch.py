"""Communities stepped together in a batch (:mod:`cogov.sim.batch`, issue 13): bit for bit the runs alone, and the
runner's batches of replicates (a batch that fails is retried run by run).

A batch shares nothing between its communities, so every number of every community must equal the same community
run alone with the same seed: every daily metric of every day, the final state of every household, the counters and
the summary. Mixed batches (all built-in scenarios in one batch: other sizes, other parameters) check the stacked
table's per-community sums and per-row parameters; a full year checks the events of every interval and a scheduled
intervention; a lever moved by hand in one community of a batch checks live interventions.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import fields
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cogov.experiments.runner import RunTask, chunked, run_chunk
from cogov.experiments.targets import CogovTarget, RunOutput, simulate, simulate_batch
from cogov.sim.batch import BATCHED, CommunityBatch, StackedHouseholds
from cogov.sim.households import Households
from cogov.sim.issues import IssueTable, StackedIssues
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes.quantile import RowQuantile, quantile_of_one
from cogov.sim.scenario import apply_overrides, builtin_names, load_scenario
from cogov.sim.stacking import FEW_PARTS, lookup, part_means, parts, per_row, shared_sections, small_table

SMALL = apply_overrides(load_scenario("default").config, {"community.households": 300, "simulation.days": 30})
"""A small community (300 households, 30 days) for what needs no large one."""


def _assert_same(alone: CommunityModel, inside: CommunityModel) -> None:
    """Every recorded number of two runs is identical (NaN equal to NaN)."""
    pd.testing.assert_frame_equal(alone.series(), inside.series(), check_exact=True)
    for column in fields(Households):
        np.testing.assert_array_equal(getattr(alone.households, column.name), getattr(inside.households, column.name),
                                      err_msg=column.name)
    assert alone.counters == inside.counters
    assert json.dumps(alone.summary(), sort_keys=True, default=str) == json.dumps(inside.summary(), sort_keys=True,
                                                                                  default=str)
    for column in alone.branches.columns:  # the party organisations (stacked by the batched party phase)
        np.testing.assert_array_equal(getattr(alone.branches, column), getattr(inside.branches, column),
                                      err_msg=f"branches.{column}")
    np.testing.assert_array_equal(alone.party.visit_probability, inside.party.visit_probability)
    np.testing.assert_array_equal(alone.co_building.commitment, inside.co_building.commitment)
    np.testing.assert_array_equal(alone.co_building.engaged, inside.co_building.engaged)
    assert alone.ledger.totals == inside.ledger.totals


def _alone(scenario: Any, seed: int, days: int) -> CommunityModel:
    model = CommunityModel(scenario, rng=seed, days=days)
    model.run()
    return model


@pytest.mark.parametrize("days", [2, 45])
def test_every_builtin_scenario_in_one_mixed_batch_is_bit_identical_to_it_run_alone(days):
    """All built-in scenarios in one batch: communities of other sizes and other parameters side by side. Two days:
    what a community counted as zero (a count it has, at 0) is as alone; 45: the dynamics."""
    names = [*builtin_names(), "default with 300 households", "mixed with 1000 households"]
    configs = [load_scenario(name).config for name in names[:-2]]
    configs += [apply_overrides(load_scenario("default").config, {"community.households": 300}),
                apply_overrides(load_scenario("mixed").config, {"community.households": 1000})]
    batch = CommunityBatch([CommunityModel(config, rng=100 + k, days=days) for k, config in enumerate(configs)])
    assert not batch.households.equal_sizes
    batch.run()
    for k, (name, config) in enumerate(zip(names, configs, strict=True)):
        try:
            _assert_same(_alone(config, 100 + k, days), batch.models[k])
        except AssertionError as err:
            raise AssertionError(f"scenario {name}: {err}") from err


@pytest.mark.parametrize("scenario", ["default", "red_property_midyear"])
def test_replicates_in_a_batch_over_a_year_are_bit_identical_to_them_run_alone(scenario):
    """A year: every recurring event's interval, and (red_property_midyear) a scheduled intervention on day 180."""
    seeds = [3, 4, 5]
    batch = CommunityBatch.of(scenario, seeds)
    assert batch.households.equal_sizes
    summaries = batch.run()
    for seed, inside, summary in zip(seeds, batch.models, summaries, strict=True):
        alone = _alone(scenario, seed, inside.days)
        _assert_same(alone, inside)
        assert summary["interventions"] == alone.summary()["interventions"]
    if scenario == "red_property_midyear":
        assert [event.day for event in batch.models[0].interventions] == [180, 180, 180]


def test_party_building_with_other_parameters_in_each_community_of_a_batch_is_as_alone():
    """Party building's parameters differ from community to community (parameters per row, a results memory of
    its own, training and rewards in some communities only, secretaries leaving often, units on the big party
    committee): each community of the batch as alone, past the first quarterly reward."""
    days = 95
    overrides = [
        {},
        {"party.results_memory_days": 30.0, "party.attendance.retired": 0.5, "party.secretary_turnover_per_year": 1.0,
         "party.turnover_loss": 0.5, "levers.party_building.training_days_per_year": 12.0,
         "community.co_building_units": 40, "community.households": 1000},
        {"party.life_interval_days": 14, "party.growth_rate": 0.05, "party.visits_per_member_per_month": 5.0,
         "levers.party_building.performance_reward_cny": 20_000.0, "levers.party_building.reward_threshold": 0.3,
         "levers.cross_appointment.big_party_committee": True, "levers.burden.admin_share": 0.3},
        {"party.secretary_turnover_per_year": 1.0, "levers.party_building.training_days_per_year": 52.0,
         "levers.party_building.performance_reward_cny": 5_000.0, "levers.party_building.reward_threshold": 0.0,
         "community.households": 500},
    ]
    configs = [apply_overrides(SMALL, {**changes, "simulation.days": days}) for changes in overrides]
    batch = CommunityBatch([CommunityModel(config, rng=30 + k) for k, config in enumerate(configs)])
    batch.run()
    for k, config in enumerate(configs):
        alone = _alone(config, 30 + k, days)
        _assert_same(alone, batch.models[k])
    assert batch.models[3].ledger.by_item()["branch_rewards"] > 0
    assert batch.models[1].ledger.by_item()["secretary_training"] > 0


def test_a_lever_moved_in_one_community_of_a_batch_acts_as_it_does_alone():
    days, moved_on = 60, 20
    batch = CommunityBatch.of("default", [7, 8], days=days)
    alone = CommunityModel("default", rng=8, days=days)
    untouched = CommunityModel("default", rng=7, days=days)
    while batch.day < moved_on:
        batch.step()
        alone.step()
        untouched.step()
    change = {"levers.burden.admin_share": 0.2}
    batch.models[1].intervene(change)
    alone.intervene(change)
    batch.run()
    alone.run()
    untouched.run()
    _assert_same(alone, batch.models[1])
    _assert_same(untouched, batch.models[0])
    assert batch.models[1].metrics["satisfaction_mean"] != batch.models[0].metrics["satisfaction_mean"]


def test_arrangements_switched_on_then_off_in_one_community_of_a_batch_are_recorded_as_alone():
    """The record counts an arrangement's reach only once some community has had it on (until then its arrays are as
    built): care, activities, posts, teams and the five ones switched on in one community on day 10, off on day 40
    (care's and activities' reach fades over the next 30 and 60 days; the others' arrays are cleared)."""
    days, on, off = 75, 10, 40
    levers = ("proactive_care", "activities", "posts", "volunteer_teams", "five_ones")
    batch = CommunityBatch.of(SMALL, [7, 8], days=days)
    alone = CommunityModel(SMALL, rng=8, days=days)
    while batch.day < days:
        if batch.day in (on, off):
            change = {f"levers.{lever}.enabled": batch.day == on for lever in levers}
            batch.models[1].intervene(change)
            alone.intervene(change)
        batch.step()
        alone.step()
    _assert_same(alone, batch.models[1])
    _assert_same(_alone(SMALL, 7, days), batch.models[0])
    series = batch.models[1].series()
    for metric in ("vulnerable_reached_share", "activity_reach_share", "posts_held_share", "team_member_share"):
        assert series[metric].iloc[off - 1] > 0, metric  # each arrangement reached someone while it was on
    assert series["posts_held_share"].iloc[-1] == series["team_member_share"].iloc[-1] == 0  # cleared when off
    assert (batch.models[0].series()[["vulnerable_reached_share", "posts_held_share"]] == 0).all().all()


def test_each_community_reads_and_writes_its_slice_of_the_stacked_table():
    batch = CommunityBatch.of(SMALL, [1, 2])
    stack, (first, second) = batch.households, batch.models
    assert list(stack.offsets) == [0, first.households.size, first.households.size + second.households.size]
    second.households.trust[0] = 0.123  # a community's own write is the stack's
    assert stack.trust[first.households.size] == 0.123
    stack.satisfaction[:] = 0.5  # and a batched phase's write is every community's
    assert (first.households.satisfaction == 0.5).all() and (second.households.satisfaction == 0.5).all()


def test_stacked_sums_are_numpys_sums_of_each_slice_bit_for_bit():
    """np.add.reduceat sums in another order than a slice's sum; the stack must not use it."""
    rng = np.random.default_rng(0)
    for sizes in ([2000, 2000, 2000], [2000, 1000, 2017, 3]):
        tables = []
        for n in sizes:
            tables.append(CommunityModel(SMALL, rng=int(rng.integers(1000))).households)
        tables = [_resized(t, n, rng) for t, n in zip(tables, sizes, strict=True)]
        stack = StackedHouseholds(tables)
        expected = [t.satisfaction.sum() for t in tables]
        assert stack.sums(stack.satisfaction).tolist() == expected
        assert stack.counts(stack.satisfaction > 0.5).tolist() == [int((t.satisfaction > 0.5).sum()) for t in tables]


def test_stacked_counts_are_exact_however_many_rows_a_community_has():
    """Counts of communities of one size sum bytes along rows, in 16 bits below 2**16 rows: a community of more rows
    than 16 bits hold, all of them counted, must still be counted exactly."""
    rng = np.random.default_rng(4)
    table = CommunityModel(SMALL, rng=5).households
    for n in (2**16 - 1, 2**16 + 5):
        stack = StackedHouseholds([_resized(table, n, rng), _resized(table, n, rng)])
        mask = np.ones(len(stack.position), dtype=bool)
        mask[n + 3] = False
        assert stack.counts(mask).tolist() == [n, n - 1]
        assert stack.counts(stack.satisfaction > 0.5).tolist() == [
            int(np.count_nonzero(stack.satisfaction[:n] > 0.5)), int(np.count_nonzero(stack.satisfaction[n:] > 0.5))]


def _resized(table: Households, n: int, rng: np.random.Generator) -> Households:
    """A households table of ``n`` rows with random satisfaction (the other columns repeated from ``table``)."""
    index = np.arange(n) % table.size
    resized = Households(**{c.name: getattr(table, c.name)[index].copy() for c in fields(Households)})
    resized.satisfaction[:] = rng.random(n)
    return resized


def test_part_means_are_each_parts_own_mean_bit_for_bit():
    """Parts of one length are summed as the rows of a 2-D gather: each row's sum must be the part's own (pairwise)
    sum, for lengths below and above numpy's blocks of 8 and 128, and an empty part is NaN."""
    rng = np.random.default_rng(1)
    counts = [0, 1, 3, 7, 8, 9, 3, 130, 129, 1000, 7, 0, 130, *[50] * FEW_PARTS, *[300] * FEW_PARTS]  # some gathered
    values = rng.random(sum(counts)) * rng.choice([1e-3, 1.0, 1e3], size=sum(counts))
    means = part_means(values, counts)
    starts = np.concatenate(([0], np.cumsum(counts)))
    for k, n in enumerate(counts):
        part = values[starts[k]:starts[k + 1]]
        assert (np.isnan(means[k]) if n == 0 else means[k] == float(part.sum() / n)), (k, n)
    assert part_means(values[:600], [300, 300]) == [float(values[:300].sum() / 300), float(values[300:600].sum() / 300)]
    assert part_means(values[:5], [5]) == [float(values[:5].sum() / 5)] and np.isnan(part_means(values[:0], [0])[0])
    assert [p.tolist() for p in parts(values[:6], [2, 0, 4])] == [values[:2].tolist(), [], values[2:6].tolist()]


@pytest.mark.parametrize("sizes", [[1], [2], [9, 9, 9], [10, 11, 1, 2], [200] * 6, [2001, 200, 57], [2000] * 4])
def test_the_10th_percentile_of_each_community_is_numpys_day_after_day(sizes):
    """RowQuantile keeps a bracket per community from one day to the next: whether it holds (a few households move a
    little), fails (a jump) or holds ties, each community's value is np.percentile's, bit for bit."""
    rng = np.random.default_rng(2)
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    position = np.repeat(np.arange(len(sizes)), sizes)
    values = rng.beta(5, 3, size=offsets[-1])
    quantile = RowQuantile(np.array(sizes))
    for day in range(40):
        if day % 10 == 9:  # a jump: every bracket may fail
            values = rng.beta(2, 2, size=offsets[-1])
        elif day % 10 == 5:  # ties: many households at one value
            values[rng.random(len(values)) < 0.3] = 0.5
        else:  # drift: a few households move a little
            moved = rng.random(len(values)) < 0.1
            values[moved] = np.clip(values[moved] + rng.normal(0, 0.02, moved.sum()), 0, 1)
        expected = [float(np.percentile(values[a:b], 10)) for a, b in pairwise(offsets)]
        assert quantile(values, position).tolist() == expected, day
        if len(sizes) == 1:
            assert quantile_of_one(values) == expected[0]
    assert len(sizes) <= quantile.resets < 40 * len(sizes)  # first call, jumps: reset; drift: the brackets hold


def test_stacked_counts_of_communities_of_other_sizes_are_their_own():
    batch = CommunityBatch([CommunityModel(SMALL, rng=1), CommunityModel(apply_overrides(SMALL, {
        "community.households": 450}), rng=2)])
    stack = batch.households
    assert not stack.equal_sizes
    mask = np.random.default_rng(3).random(len(stack.position)) < 0.4
    assert stack.counts(mask).tolist() == [int(np.count_nonzero(mask[a:b]))
                                           for a, b in zip(stack.offsets[:-1], stack.offsets[1:], strict=True)]


def test_replicates_share_their_scenario_so_parameters_are_read_once_and_per_row_otherwise():
    batch = CommunityBatch.of(SMALL, [1, 2, 3])
    sections = [model.config.behaviour.participation for model in batch.models]
    assert per_row(sections, np.array([0, 1, 2])) is sections[0]  # one object: read directly
    other = apply_overrides(SMALL, {"behaviour.participation.report_intercept": 1.5})
    mixed = per_row([sections[0], other.behaviour.participation], np.array([1, 0, 1]))
    assert mixed.report_intercept.tolist() == [1.5, sections[0].report_intercept, 1.5]
    assert mixed.report_trust == sections[0].report_trust  # shared values stay one number
    tables = [np.array([1.0, 2.0]), np.array([1.0, 3.0])]
    assert lookup(tables, np.array([0, 1, 1]), np.array([1, 1, 0])).tolist() == [2.0, 3.0, 1.0]
    assert lookup([tables[0], tables[0].copy()], np.array([0, 1]), np.array([1, 0])).tolist() == [2.0, 1.0]


def test_runs_validated_apart_share_their_equal_sections_and_keep_every_number():
    runs = [apply_overrides(SMALL, {"levers.funding.annual_cny": cny, "simulation.days": 30})
            for cny in (1000.0, 2000.0, 1000.0)]
    runs.append(apply_overrides(SMALL, {"behaviour.participation.report_intercept": -0.0, "simulation.days": 30}))
    shared = shared_sections(runs)
    assert shared == runs  # the same values, field for field
    assert all(s.model_dump(mode="json") == r.model_dump(mode="json") for s, r in zip(shared, runs, strict=True))
    assert shared[0] is shared[2] and shared[0] is not shared[1]  # equal scenarios are one object
    assert shared[0].levers.grid is shared[1].levers.grid and shared[0].levers.funding is not shared[1].levers.funding
    assert shared[0].behaviour is shared[1].behaviour  # so a phase reads them once (per_row)
    assert per_row([s.behaviour.participation for s in shared[:3]], np.arange(3)) is shared[0].behaviour.participation
    # -0.0 stays apart from 0.0 (as small_table keeps them): its sign survives the sharing
    assert shared[3].behaviour.participation is not shared[0].behaviour.participation
    assert str(shared[3].behaviour.participation.report_intercept) == "-0.0"
    alone = [CommunityModel(r, rng=5).run()["metrics"] for r in runs[:2]]
    assert [summary["metrics"] for summary in CommunityBatch.of_runs(runs[:2], [5, 5]).run()] == alone


def test_equal_small_tables_are_one_read_only_object_that_lookup_reads_directly():
    a, b = small_table((0.5, 1.0, -0.0)), small_table([0.5, 1.0, -0.0])
    assert a is b and not a.flags.writeable
    assert small_table((0.5, 1.0, 0.0)) is not a  # -0.0 and 0.0 stay apart (so do 1 and 1.0)
    assert small_table((1, 2)) is not small_table((1.0, 2.0)) and small_table((1, 2)).dtype == np.int64
    assert lookup([a, b], np.array([0, 1, 1]), np.array([2, 0, 1])).tolist() == [-0.0, 0.5, 1.0]
    batch = CommunityBatch.of(SMALL, [1, 2])  # replicates share their tables
    assert batch.models[0].volunteering.time_cost is batch.models[1].volunteering.time_cost


def test_a_model_stepped_in_a_batch_ends_with_mesas_clock_as_alone():
    """The batch holds each model's own step in Mesa's event list while it steps it, and gives it back at the
    horizon: the clock, the step count and the next scheduled step are those of the model run alone."""
    batch = CommunityBatch.of(SMALL, [7], days=12)
    assert batch.models[0]._default_schedule.is_active
    batch.run()
    inside, alone = batch.models[0], _alone(SMALL, 7, 12)
    assert (inside.time, inside.steps, inside.running) == (alone.time, alone.steps, alone.running) == (12, 12, False)
    assert inside._default_schedule.next_scheduled_time == alone._default_schedule.next_scheduled_time == 13
    assert sorted(e.time for e in inside._event_list._events if not e.CANCELED) == \
        sorted(e.time for e in alone._event_list._events if not e.CANCELED)


def test_a_batch_refuses_communities_it_cannot_step_together():
    with pytest.raises(ValueError, match=r"share a horizon \(simulation.days\), these have 10, 20"):
        CommunityBatch([CommunityModel(SMALL, rng=1, days=10), CommunityModel(SMALL, rng=2, days=20)])
    started = CommunityModel(SMALL, rng=1, days=10)
    started.step()
    with pytest.raises(ValueError, match=r"from day 0: some have run already \(to day 1\)"):
        CommunityBatch([started])
    with pytest.raises(ValueError, match="at least one"):
        CommunityBatch([])


def test_a_timed_batch_times_every_phase_and_changes_no_number():
    timed, plain = CommunityBatch.of(SMALL, [5, 6], days=10), CommunityBatch.of(SMALL, [5, 6], days=10)
    timed.phase_seconds = {}
    timed.run()
    plain.run()
    assert set(timed.phase_seconds) == {*timed.phases, "clock"} and min(timed.phase_seconds.values()) >= 0
    for a, b in zip(timed.models, plain.models, strict=True):
        _assert_same(a, b)


def test_every_batched_phase_is_a_phase_of_the_lifecycle():
    phases = [name for name, _ in CommunityModel(SMALL, rng=1).lifecycle]
    assert set(BATCHED) <= set(phases) and len(phases) == len(set(phases))


# ----------------------------------------------------------------------------------------------- the runner
def _tasks(points: list[dict[str, Any]], replicates: int) -> list[RunTask]:
    return [RunTask(run_id=r * len(points) + p, point_id=p, replicate=r, seed=50 + r, point=point, run_key=f"{p}-{r}")
            for r in range(replicates) for p, point in enumerate(points)]


def test_the_runner_batches_the_runs_of_a_chunk_across_points_and_gets_the_runs_alone(monkeypatch):
    """A chunk's runs are one batch whatever their points (other parameters, another size), but one batch per
    horizon; every run is the run alone."""
    from cogov.experiments import targets

    sizes: list[int] = []

    class Counted(CommunityBatch):
        def __init__(self, models):
            sizes.append(len(models))
            super().__init__(models)

    monkeypatch.setattr(targets, "CommunityBatch", Counted)
    target = CogovTarget(base=SMALL, base_digest="small")
    points = [{}, {"levers.funding.annual_cny": 20_000.0}, {"community.households": 200}, {"simulation.days": 20}]
    tasks = _tasks(points, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a batch that failed and fell back to single runs warns: not here
        results = run_chunk(target, chunked(tasks, 8)[0], series_every=10)
    assert [r.run_id for r in results] == [0, 4, 1, 5, 2, 6, 3, 7]  # the chunk's order: each point's replicates
    assert sorted(sizes) == [2, 6]  # the 20-day runs apart: a batch's communities share their horizon
    for result in results:
        task = tasks[result.run_id]
        alone = simulate(target.configure(task.point), task.seed, series_every=10)
        assert result.error is None
        assert json.dumps(result.output.summary) == json.dumps(alone.summary)
        assert result.output.series.equals(alone.series)


class _FailsAtOneSeed:
    """A target whose run with ``bad_seed`` raises, alone or inside a batch (as a diverging run would)."""

    name = "flaky"
    base_digest = "flaky"

    def __init__(self, bad_seed: int):
        self.bad_seed = bad_seed
        self.target = CogovTarget(base=SMALL, base_digest="small")
        self.batches: list[list[int]] = []

    def run(self, point: dict[str, Any], seed: int, series_every: int | None) -> RunOutput:
        if seed == self.bad_seed:
            raise FloatingPointError(f"diverged at seed {seed}")
        return self.target.run(point, seed, series_every)

    def run_batch(self, points: list[dict[str, Any]], seeds: list[int], series_every: int | None) -> list[RunOutput]:
        self.batches.append(list(seeds))
        if self.bad_seed in seeds:
            raise FloatingPointError("diverged somewhere in the batch")
        return self.target.run_batch(points, seeds, series_every)


def test_a_batch_that_fails_is_run_again_run_by_run_and_only_the_bad_run_is_lost():
    tasks = _tasks([{"simulation.days": 15}], 4)
    target = _FailsAtOneSeed(bad_seed=52)
    with pytest.warns(RuntimeWarning, match=r"a batch of 4 runs .* failed .*diverged somewhere.*one by one"):
        results = run_chunk(target, tasks, series_every=None)
    assert target.batches == [[50, 51, 52, 53]]
    assert [r.error is None for r in results] == [True, True, False, True]
    assert "FloatingPointError: diverged at seed 52" in results[2].error
    good = simulate_batch(target.target.configure({"simulation.days": 15}), [50, 51, 53])
    assert [json.dumps(r.output.summary) for r in results if r.output is not None] == [json.dumps(o.summary)
                                                                                      for o in good]


def test_chunks_hold_whole_pieces_of_one_point_interleaved_across_points():
    tasks = _tasks([{"p": 0}, {"p": 1}, {"p": 2}], 5)
    chunks = chunked(tasks, 4)
    assert sorted(t.run_id for chunk in chunks for t in chunk) == list(range(15))
    assert all(len(chunk) <= 4 for chunk in chunks)
    pieces = [[(t.point_id, t.replicate) for t in chunk] for chunk in chunks]
    assert pieces[:3] == [[(0, r) for r in range(4)], [(1, r) for r in range(4)], [(2, r) for r in range(4)]]
    assert pieces[3] == [(0, 4), (1, 4), (2, 4)]  # the fifth replicates of every point, packed together
    singles = chunked(_tasks([{"p": p} for p in range(30)], 1), 10)  # one replicate per point: chunks still fill
    assert [len(chunk) for chunk in singles] == [10, 10, 10]


def test_issue_tables_grow_together_and_a_batch_stays_bit_identical_past_the_growth():
    """A community's issue table holds two years of issues before it grows; in a batch every segment grows then."""
    days = 800
    batch = CommunityBatch.of(SMALL, [21, 22], days=days)
    capacity = batch.issues.capacity
    batch.run()
    assert batch.issues.capacity > capacity  # the segments grew during the run
    assert all(model.issues._capacity == batch.issues.capacity for model in batch.models)
    for seed, inside in zip([21, 22], batch.models, strict=True):
        _assert_same(_alone(SMALL, seed, days), inside)


def test_stacked_issues_keep_every_communitys_rows_when_one_grows():
    tables = [IssueTable(16) for _ in range(3)]
    for k, table in enumerate(tables):
        n = 5 + k
        table.add(0, np.arange(n), np.zeros(n, int), np.zeros(n, int), np.zeros(n, int), np.full(n, 0.1 * (k + 1)),
                  np.zeros(n, bool))
    stack = StackedIssues(tables)
    rows = stack.open()
    assert rows.rows.tolist() == [0, 1, 2, 3, 4, 16, 17, 18, 19, 20, 21, 32, 33, 34, 35, 36, 37, 38]
    assert rows.position.tolist() == [0] * 5 + [1] * 6 + [2] * 7
    tables[1].add(1, np.arange(20), np.zeros(20, int), np.zeros(20, int), np.zeros(20, int), np.full(20, 0.9),
                  np.zeros(20, bool))  # community 1 outgrows its segment: every segment grows
    assert stack.capacity == 32 and len(tables[1]) == 26
    for k, table in enumerate(tables):
        np.testing.assert_array_equal(stack.severity[k * 32:k * 32 + len(table)], table.severity[:len(table)])
    rows = stack.open()
    stack.severity[rows.rows] += 1.0  # a write through the stack is each community's
    assert tables[2].severity[:len(tables[2])].tolist() == pytest.approx([1.3] * 7)


def test_chunks_hold_a_batch_of_runs_while_every_worker_has_work():
    from cogov.experiments.runner import BATCH_RUNS, default_chunk_size

    assert default_chunk_size(32, 2) == BATCH_RUNS  # batches of 8, 4 chunks
    assert default_chunk_size(12, 2) == 6  # a chunk per worker
    assert default_chunk_size(6, 4) == 1  # too few runs to batch and keep 4 workers busy
    assert default_chunk_size(10_000, 2) == 100  # many runs: ~10 chunks per worker, at most 100
    assert default_chunk_size(40, 2) == BATCH_RUNS  # one replicate per point: points batched together