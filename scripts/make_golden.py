"""Write the golden snapshots of the current model version (tests/data/golden/v<MODEL_VERSION>/).

Run after bumping ``MODEL_VERSION`` (``sim/version.py``) for a change that alters the model's numbers,
and commit the new folder on its own with a before/after table. The cases are those of the newest
existing snapshot unless ``--cases FILE`` names others. An existing folder is never overwritten
unless ``--force`` (a snapshot is the record of what a version produced).

    python scripts/make_golden.py
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from golden_cases import GOLDEN, golden_dir, produce

from cogov.sim.version import MODEL_VERSION


def newest_cases() -> Path:
    """The cases.json of the newest existing snapshot."""
    folders = sorted((p for p in GOLDEN.glob("v*") if (p / "cases.json").is_file()),
                     key=lambda p: int(p.name[1:]) if p.name[1:].isdigit() else -1)
    if not folders:
        raise SystemExit(f"no snapshot with a cases.json under {GOLDEN}; give --cases FILE")
    return folders[-1] / "cases.json"


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, help="cases file (default: the newest snapshot's)")
    parser.add_argument("--force", action="store_true", help="overwrite this version's existing snapshot")
    args = parser.parse_args()
    cases_file = args.cases or newest_cases()
    cases = json.loads(cases_file.read_text(encoding="utf-8"))
    out = golden_dir(MODEL_VERSION)
    if out.exists():
        if not args.force:
            raise SystemExit(f"{out} exists: snapshots of model version {MODEL_VERSION} are already recorded "
                             "(bump MODEL_VERSION for a change of numbers, or --force to rewrite)")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for case in cases:
        series, summary = produce(case)
        series.to_parquet(out / f"{case['name']}.series.parquet", index=False)
        (out / f"{case['name']}.summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{case['name']}: resolution {summary['metrics']['resolution_rate']:.4f}", flush=True)
    (out / "cases.json").write_text(json.dumps(cases, indent=1), encoding="utf-8")
    print(f"wrote {len(cases)} cases to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
