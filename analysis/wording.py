"""Plain words for comparison results, in English and Chinese.

Turns a row of the comparison table (:func:`cogov.analysis.compare.compare_runs`) into a sentence a
district official can read: the two means in the outcome's own units, the difference with its 95 %
interval, whether that is better or worse for residents, how large it is against the variation
between replicate communities, or that it cannot be told apart from noise.

Kept apart from the report layout (:mod:`cogov.analysis.report`) so that the console, the HTML and the
Markdown reports say the same thing in the same words. What an outcome is called, how it is written
(its kind) and which direction is better come from the outcome registry
(:mod:`cogov.sim.outcomes.registry`): an outcome it does not declare raises
:class:`~cogov.sim.outcomes.registry.UndeclaredOutcome` here rather than being written as a bare number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cogov.analysis.figures import check_lang, metric_name
from cogov.sim.outcomes.registry import Kind, outcome

EFFECT_SIZES: tuple[tuple[float, str], ...] = ((0.2, "negligible"), (0.5, "small"), (0.8, "medium"),
                                               (math.inf, "large"))
"""Cohen's conventional bounds on |d| (difference over the pooled SD across replicates)."""

WORDS: dict[str, dict[str, str]] = {
    "better": {"en": "an improvement", "zh": "有所改善"},
    "worse": {"en": "a deterioration", "zh": "有所恶化"},
    "tradeoff": {"en": "neither better nor worse in itself", "zh": "本身无好坏之分"},
    "rises": {"en": "rises from {a} to {b}", "zh": "由 {a} 升至 {b}"},
    "falls": {"en": "falls from {a} to {b}", "zh": "由 {a} 降至 {b}"},
    "change": {"en": "{diff}; 95 % CI {low} to {high}", "zh": "{diff}；95% 置信区间 {low} 至 {high}"},
    "size": {"en": "size: {size} (d = {d})", "zh": "效应量：{size}（d = {d}）"},
    "noise": {"en": "no difference that can be told apart from noise ({a} vs {b}; difference {change}).",
              "zh": "差异与随机波动无法区分（{a} 对 {b}；差值 {change}）。"},
    "identical": {"en": "the same in every replicate ({a}).", "zh": "各次重复中完全相同（{a}）。"},
    "negligible": {"en": "negligible", "zh": "可忽略"},
    "small": {"en": "small", "zh": "小"},
    "medium": {"en": "medium", "zh": "中等"},
    "large": {"en": "large", "zh": "大"},
    "pp": {"en": " percentage points", "zh": " 个百分点"},
    "days": {"en": " days", "zh": " 天"},
    "cny": {"en": " CNY", "zh": " 元"},
    "hours": {"en": " hours", "zh": " 小时"},
}
"""Phrases, per language; ``{…}`` fields are filled in by :func:`describe`."""


@dataclass(frozen=True)
class Verdict:
    """One outcome of one scenario against the baseline, in words and as flags."""

    outcome: str
    scenario: str
    sentence: str
    distinguishable: bool
    better: bool | None  # None: no verdict (trade-off outcome, or noise)
    size: str


def kind(name: str) -> Kind:
    """How outcome ``name`` is measured (its kind in the registry; raises for an undeclared outcome)."""
    return outcome(name).kind


def format_value(name: str, value: float, lang: str = "en", single_run: bool = False, unit: bool = True) -> str:
    """A level of outcome ``name`` in its own units: ``91.2 %``, ``0.741``, ``6.3 days``, ``1,234 CNY``.

    ``single_run``: the value of one run rather than a mean over replicates, so a count is a whole
    number and is written without decimals. ``unit=False`` leaves out the unit word (days, CNY,
    hours) where a heading gives it; shares keep their per cent sign, which is their notation.
    """
    how = kind(name)  # first, so that an undeclared outcome raises even for an undefined value
    if not math.isfinite(value):
        return "n/a"
    match how:
        case "share":
            return f"{value * 100:.1f} %" if lang == "en" else f"{value * 100:.1f}%"
        case "score":
            return f"{value:.3f}"
        case "days":
            return f"{value:.1f}" + (WORDS["days"][lang] if unit else "")
        case "count":
            return f"{value:,.0f}" if single_run else f"{value:,.1f}"
        case "cny":
            return f"{value:,.0f}" + (WORDS["cny"][lang] if unit else "")
        case "hours":
            return f"{value:,.0f}" + (WORDS["hours"][lang] if unit else "")
        case _:
            return f"{value:.4g}"


def format_difference(name: str, value: float, lang: str = "en", unit: bool = True) -> str:
    """A signed difference of outcome ``name``: shares in percentage points (``+2.7 percentage
    points``), others in their units."""
    how = kind(name)
    if not math.isfinite(value):
        return "n/a"
    match how:
        case "share":
            return f"{value * 100:+.1f}" + (WORDS["pp"][lang] if unit else "")
        case "score":  # small score changes are common and real under paired seeds: keep a significant digit
            return f"{value:+.4f}" if 0 < abs(value) < 0.001 else f"{value:+.3f}"
        case "days":
            return f"{value:+.1f}" + (WORDS["days"][lang] if unit else "")
        case "count":
            return f"{value:+,.1f}"
        case "cny":
            return f"{value:+,.0f}" + (WORDS["cny"][lang] if unit else "")
        case "hours":
            return f"{value:+,.0f}" + (WORDS["hours"][lang] if unit else "")
        case _:
            return f"{value:+.4g}"


def format_interval(name: str, mean: float, low: float, high: float, lang: str = "en", unit: bool = True) -> str:
    """A mean with its interval in the outcome's units: ``91.2 % [90.1 %, 92.3 %]`` (``unit``: as
    :func:`format_value`)."""
    return (f"{format_value(name, mean, lang, unit=unit)} [{format_value(name, low, lang, unit=unit)}, "
            f"{format_value(name, high, lang, unit=unit)}]")


def format_difference_interval(name: str, difference: float, low: float, high: float, lang: str = "en") -> str:
    """A difference with its interval, signed and without the unit word (a table column says it):
    ``+2.7 [+2.2, +3.2]``."""
    return (f"{format_difference(name, difference, lang, unit=False)} "
            f"[{format_difference(name, low, lang, unit=False)}, {format_difference(name, high, lang, unit=False)}]")


def format_p(p: float) -> str:
    """A p-value to two significant digits; ``n/a`` where the test is undefined (fewer than two pairs)."""
    return f"{p:.2g}" if math.isfinite(p) else "n/a"


def effect_size(d: float) -> str:
    """Cohen's label for |d|: negligible, small, medium or large (``n/a`` when undefined)."""
    if not math.isfinite(d):
        return "n/a"
    return next(label for bound, label in EFFECT_SIZES if abs(d) < bound)


def describe(row: Any, baseline_mean: float, lang: str = "en") -> Verdict:
    """The verdict on one non-baseline row of the comparison table (a mapping or a pandas row).

    Whether a distinguishable change is an improvement follows the outcome's declared direction
    (:attr:`cogov.sim.outcomes.registry.Outcome.better`); outcomes without one get no verdict.
    """
    lang = check_lang(lang)
    key, diff = str(row["outcome"]), float(row["difference"])
    declared = outcome(key)  # an undeclared outcome stops here, before any sentence is written
    name = metric_name(key, lang)
    a, b = format_value(key, baseline_mean, lang), format_value(key, float(row["mean"]), lang)
    change = WORDS["change"][lang].format(
        diff=format_difference(key, diff, lang), low=format_difference(key, float(row["diff_ci_low"]), lang,
                                                                        unit=False),
        high=format_difference(key, float(row["diff_ci_high"]), lang, unit=False))
    size = effect_size(float(row["cohens_d"]))
    colon = ": " if lang == "en" else "："
    if diff == 0 and float(row["diff_ci_low"]) == 0 and float(row["diff_ci_high"]) == 0:
        sentence = f"{name}{colon}" + WORDS["identical"][lang].format(a=a)
        return Verdict(key, str(row["scenario"]), sentence, False, None, size)
    if not bool(row["distinguishable"]):
        sentence = f"{name}{colon}" + WORDS["noise"][lang].format(a=a, b=b, change=change)
        return Verdict(key, str(row["scenario"]), sentence, False, None, size)
    moves = WORDS["rises" if diff > 0 else "falls"][lang].format(a=a, b=b)
    better = None if declared.better == 0 else (diff * declared.better > 0)
    judgement = WORDS["tradeoff" if better is None else ("better" if better else "worse")][lang]
    size_text = WORDS["size"][lang].format(size=WORDS[size][lang] if size in WORDS else size,
                                           d=f"{float(row['cohens_d']):+.2f}")
    if lang == "en":
        sentence = f"{name}{colon}{moves} ({change}) — {judgement}; {size_text}."
    else:
        sentence = f"{name}{colon}{moves}（{change}），{judgement}；{size_text}。"
    return Verdict(key, str(row["scenario"]), sentence, True, better, size)
