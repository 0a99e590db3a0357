"""Plain words for comparison results, in English and Chinese.

Turns a row of the comparison table (:func:`cogov.analysis.compare.compare_runs`) into a sentence a
district official can read: the two means in the outcome's own units, the difference with its 95 %
interval, whether that is better or worse for residents, how large it is in the outcome's own units against
the smallest difference that matters (the outcome registry's ``smallest_difference``), or that it cannot be
told apart from noise. Cohen's d is not used for the size: under common random numbers it is large for
differences too small to matter (it stays in the comparison table, labelled).

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
from cogov.analysis.stats import practical_size
from cogov.sim.outcomes.registry import Kind, outcome, smallest_difference

WORDS: dict[str, dict[str, str]] = {
    "better": {"en": "an improvement", "zh": "有所改善"},
    "worse": {"en": "a deterioration", "zh": "有所恶化"},
    "tradeoff": {"en": "neither better nor worse in itself", "zh": "本身无好坏之分"},
    "rises": {"en": "rises from {a} to {b}", "zh": "由 {a} 升至 {b}"},
    "falls": {"en": "falls from {a} to {b}", "zh": "由 {a} 降至 {b}"},
    "change": {"en": "{diff}; 95 % CI {low} to {high}", "zh": "{diff}；95% 置信区间 {low} 至 {high}"},
    "meaningful": {"en": "practically meaningful: {ratio} the smallest difference that matters ({smallest})",
                   "zh": "具有实际意义：为最小有意义差值（{smallest}）的 {ratio}"},
    "uncertain": {"en": "may or may not matter: the interval spans the smallest difference that matters ({smallest})",
                  "zh": "是否具有实际意义尚不确定：置信区间跨越最小有意义差值（{smallest}）"},
    "below": {"en": "too small to matter: within the smallest difference that matters ({smallest})",
              "zh": "差异过小、无实际意义：在最小有意义差值（{smallest}）以内"},
    "times": {"en": "about {x:.1f} times", "zh": "约 {x:.1f} 倍"},
    "noise": {"en": "no difference that can be told apart from noise ({a} vs {b}; difference {change}).",
              "zh": "差异与随机波动无法区分（{a} 对 {b}；差值 {change}）。"},
    "identical": {"en": "the same in every replicate ({a}).", "zh": "各次重复中完全相同（{a}）。"},
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
    size: str  # practical size against the smallest meaningful difference: meaningful, uncertain, below or n/a


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
    """A p-value to two significant digits without scientific notation (``< 0.001`` below that); ``n/a`` where the
    test is undefined (fewer than two pairs)."""
    if not math.isfinite(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.2g}"


def practical(key: str, row: Any) -> tuple[str, float]:
    """A row's practical size and the smallest meaningful difference it was judged against: the comparison table's
    columns where present, else computed from the outcome registry."""
    smallest = float(row["smallest_difference"]) if "smallest_difference" in row else smallest_difference(key)
    if "practical" in row:
        return str(row["practical"]), smallest
    return practical_size(float(row["difference"]), float(row["diff_ci_low"]), float(row["diff_ci_high"]),
                          smallest), smallest


def practical_words(key: str, row: Any, lang: str) -> str:
    """The practical size of a row's difference in words: against the outcome's smallest meaningful difference."""
    size, smallest = practical(key, row)
    if size not in ("meaningful", "uncertain", "below"):
        return ""
    ratio = WORDS["times"][lang].format(x=abs(float(row["difference"])) / smallest)
    return WORDS[size][lang].format(ratio=ratio, smallest=format_difference(key, smallest, lang).lstrip("+"))


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
    size, _ = practical(key, row)
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
    size_text = practical_words(key, row, lang)
    if lang == "en":
        sentence = f"{name}{colon}{moves} ({change}) — {judgement}" + (f"; {size_text}." if size_text else ".")
    else:
        sentence = f"{name}{colon}{moves}（{change}），{judgement}" + (f"；{size_text}。" if size_text else "。")
    return Verdict(key, str(row["scenario"]), sentence, True, better, size)
