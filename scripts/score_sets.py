#!/usr/bin/env python3
"""Print the extraction score lines for the seed set and the fixture sets (Black Sea, Pacific,
Horn of Africa, Korea), each with and without its project file's actors.

usage: python scripts/score_sets.py [--scorer ../shared/eval/score.py]

Needs the scorer from ../shared (it scores a briefing/1 file against a gold file).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = [
    ("seeds", ROOT / "seeds", ROOT.parent / "shared" / "gold" / "seeds.yaml"),
] + [(n, ROOT / "tests" / "fixtures" / n, ROOT / "tests" / "fixtures" / f"{n}.gold.yaml")
     for n in ("blacksea", "pacific", "horn", "korea")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scorer", default=str(ROOT.parent / "shared" / "eval" / "score.py"))
    args = ap.parse_args()
    if not Path(args.scorer).is_file():
        print(f"scorer not found: {args.scorer}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, folder, gold in SETS:
            if not gold.is_file():
                print(f"{name}: gold file missing ({gold})")
                continue
            bare = tmp / f"{name}-bare"
            bare.mkdir()
            for f in folder.iterdir():
                if f.is_file() and f.name != "briefing.yaml":
                    shutil.copy(f, bare / f.name)
            for label, src in (("project file", folder), ("no project file", bare)):
                out = tmp / f"{name}-{label.replace(' ', '-')}.yaml"
                r = subprocess.run([sys.executable, "-m", "briefing", "extract", str(src), "-o", str(out), "-q",
                                    "--no-cache"],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"{name} ({label}): extract failed: {r.stderr.strip()}")
                    continue
                s = subprocess.run([sys.executable, args.scorer, str(out), str(gold)], capture_output=True, text=True)
                line = s.stdout.strip().splitlines()[-1] if s.stdout.strip() else s.stderr.strip()
                print(f"{name} ({label}): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
