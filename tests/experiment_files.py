"""Small experiment files shared by the experiment tests: a 300-household scenario and a 2×2 factorial."""

from __future__ import annotations

import textwrap
from pathlib import Path

SMALL_SCENARIO = """
extends = "default"
[meta]
name = "small"
[community]
households = 300
"""


def write_experiment(folder: Path, body: str, name: str = "exp.toml") -> Path:
    """An experiment file next to a small-community scenario file."""
    (folder / "small.toml").write_text(SMALL_SCENARIO, encoding="utf-8")
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


FACTORIAL = """
[experiment]
name = "factorial"
scenario = "small.toml"
design = "full_factorial"
replicates = 3
master_seed = 11
days = 15

[parameters."levers.funding.annual_cny"]
values = [20_000, 400_000]

[parameters."levers.cross_appointment.party_property"]
values = [false, true]
"""
