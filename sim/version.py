"""The model version: which numbers this code produces.

Recorded in every output's provenance and in every run key. Any change that alters a single number of
a run (a fixed bug, a new mechanism switched on by default, a changed default) bumps it, and
regenerates the golden snapshots (``tests/data/golden/v<version>``) in a commit of its own with a
before/after table. Changes that leave every number identical (refactoring, speed, new outputs) keep it.
"""

MODEL_VERSION = "4"
