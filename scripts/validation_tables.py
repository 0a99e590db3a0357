"""The pattern tables of docs/ODD.md §1.1, in Markdown, from the CSV `cogov validate-model --out` writes.

    cogov validate-model --replicates 20 --workers 2 --out val20.csv
    python scripts/validation_tables.py val20.csv > tables.md

One table per group (lever, loop, pathology, years, street), in the order of ``analysis/patterns.py``, with each pattern's
rule (t-test p, sign rule, or equivalence margin) taken from the pattern itself. Paste the tables into §1.1.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from cogov.analysis.patterns import ABSENT, ALL_PATTERNS, MECHANICAL, Pattern
from cogov.sim.outcomes.registry import smallest_difference

GROUPS = ("lever", "loop", "pathology", "years", "street")


def number(value: float) -> str:
    """Three significant figures, thousands separated, with a true minus sign."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{digits}f}"
    return text.replace("-", "−")


def signed(value: float) -> str:
    """A number with its sign (+ or −)."""
    text = number(value)
    return text if text.startswith("−") or text in ("0", "n/a") else "+" + text


def rule_cell(pattern: Pattern, p_value: float) -> str:
    """What decided the pattern: the t-test's p, the sign rule, or the equivalence margin."""
    if pattern.direction == ABSENT:
        return f"equivalence ±{number(smallest_difference(pattern.metric))}"
    if pattern.rule == MECHANICAL:
        return "sign rule"
    return "< 0.001" if p_value < 0.001 else f"{p_value:.2g}"


def tables(frame: pd.DataFrame) -> str:
    """The Markdown tables of every group present in ``frame``."""
    by_name = {p.name: p for p in ALL_PATTERNS}
    rows = frame.set_index("pattern")
    out: list[str] = []
    for group in GROUPS:
        names = [p.name for p in ALL_PATTERNS if p.group == group and p.name in rows.index]
        if not names:
            continue
        passed = int(rows.loc[names, "passed"].astype(bool).sum())
        out.append(f"**{group}** ({passed} of {len(names)} pass)\n")
        out.append("| pattern | expected | metric | effect [95 % CI] | p | result |")
        out.append("|---|---|---|---|---|---|")
        for name in names:
            r, pattern = rows.loc[name], by_name[name]
            effect = f"{signed(r.effect)} [{signed(r.ci_low)}, {signed(r.ci_high)}]"
            result = "pass" if bool(r.passed) else "**FAIL**"
            out.append(f"| `{name}` | {pattern.expected} | `{pattern.metric}` | {effect} | "
                       f"{rule_cell(pattern, float(r.p_value))} | {result} |")
        out.append("")
    return "\n".join(out)


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="the CSV of cogov validate-model --out")
    args = parser.parse_args()
    sys.stdout.write(tables(pd.read_csv(args.csv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
