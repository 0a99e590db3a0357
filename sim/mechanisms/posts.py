"""Party members as people with posts (设岗定责, 认领岗位, 微心愿; seeds 001, 003, 004/3, 004/7).

With ``levers.posts.enabled``, a party member whose branch asks them today (the same asks as for volunteering, L2)
claims a post with ``claim_probability`` if they hold none. A post is a defined duty the member is seen to hold:

- **commitment**: holding a post adds ``commitment`` to the member's daily volunteering logit
  (:mod:`cogov.sim.mechanisms.volunteering`), the form of the minimum-hours duty;
- **suggestions** (金点子, 建议): each day each unreported issue in a building where a post-holder lives is noticed
  with ``notice_probability`` (once per building, however many post-holders live there) and raised (found through
  the post-holder, channel POST_HOLDER); counted as suggestions;
- **lapse** ('report but don't serve', 只报到少服务, seed 001): a post whose holder has not served for ``lapse_days``
  lapses unless somebody follows the member up — their branch at organisational life, employer feedback (双报告,
  seed 002) or a public ranking — which is where registration has teeth.

**Kinds of post** (``kinds``; Zhonghualu street's four posts, seed 004: 党建工作指导员、政策法规宣传员、矛盾纠纷调解员、
社区工作监督员). A claimed post's kind is drawn from ``kinds`` (only when more than one kind has a share, so that the
default, every post a supervisor's, draws nothing more). Each acts where its holder lives:

- a **supervisor** raises what they notice in their building (the suggestions above);
- a **mediator** raises only the neighbour disputes they notice in their building (which then go to the mediation
  team where one works);
- a **publicist**: the households of their building know where and how to report, so reporting is easier for them
  by ``publicity_report_ease`` in the reporting logit (who knows; :mod:`cogov.sim.mechanisms.discovery`);
- a **guide**: the day after the holder serves, the party members of their building are asked to serve (an ask,
  L2: who meets whom).

Outcomes: the share of in-service members holding a post (Jurong: 1,200 posts claimed by 4,000+ in-service members,
seed 004/3, a calibration check) and the suggestions raised (Jurong: 800, about 0.2 per in-service member).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.fast import share
from cogov.sim.households import IN_SERVICE, NEVER, Households
from cogov.sim.issues import DISPUTE, Channel, IssueTable
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.discovery import noticed, record_found
from cogov.sim.mechanisms.dispatch import Dispatcher

POST_KINDS: tuple[str, ...] = ("supervisor", "publicist", "mediator", "guide")
"""The kinds of post, in :class:`~cogov.sim.config.PostKinds` order."""
SUPERVISOR, PUBLICIST, MEDIATOR, GUIDE = range(len(POST_KINDS))

class Posts:
    """Who holds a post since when, and what post-holders raise; owns the posts."""

    def __init__(self, config: ScenarioConfig, households: Households, issues: IssueTable, counters: Counter[str],
                 rng: np.random.Generator, dispatcher: Dispatcher, agreement: Agreement):
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.dispatcher = dispatcher
        self.agreement = agreement
        self.enabled = False
        self.holds = np.zeros(households.size, dtype=bool)
        """Households whose member holds a post today."""
        self.claimed = np.full(households.size, NEVER, dtype=np.int64)
        """Day each current post was claimed."""
        self.kind = np.full(households.size, SUPERVISOR, dtype=np.int8)
        """Kind of each household's post (meaningful where it holds one)."""
        self.n_buildings = int(households.building.max()) + 1 if households.size else 0
        self.configure(config)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). Posts
        switched off end: nobody holds one any more."""
        self.params = config.levers.posts
        self.incentives = config.levers.volunteer_incentives
        if self.enabled and not self.params.enabled:
            self.holds[:] = False
        self.enabled = self.params.enabled
        shares = np.asarray(self.params.kinds.as_tuple())
        self.kind_shares = shares / shares.sum()  # validated to sum to 1 within 1e-6; numpy's choice wants ~1e-8

    def commitment(self, eligible: NDArray[np.int64]) -> NDArray[np.float64]:
        """The volunteering-logit term of ``eligible`` households: ``commitment`` where they hold a post."""
        return self.params.commitment * self.holds[eligible]

    def claim(self, eligible: NDArray[np.int64], asked: NDArray[np.bool_], day: int) -> None:
        """Members asked today who hold no post claim one with ``claim_probability`` (one draw per asked member)."""
        if not self.enabled:
            return
        h = self.households
        candidates = eligible[asked & (h.member_type[eligible] > 0)]
        candidates = candidates[~self.holds[candidates]]
        claims = candidates[self.rng.random(len(candidates)) < self.params.claim_probability]
        self.holds[claims] = True
        self.claimed[claims] = day
        if np.count_nonzero(self.kind_shares) > 1:  # one kind only: nothing to draw
            self.kind[claims] = self.rng.choice(len(POST_KINDS), size=len(claims), p=self.kind_shares)
        else:
            self.kind[claims] = int(np.argmax(self.kind_shares))
        self.counters["posts_claimed"] += len(claims)

    def step(self, day: int) -> None:
        """Post-holders raise the unreported issues they notice in their buildings; unserved posts lapse without
        follow-up."""
        if not self.enabled:
            return
        self._raise(day)
        self._lapse(day)

    def _held_in(self, kind: int) -> NDArray[np.bool_]:
        """Buildings where a post of ``kind`` is held today."""
        buildings = np.zeros(self.n_buildings, dtype=bool)
        buildings[self.households.building[self.holds & (self.kind == kind)]] = True
        return buildings

    def _raise(self, day: int) -> None:
        """Supervisors raise the unreported issues they notice in their buildings; mediators only the disputes (a
        building with both is watched once, by the supervisor)."""
        h = self.households
        watched = self._held_in(SUPERVISOR)[h.building]
        found = noticed(self.issues, watched, self.params.notice_probability, self.rng)
        disputes_only = self._held_in(MEDIATOR)[h.building] & ~watched
        if disputes_only.any():
            more = noticed(self.issues, disputes_only, self.params.notice_probability, self.rng)
            found = np.concatenate((found, more[self.issues.category[more] == DISPUTE]))
        if len(found) == 0:
            return
        self.counters["suggestions"] += len(found)
        record_found(self.issues, found, Channel.POST_HOLDER, day, self.counters, self.agreement, self.dispatcher)

    def _lapse(self, day: int) -> None:
        h, incentives = self.households, self.incentives
        followed = (h.monitored_until >= day) | incentives.public_ranking | (
            incentives.employer_feedback & (h.member_type == IN_SERVICE))
        last_active = np.maximum(h.last_served, self.claimed)
        lapsed = self.holds & ~followed & (day - last_active >= self.params.lapse_days)
        self.holds[lapsed] = False
        self.counters["posts_lapsed"] += int(lapsed.sum())

    def report_ease(self, households: NDArray[np.int64]) -> NDArray[np.float64]:
        """Added ease of reporting (logit) for each of ``households``: ``publicity_report_ease`` where a publicist's
        post is held in its building."""
        if not self.enabled:
            return np.zeros(len(households))
        return self.params.publicity_report_ease * self._held_in(PUBLICIST)[self.households.building[households]]

    def guided(self, eligible: NDArray[np.int64], day: int) -> NDArray[np.bool_]:
        """Which of ``eligible`` are party members of a building whose guide served yesterday (asked today)."""
        if not self.enabled:
            return np.zeros(len(eligible), dtype=bool)
        h = self.households
        guides = self.holds & (self.kind == GUIDE) & (h.last_served == day - 1)
        if not guides.any():
            return np.zeros(len(eligible), dtype=bool)
        buildings = np.zeros(self.n_buildings, dtype=bool)
        buildings[h.building[guides]] = True
        return buildings[h.building[eligible]] & (h.member_type[eligible] > 0)

    def held_share(self) -> float:
        """Share of in-service members holding a post today (NaN if there are none)."""
        in_service = self.households.member_type == IN_SERVICE
        return share(self.holds[in_service]) if in_service.any() else float("nan")
