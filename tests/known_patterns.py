"""Patterns the model does not reproduce (model version 2), with what was observed: findings, not hidden.

Each is marked ``xfail(strict=True)`` in the CI subset (8 replicates), so the suite says so and notices
when it changes. The numbers at 20 replicates come from ``cogov validate-model --replicates 20`` (master
seed 0); docs/ODD.md §1.1 and §9 discuss each.
"""

from __future__ import annotations

import pytest

KNOWN_FAILURES: dict[str, str] = {
    "party_owners_committee_stalemates_down":
        "a branch secretary chairing the committee meets and mediates more, but the effect is small where every "
        "compound already has an active committee: -1.8 [-4.2, +0.7] stalemates at 8 replicates, -1.1 [-2.5, +0.3] "
        "(p = 0.06) at 20",
    "deliberation_satisfaction_up":
        "without the former fixed acceptance bonus a council acts on satisfaction only indirectly (fewer stalemates, "
        "participants' trust): +0.002 [-0.009, +0.012] at 8 replicates, +0.002 [-0.002, +0.007] at 20",
    "compound_branches_find_issues":
        "compound branches' household visits (2 a member a month) are small beside the grid's own patrols and "
        "residents' reports: -0.9 [-1.8, +0.1] unfound issues at 8 and at 20 replicates (p = 0.035)",
    "report_without_service":
        "weak branches recover within a year as results feed their strength (L16), so follow-up returns, and the "
        "scenario's many in-service members raise each other through neighbours' influence: in-service serving is "
        "+0.007 [-0.04, +0.05] against the default at 8 replicates, +0.036 [0.000, +0.072] at 20",
    "report_without_service_fades":
        "the same: service rises over the year as the branches recover (-0.018 [-0.036, +0.001] at 8 replicates, "
        "-0.032 [-0.046, -0.018] at 20)",
    "fallback_satisfaction_up":
        "the fallback company (basic quality 0.6, staff 0.25 per 100 households) takes over from grid workers of "
        "quality 0.85 and the community's repairs fund; being served lifts the assumed no-property factor, but its "
        "slower, lower-quality work cancels most of that: +0.0019 [-0.0016, +0.0054] (p = 0.14) at 20 replicates "
        "(resolution does rise, +0.021)",
    "formed_committees_ease_agreement":
        "committees formed over three years (about one compound in eight a year at default strength) convene talks "
        "only where they are more active than the compound's branch, which already convenes: -8.6 [-18.0, +0.8] "
        "stalemates (p = 0.035) at 20 replicates (a years pattern, outside the CI subset)",
    "contracts_raise_social_quality":
        "a contract below the threshold goes to a new provider whose quality is a fresh draw from the same range, so "
        "selection lifts the mean only a little and a new provider can be worse: +0.010 [-0.003, +0.023] (p = 0.066) "
        "after three years at 20 replicates (a years pattern, outside the CI subset)",
    "contracts_resolution_up":
        "the same: +0.0008 [-0.0003, +0.0020] (p = 0.075) after three years at 20 replicates",
    "mediation_lawyer_disputes_resolved_up":
        "the lawyer's half day a week takes about 26 more disputes a year (those that turn on a point of law), but "
        "settles them as often as grid workers would and the stressed grid still has most disputes: +0.028 "
        "[-0.002, +0.058] (p = 0.034) at 20 replicates (outside the CI subset)",
    "five_ones_latent_down":
        "five prescribed actions a year for each of the default community's 65 in-service members are few: about 10 "
        "suggestions and 25 paired visits a year against about 5,600 issues: -0.09 [-0.83, +0.65] unfound issues "
        "(p = 0.4) at 20 replicates (outside the CI subset)",
    "five_ones_vulnerable_satisfaction_up":
        "the same: about 25 paired visits a year among the community's 200 vulnerable households: -0.0025 [-0.0067, "
        "+0.0017] (p = 0.89) at 20 replicates (outside the CI subset)",
    "residents_order_more_needs_met":
        "a project serves every household of its kind within reach, so a need listed from residents' voices reaches "
        "about as many households as one drawn at random; and a firm's materials, which serve every household nearby, "
        "are not a household's need and are no longer listed: +98 [-35, +230] households (p = 0.07) at 20 replicates "
        "(outside the CI subset)",
    "venture_resolution_up":
        "an incubated organisation works about 1.5 hours a day (its base hours and a 30,000 CNY project) yet takes its "
        "specialty's issues whenever its queue is under five days, so care and disputes wait at small, slower "
        "organisations instead of the grid: -0.0078 [-0.0098, -0.0057] after three years at 20 replicates (the "
        "opposite sign)",
    "care_finds_issues":
        "vulnerable households are about a tenth of the households, each visited once a month, and most issues are "
        "reported or patrolled within days, so a visit rarely arrives before them: -0.50 [-1.21, +0.21] unfound issues "
        "(p = 0.078) at 20 replicates",
    "care_satisfaction_vulnerable_up":
        "a care visit is not a judged service episode: it builds ties and trust (care_builds_trust passes) and finds a "
        "few issues, but satisfaction moves only with judged issues: -0.0009 [-0.0057, +0.0038] at 20 replicates",
    "weighted_purchase_resolution_up":
        "the purchase each organisation shares is small (35 % of 200,000 CNY over six organisations: about 0.4 hours a "
        "day each), and sharing it in proportion to evaluations of about 0.4-0.85 moves a fraction of that: -0.0008 "
        "[-0.0024, +0.0008] (p = 0.85) after three years at 20 replicates (a years pattern, outside the CI subset)",
    "committee_lapses_lower_share":
        "the default community has about one committee in eight compounds and formed committees start five-year terms, "
        "so within three years few terms end and most are re-elected (about 85 % at default satisfaction and branch "
        "strength): -0.006 [-0.019, +0.007] (p = 0.16) at 20 replicates; where every compound starts with a committee "
        "the drop shows (committee_lapses_where_committees_are passes; a years pattern, outside the CI subset)",
    "weak_branches_service_fades":
        "the same over three years (a years pattern, outside the CI subset): -0.001 [-0.029, +0.028] decline at 20",
}


def marked(pattern):
    """A pytest parameter for ``pattern``, xfail(strict) with its reason if it is a known failure."""
    if pattern.name in KNOWN_FAILURES:
        return pytest.param(pattern, id=pattern.name,
                            marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[pattern.name]))
    return pytest.param(pattern, id=pattern.name)
