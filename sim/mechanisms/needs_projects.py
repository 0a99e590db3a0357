"""Projects that answer listed needs with co-building units' people and venues (三单制: 需求清单, 资源清单, 项目清单;
seeds 000, 002, 004/2, 004/8).

With ``levers.needs_projects.enabled``, at day 0 and every year the community lists ``needs_per_year`` needs, each of
a kind that one kind of co-building unit answers (:data:`NEED_OF_UNIT_KIND`): advice (an agency; middle-aged
households), tutoring (a school's teachers; young households, 004/2's holiday tutoring), health checks (a hospital;
the elderly), materials (a firm's money; any household). A need is answered by an engaged unit of its kind (asked this
month, §7.15): with the lists exchanged (``levers.lists_matching.enabled``, 三单制 two-way claiming) the community
knows every unit's resources and any engaged unit of the kind takes it; without, a unit takes it only if its own offer
happens to match, with ``organisations.co_building.listed_need_match`` of its kind. A project serves the households it
suits within ``reach_cells`` of the unit's building (where its venue is, if it has one) on the Mesa grid whose need of
its kind has not yet been met (so a kind listed twice does not serve the same households twice; a second project at
the same unit may serve nobody new, and is still paid for): each has its need met and meets the unit's people (ties
and trust, L15). The community pays ``cny_per_project`` of matching money per
project (ledger ``needs_projects``); the unit gives its people and venue.

**Who knows what residents need** (``residents_order``, 居民点单, seed 000). Without it the community lists needs of
kinds it draws at random, and the first engaged unit that takes a need runs it. With it, needs are collected from
residents before the list is made: each household whose need has not been met — the need of its age group: the
young tutoring, the middle-aged advice, the elderly health checks — voices it with ``voice_probability`` times its
trust in the party organisation (residents speak to those they trust, L13's form). The list's kinds are drawn in
proportion to the needs voiced, and a need goes to the unit (among those that take it) whose reach covers most of the
households that voiced it: the community knows where the need is. Households already served do not voice again, so
later years' lists move to needs still unmet. A firm's materials are not a household's need: with residents ordering
firms get no listed need.

Outcome: households whose listed need was met (cumulative).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from cogov.sim.config import AGE_GROUPS, ScenarioConfig
from cogov.sim.households import Households, take_part
from cogov.sim.layout import Layout
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.activities import within_reach
from cogov.sim.organisations import CoBuildingUnits
from cogov.sim.organisations.co_building import KINDS

ANY_AGE = -1
NEED_OF_UNIT_KIND: dict[str, tuple[str, int]] = {
    "agency": ("advice", AGE_GROUPS.index("middle")),
    "school": ("tutoring", AGE_GROUPS.index("young")),
    "hospital": ("health checks", AGE_GROUPS.index("elderly")),
    "firm": ("materials", ANY_AGE),
}
"""What each kind of unit answers, and for which households (age group; -1: any)."""
LEDGER_ITEM = "needs_projects"


class NeedsProjects:
    """The yearly needs list, the units that take its needs, and who had a need met."""

    def __init__(self, config: ScenarioConfig, layout: Layout, households: Households, co_building: CoBuildingUnits,
                 counters: Counter[str], rng: np.random.Generator, ledger: Ledger):
        self.layout = layout
        self.households = households
        self.co_building = co_building
        self.counters = counters
        self.rng = rng
        self.ledger = ledger
        self.configure(config)
        target = np.array([NEED_OF_UNIT_KIND[k][1] for k in KINDS])
        self.target_age = target
        self.met_by_kind = np.zeros((len(KINDS), households.size), dtype=bool)
        """Kinds of need × households: whose need of each kind a project has met (a project serves only households
        whose need of its kind is still unmet, so a kind listed twice does not serve the same households twice)."""

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = config.levers.needs_projects
        self.lists_exchanged = config.levers.lists_matching.enabled
        self.match = np.asarray(config.organisations.co_building.listed_need_match.as_tuple())
        self.links = config.links
        self.enabled = self.params.enabled
        self.reach = within_reach(self.layout, self.co_building.building, self.params.reach_cells)
        """Units × buildings: who a unit's project can serve."""

    @property
    def met(self) -> np.ndarray:
        """Households with at least one listed need met."""
        return self.met_by_kind.any(axis=0)

    def list_needs(self) -> None:
        """This year's needs list: each need finds an engaged unit of its kind (always when lists are exchanged, with
        the unit's chance of offering a match otherwise); the unit's project serves the households it suits nearby."""
        if not self.enabled:
            return
        units, h = self.co_building, self.households
        voiced = self.voiced_needs() if self.params.residents_order else None
        kinds = self._listed_kinds(voiced)
        for kind in kinds.tolist():
            self.counters["needs_listed"] += 1
            candidates = np.flatnonzero((units.kind == kind) & units.engaged)
            offers = self.rng.random(len(candidates)) < (1.0 if self.lists_exchanged else self.match[kind])
            if not offers.any():
                continue
            takers = candidates[offers]
            if voiced is not None and not voiced[kind].any():
                continue  # every household that voiced this need has had it met by an earlier project of the list
            unit = int(takers[0] if voiced is None else self._nearest_to_voices(takers, voiced[kind]))
            age = self.target_age[kind]
            served = self.reach[unit][h.building] & ((h.age_group == age) if age != ANY_AGE else True)
            who = np.flatnonzero(served & ~self.met_by_kind[kind])
            self.met_by_kind[kind, who] = True
            if voiced is not None:
                voiced[:, who] = False  # their voices are answered
            take_part(h, who, self.links.participation_to_ties, self.links.participation_to_trust)
            self.counters["needs_matched"] += 1
            self.counters["needs_met"] += len(who)
            self.ledger.record(LEDGER_ITEM, self.params.cny_per_project)

    def voiced_needs(self) -> np.ndarray:
        """Residents ordering: kinds × households, True where a household voices the need of that kind (its age
        group's) that has not been met, with ``voice_probability`` × its trust (one draw per household)."""
        h = self.households
        voices = self.rng.random(h.size) < self.params.voice_probability * h.trust
        voiced = np.array([voices & (h.age_group == age) & ~self.met_by_kind[kind] if age != ANY_AGE
                           else np.zeros(h.size, dtype=bool) for kind, age in enumerate(self.target_age)])
        self.counters["needs_voiced"] += int(voiced.sum())
        return voiced

    def _listed_kinds(self, voiced: np.ndarray | None) -> np.ndarray:
        """This year's kinds of need: drawn at random, or in proportion to the needs residents voiced."""
        if voiced is None:
            return self.rng.integers(len(KINDS), size=self.params.needs_per_year)
        count = voiced.sum(axis=1)
        if count.sum() == 0:
            return np.empty(0, dtype=np.int64)
        return self.rng.choice(len(KINDS), size=self.params.needs_per_year, p=count / count.sum())

    def _nearest_to_voices(self, takers: np.ndarray, voiced: np.ndarray) -> int:
        """The unit, among those taking the need, whose reach covers most of the households that voiced it."""
        covered = self.reach[takers][:, self.households.building] @ voiced.astype(np.int64)
        return int(takers[int(np.argmax(covered))])
