"""The community staff's time in the meetings arrangements convene: taken from the hours they work on issues.

Several arrangements work through meetings the community's two committees (社区两委) attend: red property's
accountability reviews, where the cross-appointed manager reports to the two committees (物业服务企业负责人和社区
"两委"成员交叉任职, seeds 000, 004/8); the star rating of property companies (seeds 000, 004/8); three-party linkage's
regular joint meetings (三方联动, seeds 004/3, 004/7); residents' councils convened on collective issues (议事会,
seeds 001, 002, 004/4, 004/7); and the big party committee's monthly meeting (大党委, seeds 002, 004/7; seed 004 on
联席会议制度). Their staff are the same people who handle residents' issues, so every hour in a meeting is an hour
not worked on the community's queue: a finite-server queue loses servers' time (Brown et al. 2005, the queue form
of ``behaviour-building-blocks.md``), and an agency with several tasks splits a fixed budget of hours among them
(Holmström & Milgrom 1991).

Each meeting held costs ``service.staff_hours_per_meeting`` staff hours (assumption: one community worker for two
hours; 0 switches the mechanism off). The hours are owed when the meeting is held and taken from the community's
issue-handling hours the next time they are set (:meth:`MeetingTime.take`, called by
:class:`~cogov.sim.mechanisms.resources.Resources`), carried over if a day's hours do not cover them.

The money is not new: the staff are salaried anyway. The ledger moves the salary value of the hours taken
(``costs.staff_cny_per_hour``) from ``funds_and_salaries`` to ``meeting_staff_time``, so the public cost stays the
same and its breakdown shows what the arrangement's meetings take; what they cost the residents is in the
outcomes (fewer hours on issues). Volunteers' time in meetings (a compound branch's secretary chairing an owners'
committee, residents at a council) is not public and not counted.
"""

from __future__ import annotations

from collections import Counter

from cogov.sim.ledger import Ledger

FUNDS_AND_SALARIES = "funds_and_salaries"
MEETING_STAFF_TIME = "meeting_staff_time"
KINDS: dict[str, str] = {
    "accountability_reviews": "red property's accountability reviews (and the fallback companies')",
    "rating_reviews": "star-rating reviews of property companies",
    "linkage_meetings": "three-party linkage's joint meetings",
    "council_meetings": "residents' council sessions on collective issues",
    "party_committee_meetings": "the big party committee's monthly meetings",
}
"""The meetings whose staff time is counted, each once per meeting held."""


class MeetingTime:
    """Staff hours owed to meetings held, taken from the community's issue-handling hours (the state it owns)."""

    def __init__(self, hours_per_meeting: float, staff_cny_per_hour: float, ledger: Ledger):
        self.configure(hours_per_meeting, staff_cny_per_hour)
        self.ledger = ledger
        self.owed = 0.0
        """Hours of meetings held and not yet taken from the community's hours."""
        self.meetings: Counter[str] = Counter()
        """Meetings held since day 0, by kind (:data:`KINDS`)."""
        self.hours_taken = 0.0
        """Staff hours taken from issue handling since day 0."""

    def configure(self, hours_per_meeting: float, staff_cny_per_hour: float) -> None:
        """Read the parameters (again, after an intervention): meetings held from now on owe ``hours_per_meeting``;
        hours taken from now on are valued at ``staff_cny_per_hour``. Hours already owed stay owed."""
        self.hours_per_meeting = hours_per_meeting
        self.staff_cny_per_hour = staff_cny_per_hour

    def held(self, kind: str, meetings: int = 1) -> None:
        """Record ``meetings`` meetings of ``kind`` held today; their staff hours are owed."""
        assert kind in KINDS, f"unknown kind of meeting {kind!r}"
        if meetings <= 0:
            return
        self.meetings[kind] += meetings
        self.owed += meetings * self.hours_per_meeting

    def take(self, available: float) -> float:
        """The community's hours left for issues out of ``available`` once the hours owed are taken; what they do not
        cover stays owed. The salary value of the hours taken moves in the ledger from funds and salaries to meetings."""
        taken = min(self.owed, max(available, 0.0))
        if taken <= 0.0:
            return available
        self.owed -= taken
        self.hours_taken += taken
        value = taken * self.staff_cny_per_hour
        self.ledger.record(MEETING_STAFF_TIME, value)
        self.ledger.record(FUNDS_AND_SALARIES, -value)
        return available - taken
