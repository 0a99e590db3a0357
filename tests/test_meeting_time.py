"""Staff time in convened meetings (model version 4, issue 14): meetings the arrangements convene take the community
staff's hours from issue handling, and their salary value moves in the ledger from funds and salaries to meetings.

Checked alone on a hand-built ledger, inside a model (hours owed today are exactly the hours missing from the next
day's community capacity; the ledger adds up), per arrangement (each records its meetings), and switched off
(``service.staff_hours_per_meeting = 0`` gives model version 3's numbers bit for bit).
"""

from __future__ import annotations

import pytest
from golden_cases import assert_matches_snapshot, cases, produce

from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.meeting_time import FUNDS_AND_SALARIES, MEETING_STAFF_TIME, MeetingTime
from cogov.sim.model import CommunityModel


def test_hours_owed_are_taken_carried_and_moved_in_the_ledger():
    ledger = Ledger()
    ledger.record(FUNDS_AND_SALARIES, 1000.0)
    meetings = MeetingTime(hours_per_meeting=2.0, staff_cny_per_hour=40.0, ledger=ledger)
    meetings.held("linkage_meetings", 3)
    meetings.held("accountability_reviews")
    assert meetings.owed == 8.0 and meetings.meetings == {"linkage_meetings": 3, "accountability_reviews": 1}
    assert meetings.take(5.0) == 0.0 and meetings.owed == 3.0  # a short day: the rest stays owed
    assert meetings.take(10.0) == 7.0 and meetings.owed == 0.0 and meetings.hours_taken == 8.0
    spent = ledger.spent()
    assert spent[MEETING_STAFF_TIME] == 320.0 and spent[FUNDS_AND_SALARIES] == 680.0
    assert ledger.total() == 1000.0  # not new money
    assert meetings.take(4.0) == 4.0  # nothing owed: every hour stays with the issues
    meetings.held("council_meetings", 0)
    with pytest.raises(AssertionError, match="unknown kind"):
        meetings.held("tea_party")


def test_a_meeting_today_takes_its_hours_from_the_next_days_community_capacity():
    a, b = CommunityModel("red_property", rng=3, days=40), CommunityModel("red_property", rng=3, days=40)
    for model in (a, b):
        for _ in range(10):
            model.step()
    b.meeting_time.held("council_meetings", 2)
    community = a.handling.community_handler
    for model in (a, b):  # the day's first stages, as step() runs them
        model.fee_leverage.step(model.steps)
        model.resources.step(model.volunteering.step(model.steps))
    hours = b.config.service.staff_hours_per_meeting
    assert a.handlers.capacity[community] - b.handlers.capacity[community] == pytest.approx(2 * hours)
    assert b.meeting_time.owed == 0.0


@pytest.mark.parametrize(("scenario", "kind"), [
    ("red_property", "accountability_reviews"),
    ("three_party_linkage", "linkage_meetings"),
    ("deliberation_council", "council_meetings"),
    ("big_party_committee", "party_committee_meetings"),
    ("property_rating", "rating_reviews"),
])
def test_each_arrangement_takes_staff_time_and_the_ledger_adds_up(scenario, kind):
    model = CommunityModel(scenario, rng=1, days=200)
    summary = model.run()
    meetings, hours = model.meeting_time, model.config.service.staff_hours_per_meeting
    assert meetings.meetings[kind] > 0
    assert meetings.hours_taken + meetings.owed == pytest.approx(hours * sum(meetings.meetings.values()))
    assert summary["metrics"]["meeting_staff_hours"] == meetings.hours_taken
    spent = model.ledger.spent()
    assert spent[MEETING_STAFF_TIME] == pytest.approx(meetings.hours_taken * model.config.costs.staff_cny_per_hour)
    # what moved to meetings left funds and salaries: the two together are the plan's daily public cost, every day
    assert spent[FUNDS_AND_SALARIES] + spent[MEETING_STAFF_TIME] == pytest.approx(
        200 * model.plan.public_cost_per_day)
    assert summary["metrics"]["cost_total"] == pytest.approx(model.ledger.total())


def test_the_default_community_convenes_no_such_meeting():
    model = CommunityModel("default", rng=1, days=120)
    model.run()
    assert sum(model.meeting_time.meetings.values()) == 0 and model.meeting_time.hours_taken == 0.0


SWITCHED_OFF = [c for c in cases("3") if c["scenario"] in
                {"red_property", "three_party_linkage", "deliberation_council", "big_party_committee",
                 "property_rating", "default"} and c["days"] is None]


@pytest.mark.parametrize("case", SWITCHED_OFF, ids=[c["name"] for c in SWITCHED_OFF])
def test_switched_off_the_mechanism_gives_model_version_3_bit_for_bit(case):
    """``service.staff_hours_per_meeting = 0`` switches the mechanism off: the arrangements' runs are then those
    model version 3 made (its golden snapshot), every number that existed then."""
    series, summary = produce(case | {"overrides": {**case["overrides"], "service.staff_hours_per_meeting": 0.0}})
    assert_matches_snapshot(case["name"], series, summary, "3")
