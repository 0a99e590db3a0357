"""Write ``docs/parameters.md``: every scenario parameter with its type, default, range and source.

The tables are generated from :class:`cogov.sim.config.ScenarioConfig`, so they never drift from the
code. Run it from any directory::

    .venv/bin/python docs/make_parameter_table.py            # writes docs/parameters.md
    .venv/bin/python docs/make_parameter_table.py -o FILE    # writes elsewhere

Layout: one table per configuration section (a nested pydantic model whose fields carry
descriptions). Small value groups whose fields have no descriptions of their own (one number per
compound type, age group, category ...) are folded into their parent's table under dotted key
paths, with the group's description on its first row. The column *when* says whether a parameter is
live (it may change during a run, by an intervention, and acts from the next day) or build-time (fixed
when the community is built; :mod:`cogov.sim.live`).
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cogov.sim.config import ScenarioConfig
from cogov.sim.live import build_time_reason
from cogov.sim.scenario import NOT_PARAMETERS

DEFAULT_OUTPUT = ROOT / "docs" / "parameters.md"


@dataclass(frozen=True)
class Row:
    """One leaf parameter."""

    key: str
    type: str
    default: str
    range: str
    description: str
    when: str = "—"


@dataclass
class Table:
    """One section: its key path, its docstring and its rows."""

    key: str
    doc: str
    rows: list[Row]


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model class an annotation refers to, if any."""
    for candidate in typing.get_args(annotation) or (annotation,):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def type_name(annotation: Any) -> str:
    """A short readable type (``float``, ``tuple[float, float]``, ``str | None``)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return type_name(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in typing.get_args(annotation))
    if origin is tuple:
        return "tuple[" + ", ".join(type_name(a) for a in typing.get_args(annotation)) + "]"
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))


def bounds(metadata: list[Any]) -> str:
    """Interval notation from annotated-types constraints (``[0, 1]``, ``> 0``, ``length min 1, max 120``)."""
    low = high = None
    metadata = [m for item in metadata for m in (item.metadata if isinstance(item, FieldInfo) else [item])]
    for item in metadata:
        if isinstance(item, at.Ge):
            low = f"[{_number(item.ge)}"
        elif isinstance(item, at.Gt):
            low = f"({_number(item.gt)}"
        elif isinstance(item, at.Le):
            high = f"{_number(item.le)}]"
        elif isinstance(item, at.Lt):
            high = f"{_number(item.lt)})"
    lengths = [f"min {i.min_length}" if isinstance(i, at.MinLen) else f"max {i.max_length}"
               for i in metadata if isinstance(i, (at.MinLen, at.MaxLen))]
    length = f"length {', '.join(lengths)}" if lengths else ""
    if low and high:
        text = f"{low}, {high}"
    elif low:
        text = ("≥ " if low[0] == "[" else "> ") + low[1:]
    elif high:
        text = ("≤ " if high[-1] == "]" else "< ") + high[:-1]
    else:
        text = ""
    return "; ".join(t for t in (text, length) if t)


def field_range(info: FieldInfo) -> str:
    """Allowed range of a field, including constraints on the items of a tuple."""
    text = bounds(info.metadata)
    if text or typing.get_origin(info.annotation) is not tuple:
        return text or "—"
    items = {bounds(typing.get_args(a)[1:]) for a in typing.get_args(info.annotation)
             if typing.get_origin(a) is typing.Annotated}
    return f"each {items.pop()}" if len(items) == 1 and "" not in items else "—"


def _number(value: Any) -> str:
    return f"{value:,}".replace(",", " ") if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def render_default(value: Any) -> str:
    """A default as it would be written in a TOML scenario."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(render_default(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", "_")
    return str(value)


def has_descriptions(model: type[BaseModel]) -> bool:
    """Whether any field of ``model`` documents itself (else it is folded into its parent)."""
    return any(f.description for f in model.model_fields.values())


def collect(instance: BaseModel, key: str, tables: list[Table]) -> Table:
    """Walk ``instance`` recursively; append a table for it and for every documented sub-section."""
    table = Table(key=key or "(top level)", doc=(type(instance).__doc__ or "").strip(), rows=[])
    tables.append(table)
    _add_fields(instance, key, table, tables, group_note=None)
    return table


def _add_fields(instance: BaseModel, key: str, table: Table, tables: list[Table], group_note: str | None) -> None:
    for name, info in type(instance).model_fields.items():
        path = f"{key}.{name}" if key else name
        value = getattr(instance, name)
        sub = nested_model(info.annotation)
        if sub is not None and isinstance(value, BaseModel):
            note = info.description or (sub.__doc__ or "").strip()
            if has_descriptions(sub):
                section = collect(value, path, tables)
                if info.description and info.description.rstrip(".") not in section.doc:
                    section.doc += f" {info.description}"
            else:
                _add_fields(value, path, table, tables, group_note=note)
            continue
        description = info.description or group_note or ""
        if group_note is not None and not info.description:
            group_note = "(same group as above)"
        if typing.get_origin(info.annotation) is list and sub is not None:  # the array of tables of interventions
            kind, default, allowed = "array of tables", "[]", ", ".join(sub.model_fields)
        else:
            kind, default, allowed = type_name(info.annotation), render_default(value), field_range(info)
        table.rows.append(Row(path, kind, default, allowed, description, when_of(path)))


def when_of(path: str) -> str:
    """``live`` or ``build-time`` for a parameter (:mod:`cogov.sim.live`); ``—`` for what is not a parameter."""
    if path.split(".")[0] in NOT_PARAMETERS:
        return "—"
    return "live" if build_time_reason(path) is None else "build-time"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(tables: list[Table]) -> str:
    """The whole parameters document."""
    lines = [
        "# Scenario parameters",
        "",
        "Generated from `cogov.sim.config.ScenarioConfig` by `docs/make_parameter_table.py`; do not edit by hand.",
        "Regenerate with `.venv/bin/python docs/make_parameter_table.py`. Key paths are those of a scenario",
        "TOML file and of `CommunityModel(**overrides)` (`levers.funding.annual_cny` ↔",
        "`levers__funding__annual_cny`). Ranges are the validation bounds, not plausible calibration ranges.",
        "The model description is `docs/ODD.md`.",
        "",
        "*When*: a **live** parameter may change during a run — `CommunityModel.intervene` or a scenario's",
        "`[[interventions]]` (`day = N`, `set = { \"key.path\" = value }`) — and acts from the next day; a",
        "**build-time** parameter is fixed when the community is built, and changing it needs a new run",
        "(`cogov.sim.live` gives the reason for each; `docs/ODD.md` §7.30).",
        "",
    ]
    for table in tables:
        if not table.rows:
            continue
        lines += [f"## `{table.key}`", "", table.doc, "",
                  "| key path | type | default | allowed range | when | description |", "|---|---|---|---|---|---|"]
        lines += [f"| `{r.key}` | {_cell(r.type)} | `{_cell(r.default)}` | {_cell(r.range)} | {r.when} | "
                  f"{_cell(r.description)} |" for r in table.rows]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    args = parser.parse_args(argv)
    tables: list[Table] = []
    collect(ScenarioConfig(), "", tables)
    args.output.write_text(to_markdown(tables), encoding="utf-8")
    print(f"wrote {args.output} ({sum(len(t.rows) for t in tables)} parameters in {len(tables)} sections)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
