"""The classroom guide's demonstrations 1-3 (docs/classroom.md), followed as written on the page's own logic
(:class:`cogov.viz.session.Session`, what every button of ``cogov viz`` calls), on the page's default seed 0.

Each number a teacher is told to read from a monitor is checked against what the page shows, and the guide must
say that number: a change of model that moves them fails here until the guide is recomputed
(``scripts/classroom_numbers.py``). Demonstration 4 (a lever moved during the run) is followed in a real browser
(tests/test_browser.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")

from cogov.viz.session import Session

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "classroom.md").read_text(encoding="utf-8")
ENGLISH = GUIDE[:GUIDE.index("## 中文")]


def _monitor(session: Session, metric: str) -> str:
    return next(m.text for m in session.monitors("en") if m.metric == metric)


def _play_until(session: Session, day: int, days_per_step: int) -> None:
    """*Run until day* set to ``day`` (or emptied: 0), then Play: the loop calls advance until it stops."""
    session.set_until(day or None)
    while session.advance(days_per_step):
        pass


def _says(*phrases: str) -> None:
    for phrase in phrases:
        assert phrase in ENGLISH, f"the guide no longer says {phrase!r}"


def test_demonstration_1_red_property():
    session = Session("default", lang="en", seed=0)
    _play_until(session, 180, 10)
    assert session.frame.day == 180 and _monitor(session, "stalemates") == "44"
    _says("*Stalled collective\nissues* monitor (44)")
    for lever in ("levers.cross_appointment.party_owners_committee", "levers.cross_appointment.party_property",
                  "levers.three_party_linkage.enabled"):
        session.apply_live(lever, True)  # what the page does with a switch (here it acts at once, then...)
    session.reset()  # ...Reset starts over with the three switched on from day 0
    assert session.applied[2] == dict.fromkeys(
        ("levers.cross_appointment.party_owners_committee", "levers.cross_appointment.party_property",
         "levers.three_party_linkage.enabled"), True)
    _play_until(session, 180, 10)  # run until 180 is kept across the Reset
    assert session.frame.day == 180 and _monitor(session, "stalemates") == "21"
    _play_until(session, 0, 10)
    assert session.frame.day == 365 and _monitor(session, "stalemates") == "43"
    _says("(21 at day 180 against 44; 43 against 93 at day 365")


def test_demonstration_2_points_and_the_employer():
    session = Session("pathology_report_without_service", lang="en", seed=0)
    session.reset()
    serving = {}
    for label, levers in (("none", {}), ("points", {"levers.volunteer_incentives.points_per_hour": 10}),
                          ("feedback", {"levers.volunteer_incentives.employer_feedback": True}),
                          ("both", {"levers.volunteer_incentives.points_per_hour": 10,
                                    "levers.volunteer_incentives.employer_feedback": True})):
        session.restore_levers()  # "Back to the scenario's values"
        for path, value in levers.items():
            session.apply_live(path, value)
        session.reset()
        _play_until(session, 90, 5)
        serving[label] = _monitor(session, "inservice_serving_share")
    assert len(session.shown_runs()) == 3  # with the current run, all four on the in-service chart
    assert serving == {"none": "23.8 %", "points": "39.0 %", "feedback": "60.5 %", "both": "74.4 %"}
    _says("about 24 %", "**39 %**", "**61 %**", "**74 %**")


def test_demonstration_3_overload():
    session = Session("pathology_admin_overload", lang="en", seed=0)
    session.reset()
    _play_until(session, 0, 10)
    assert _monitor(session, "backlog") == "273" and round(session.frame.mean_backlog) == 210
    assert _monitor(session, "satisfaction_mean") == "0.537"
    session.apply_live("levers.burden.access_list", True)  # at the horizon it waits for Reset
    session.reset()
    _play_until(session, 0, 10)
    assert _monitor(session, "satisfaction_mean") == "0.630" and round(session.frame.mean_backlog) == 97
    _says("backlog 273 open issues", "mean so far: 210", "0.537 [6 seeds: 0.524]", "**0.630 [0.622]**",
          "mean backlog 97 [99]")
