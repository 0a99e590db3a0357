"""Patterns the model does not reproduce (model version 4), with what was observed: findings, not hidden.

Each is marked ``xfail(strict=True)`` in the CI subset (8 replicates), so the suite says so and notices
when it changes. The numbers at 20 replicates come from ``cogov validate-model --replicates 20`` (master
seed 0); docs/ODD.md §1.1 and §9 discuss each.
"""

from __future__ import annotations

import pytest

KNOWN_FAILURES: dict[str, str] = {
    "deliberation_satisfaction_up":
        "model version 4: council sessions take about 1,400 community staff hours a year (docs/ODD.md §7.29), and the "
        "slower service eats most of what taking part gives: +0.0019 [-0.0011, +0.0050] (p = 0.099) at 20 replicates "
        "(version 3: +0.0034, p = 0.005; outside the CI subset)",
    "party_owners_committee_stalemates_down":
        "a branch secretary chairing the committee meets and mediates more, but the effect is small where every "
        "compound already has an active committee: -1.8 [-4.2, +0.7] stalemates at 8 replicates, -1.4 [-3.4, +0.7] (p = "
        "0.09) at 20 (model version 3)",
    "compound_branches_find_issues":
        "compound branches' household visits (2 a member a month) are small beside the grid's own patrols and "
        "residents' reports: -0.9 [-1.8, +0.1] unfound issues at 8 replicates, -1.4 [-2.6, -0.1] (p = 0.017) at 20 "
        "(version 3)",
    "report_without_service":
        "weak branches recover within a year as results feed their strength (L16), so follow-up returns, and the "
        "scenario's many in-service members raise each other through neighbours' influence: in-service serving is "
        "+0.007 [-0.04, +0.05] against the default at 8 replicates, +0.029 [-0.008, +0.066] at 20 (version 3)",
    "report_without_service_fades":
        "the same: service rises over the year as the branches recover (-0.018 [-0.036, +0.001] at 8 replicates, -0.033 "
        "[-0.047, -0.019] at 20, version 3)",
    "fallback_satisfaction_up":
        "the fallback company (basic quality 0.6, staff 0.25 per 100 households) takes over from grid workers of "
        "quality 0.85 and the community's repairs fund; it keeps the compounds, so fixes no longer come back (model "
        "version 3), but its slower, lower-quality work outweighs that: -0.0071 [-0.0113, -0.0030] at 20 replicates",
    "fallback_resolution_up":
        "the same: without version 2's assumed multiplier on the grid's fixes in compounds nobody serves, the fallback "
        "company resolves fewer issues than the grid workers and repairs fund it replaces: -0.048 [-0.052, -0.044] at "
        "20 replicates (version 2: +0.021, which the multiplier made)",
    "formed_committees_ease_agreement":
        "committees formed over three years (about one compound in eight a year at default strength) convene talks only "
        "where they are more active than the compound's branch, which already convenes: -1.5 [-8.2, +5.2] stalemates (p "
        "= 0.32) at 20 replicates (version 3) (a years pattern, outside the CI subset)",
    "contracts_resolution_up":
        "a contract below the threshold goes to a new provider whose quality is a fresh draw from the same range, so "
        "selection lifts the quality of the organisations (contracts_raise_social_quality passes in version 3) but not "
        "detectably resolution: +0.0002 [-0.0004, +0.0008] (p = 0.22) after three years at 20 replicates",
    "mediation_lawyer_disputes_resolved_up":
        "the lawyer's half day a week takes about 26 more disputes a year (those that turn on a point of law), but "
        "settles them as often as grid workers would and the stressed grid still has most disputes: -0.007 [-0.042, "
        "+0.028] (p = 0.66) at 20 replicates (version 3; outside the CI subset)",
    "five_ones_latent_down":
        "five prescribed actions a year for each of the default community's 65 in-service members are few: about 10 "
        "suggestions and 25 paired visits a year against about 5,600 issues: -0.28 [-1.11, +0.54] unfound issues (p = "
        "0.24) at 20 replicates (version 3) (outside the CI subset)",
    "five_ones_vulnerable_satisfaction_up":
        "the same: about 25 paired visits a year among the community's 200 vulnerable households: +0.0005 [-0.0025, "
        "+0.0035] (p = 0.36) at 20 replicates (version 3) (outside the CI subset)",
    "residents_order_more_needs_met":
        "a project serves every household of its kind within reach whose need is unmet, so a list that follows the "
        "voices reaches about as many households as a drawn one; and a firm's materials, which serve every household "
        "nearby, are not a household's need and are no longer listed: +33 [-70, +137] households (p = 0.25) at 20 "
        "replicates (version 3, after projects stopped serving the same households twice; outside the CI subset)",
    "self_management_stalemates_down":
        "with version 3's upkeep, collective matters in compounds nobody keeps come back and are bargained again in "
        "both arms, which adds noise to a small effect: -2.2 [-5.2, +0.9] stalemates (p = 0.08) at 20 replicates "
        "(version 2: -3.5 [-6.2, -0.7]; outside the CI subset)",
    "strong_branches_mobilise":
        "stronger branches raise in-service serving, but by less than the test can separate at 20 replicates: +0.018 "
        "[+0.0006, +0.035] (p = 0.022; version 2 passed at p < 0.01; outside the CI subset)",
    "venture_resolution_up":
        "an incubated organisation works about 1.5 hours a day (its base hours and a 30,000 CNY project) yet takes its "
        "specialty's issues whenever its queue is under five days, so care and disputes wait at small, slower "
        "organisations instead of the grid: -0.0082 [-0.0102, -0.0061] after three years at 20 replicates (version 3) "
        "(the opposite sign)",
    "care_satisfaction_vulnerable_up":
        "a care visit is not a judged service episode: it builds ties and trust (care_builds_trust passes) and finds a "
        "few issues, but satisfaction moves only with judged issues: +0.0021 [-0.0014, +0.0056] (p = 0.12) at 20 "
        "replicates (version 3)",
    "weighted_purchase_resolution_up":
        "the purchase each organisation shares is small (35 % of 200,000 CNY over six organisations: about 0.4 hours a "
        "day each), and sharing it in proportion to evaluations of about 0.4-0.85 moves a fraction of that: -0.0013 "
        "[-0.0023, -0.0004] (p = 0.99, the opposite sign) after three years at 20 replicates in version 3 (version 2: "
        "-0.0008 [-0.0024, +0.0008]) (a years pattern, outside the CI subset)",
    "committee_lapses_lower_share":
        "the default community has about one committee in eight compounds and formed committees start five-year terms, "
        "so within three years few terms end and most are re-elected (about 85 % at default satisfaction and branch "
        "strength): -0.006 [-0.019, +0.007] (p = 0.16) at 20 replicates (version 3); where every compound starts with a "
        "committee the drop shows (committee_lapses_where_committees_are passes; a years pattern, outside the CI "
        "subset)",
    "weak_branches_service_fades":
        "the same over three years (a years pattern, outside the CI subset): -0.011 [-0.037, +0.016] decline at 20 "
        "(version 3)",
}


def marked(pattern):
    """A pytest parameter for ``pattern``, xfail(strict) with its reason if it is a known failure."""
    if pattern.name in KNOWN_FAILURES:
        return pytest.param(pattern, id=pattern.name,
                            marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[pattern.name]))
    return pytest.param(pattern, id=pattern.name)
