"""The cost ledger: every amount of money the run spends, by item and payer, as it happens.

Mechanisms record what they spend (``ledger.record(item, cny, payer)``): the community's funds and the
salaries of its staff each day, points redeemed by volunteers, secretaries' training, rewards to
well-run branches, co-building units' money. Totals by item and payer are what the outcomes and reports
read; public money and other payers (co-building units) are kept apart. Items are free text so that a new
mechanism adds its own; each is described once in :data:`ITEMS`.
"""

from __future__ import annotations

from collections import defaultdict

ITEMS: dict[str, str] = {
    "funds_and_salaries": "the community's yearly service funds and the salaries of community and full-time grid "
                          "workers, spread evenly over the days",
    "volunteer_points": "points redeemed by volunteers (points per hour × CNY per point)",
    "secretary_training": "training sessions of branch secretaries (levers.party_building.training_days_per_year)",
    "branch_rewards": "rewards to well-run branches, paid into the community's service funds "
                      "(levers.party_building.performance_reward_cny)",
    "co_building_money": "money co-building units give (paid by the units, not public money)",
    "mediation_case_subsidies": "subsidies paid per mediated dispute (以案定补, levers.mediation.cny_per_case)",
    "mediation_lawyer_hours": "the mediation committee's lawyer's hours (法律顾问, levers.mediation.lawyer_hours_per_week "
                              "× lawyer_cny_per_hour)",
    "fallback_property_subsidies": "public subsidies to the party-led fallback property company (托底) per household "
                                   "it serves (levers.fallback_property.subsidy_cny_per_household_year)",
    "social_org_evaluations": "third-party evaluations of contracted social organisations "
                              "(levers.social_contracts.evaluation_cny_per_org)",
    "venture_projects": "venture-philanthropy projects (公益创投, levers.venture_philanthropy.cny_per_project)",
    "incubated_org_staff": "the growing staff of incubated social organisations, paid as social-work hours a year "
                           "ahead (levers.venture_philanthropy.growth × costs.social_org_cny_per_hour)",
    "digital_platform": "running cost of the community's app or platform (levers.digital_platform.cny_per_year)",
    "care_visits": "proactive care visits to vulnerable households, bought as social-work hours "
                   "(levers.proactive_care.hours_per_visit x costs.social_org_cny_per_hour)",
    "activities": "activities at the community centre and lent venues (levers.activities.cny_per_activity)",
    "needs_projects": "the community's matching money for projects answering listed needs "
                      "(levers.needs_projects.cny_per_project)",
    "work_unit_logistics": "the logistics staff former work units give their old compounds (paid by the units, "
                           "not public money; levers.work_unit_management)",
    "self_management_fees": "fees residents pay their self-management committee for caretakers (paid by the "
                            "residents, not public money; levers.self_management)",
    "meeting_staff_time": "the salaries of the community staff's hours in the meetings arrangements convene "
                          "(accountability reviews, ratings, joint meetings, councils, the big party committee), moved "
                          "from funds_and_salaries: not new money, the share of salaries these meetings take "
                          "(service.staff_hours_per_meeting × costs.staff_cny_per_hour)",
    "fee_leverage_subsidies": "public money matched to the fees owners pay companies that could not run normally "
                              "(撬动居民缴费, levers.fee_leverage.match_ratio; counted at "
                              "levers.fee_leverage.fee_cny_per_household_month)",
}
"""What each item counts."""

PUBLIC = "public"
PAYERS: dict[str, str] = {
    "co_building_money": "co_building_units",
    "work_unit_logistics": "work_units",
    "self_management_fees": "residents",
}
"""Who pays the items not paid with public money (every other item of :data:`ITEMS` is public)."""


def payer_of(item: str) -> str:
    """Who pays ``item``: :data:`PUBLIC` unless :data:`PAYERS` names another payer."""
    return PAYERS.get(item, PUBLIC)


class Ledger:
    """Money spent so far, by (item, payer); public money unless a payer is named."""

    def __init__(self) -> None:
        self.totals: dict[tuple[str, str], float] = defaultdict(float)

    def record(self, item: str, cny: float, payer: str = PUBLIC) -> None:
        """Add ``cny`` spent on ``item`` by ``payer`` (who must be the item's payer, :func:`payer_of`)."""
        assert payer == payer_of(item), f"{item} is paid by {payer_of(item)}, not {payer}"
        self.totals[item, payer] += cny

    def spent(self) -> dict[str, float]:
        """What has been spent on every item of :data:`ITEMS` so far, whoever paid (0 for items not spent on)."""
        out = dict.fromkeys(ITEMS, 0.0)
        for (item, _), value in self.totals.items():
            out[item] = out.get(item, 0.0) + value
        return out

    def total(self, payer: str = PUBLIC) -> float:
        """Everything ``payer`` has spent so far."""
        return sum(v for (_, p), v in self.totals.items() if p == payer)

    def by_item(self, payer: str = PUBLIC) -> dict[str, float]:
        """What ``payer`` has spent on each item so far."""
        return {item: v for (item, p), v in self.totals.items() if p == payer}
