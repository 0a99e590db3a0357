"""Agent- and issue-level tables: households_frame(), issues_frame() and `cogov run --agents`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from cogov.cli import main
from cogov.sim import CommunityModel
from cogov.sim.households import NEVER


@pytest.fixture(scope="module")
def model():
    m = CommunityModel("default", rng=3, days=120)
    m.run()
    return m


def test_households_frame_is_one_row_per_household_with_its_state(model):
    frame = model.households_frame()
    h = model.households
    assert len(frame) == h.size and frame["household"].tolist() == list(range(h.size))
    assert np.array_equal(frame["satisfaction"], h.satisfaction) and np.array_equal(frame["trust"], h.trust)
    assert set(frame["compound_type"].cat.categories) == {"commercial", "affordable", "reform", "work_unit", "three_no"}
    assert (frame["member_type"] != "none").sum() == int(h.is_member.sum())
    never = h.last_served == NEVER
    assert frame["last_served"].isna().tolist() == never.tolist()
    assert frame.loc[~never, "last_served"].astype(int).tolist() == h.last_served[~never].tolist()
    assert frame["open_issues"].sum() == len(model.issues.open_rows)
    xy = model.layout.building_xy[h.building]
    assert frame["x"].tolist() == xy[:, 0].tolist()


def test_issues_frame_tells_each_issue_history_consistently_with_the_counters(model):
    frame = model.issues_frame()
    counts = model.counters
    assert len(frame) == counts["arisen"]
    outcome = frame["outcome"].value_counts()
    assert outcome["resolved"] == counts["resolved"]
    assert outcome["unresolved"] + outcome["abandoned"] == counts["unresolved"]
    assert outcome["abandoned"] == counts["abandoned"]
    assert outcome["open"] == len(model.issues.open_rows)
    resolved = frame[frame["outcome"] == "resolved"]
    assert resolved["days_to_close"].mean() == pytest.approx(model.metrics["mean_days_to_resolve"])
    assert (frame["found"].notna() == (frame["channel"] != "unfound")).all()
    assert frame["found"].notna().sum() == counts["found"]
    closed = frame["outcome"] != "open"
    assert frame.loc[closed, "evaluation"].between(0, 1).all() and frame.loc[~closed, "evaluation"].isna().all()
    assert (frame.loc[frame["outcome"] == "abandoned", "evaluation"] == 0).all()
    assert (frame["escalations"] > 0).sum() == counts["escalated"]
    assert frame.loc[frame["hotline_call"].notna(), "channel"].isin(["hotline", "resident", "patrol", "steward"]).all()
    queued = frame["state"] == "queued"
    assert frame.loc[queued, "handler"].notna().all() and frame.loc[queued, "handler_kind"].notna().all()


def test_cogov_run_agents_writes_both_tables_with_provenance(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "default", "--days", "20", "--seed", "2", "--out", str(out), "--agents"]) == 0
    households = pq.read_table(out / "households.parquet")
    issues = pq.read_table(out / "issues.parquet")
    provenance = json.loads(households.schema.metadata[b"cogov"])
    assert provenance["seed"] == 2 and provenance["model_version"] and provenance["scenario_digest"]
    reference = CommunityModel("default", rng=2, days=20)
    reference.run()
    pd.testing.assert_frame_equal(issues.to_pandas(), reference.issues_frame(), check_dtype=False, check_categorical=False)
    assert households.num_rows == reference.households.size


def test_agents_without_out_is_refused(capsys):
    assert main(["run", "default", "--days", "5", "--agents"]) == 2
    assert "--agents needs --out" in capsys.readouterr().err
