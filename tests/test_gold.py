"""The seed gold test: extraction scored with ../shared/eval/score.py against the hand-made
reference. CI sets BRIEFING_REQUIRE_GOLD=1 so that a missing scorer fails instead of skipping."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from briefing.cli import cli

from .conftest import SEEDS, SHARED

SCORER = SHARED / "eval" / "score.py"
GOLD = SHARED / "gold" / "seeds.yaml"


@pytest.fixture(scope="module")
def seed_score(tmp_path_factory):
    if not (SCORER.is_file() and GOLD.is_file()):
        if os.environ.get("BRIEFING_REQUIRE_GOLD"):
            pytest.fail(f"scorer or gold file missing: {SCORER}, {GOLD}")
        pytest.skip("../shared (scorer and gold file) is not beside this checkout")
    from click.testing import CliRunner
    out = tmp_path_factory.mktemp("gold") / "seeds.yaml"
    res = CliRunner().invoke(cli, ["extract", str(SEEDS), "-o", str(out)])
    assert res.exit_code == 0, res.output
    r = subprocess.run([sys.executable, str(SCORER), str(out), str(GOLD), "--json"],
                       capture_output=True, text=True, check=True)
    assert "Traceback" not in r.stderr
    return json.loads(r.stdout)


def test_floor_every_actor_covered_no_boilerplate(seed_score):
    m = seed_score["metrics"]
    assert m["actors_covered"] == "5/5", seed_score["notes"]
    assert m["boilerplate_leaks"] == 0, seed_score["notes"]


def test_seed_targets(seed_score):
    m = seed_score["metrics"]
    assert m["events_recall"] == 1.0, seed_score["notes"]
    assert m["events_unexpected"] <= 1
    assert m["events_dated_unresolvable"] == 0
    assert m["outlets_recall"] == 1.0 and m["outlets_unexpected"] == 0
    assert m["cites_recall"] >= 0.8
    assert m["positions_precision"] >= 0.95
    assert m["positions_forbidden"] == 0 and m["positions_other_actor"] <= 1
    assert m["positions_recall"] >= 0.6
