"""Source grading (issue 14): Admiralty-style grades computed from each item's support, outlet
reliability only from the user's file, contradictions listed and not resolved."""
from __future__ import annotations

import pytest
import yaml

from briefing.cli import cli

from .conftest import ROOT, contains, pdf_text

SET = ROOT / "tests" / "fixtures" / "editions" / "grading"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from click.testing import CliRunner
    out = tmp_path_factory.mktemp("grading") / "g.yaml"
    res = CliRunner().invoke(cli, ["extract", str(SET), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    return yaml.safe_load(out.read_text(encoding="utf-8"))


def find(doc, words):
    hits = [p for a in doc["actors"] for p in a["positions"] if words in p["summary"]]
    hits += [e for e in doc["chronology"] if words in e["summary"]]
    assert hits, words
    return hits


def test_credibility_follows_the_rules(graded):
    # two outlets relaying the same Reuters report: one report, not a confirmation
    troops = find(graded, "moved two armoured brigades")[0]
    assert len(troops["sources"]) == 2
    assert troops["grade"]["credibility"] == 3 and troops["grade"]["reliability"] == "B"   # Reuters: B
    # two outlets reporting on their own: confirmed
    geneva = find(graded, "foreign minister to Geneva")[0]
    assert geneva["grade"]["credibility"] == 1 and geneva["grade"]["code"] == "C1"  # best of C and D
    # one named minister on the record
    firefly = find(graded, "purely defensive exercise")[0]
    assert firefly["grade"]["code"] == "C2"
    # anonymous officials only
    kelso = find(graded, "Kelso crossing")[0]
    assert kelso["grade"]["credibility"] == 6
    # an accusation and its denial: both doubtful, listed, not resolved
    denial = find(graded, "denied shelling")[0]
    accusation = [x for x in find(graded, "accused Freedonia of shelling") if "stance" in x][0]
    assert denial["grade"]["credibility"] == 4 and accusation["grade"]["credibility"] == 4
    assert {"items": [denial["id"], accusation["id"]], "kind": "denial"} in graded["contradictions"]
    # 5 is never assigned
    every = [p for a in graded["actors"] for p in a["positions"]] + graded["chronology"]
    assert all(x["grade"]["credibility"] != 5 for x in every)
    assert all(x["grade"]["code"] == f"{x['grade']['reliability']}{x['grade']['credibility']}" for x in every)


def test_reliability_is_never_invented(tmp_path, runner):
    # without the project's file, every outlet is F
    cfg = tmp_path / "p.yaml"
    text = (SET / "briefing.yaml").read_text(encoding="utf-8")
    cfg.write_text("\n".join(ln for ln in text.splitlines() if not ln.startswith("reliability")), encoding="utf-8")
    out = tmp_path / "g.yaml"
    res = runner.invoke(cli, ["extract", str(SET), "-c", str(cfg), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    every = [p for a in doc["actors"] for p in a["positions"]] + doc["chronology"]
    assert {x["grade"]["reliability"] for x in every} == {"F"}
    # --reliability names another file; an alias of a known outlet counts ("the AP")
    rel = tmp_path / "rel.yaml"
    rel.write_text("outlets:\n  Evening Star: A\n", encoding="utf-8")
    res = runner.invoke(cli, ["extract", str(SET), "-c", str(cfg), "--reliability", str(rel), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert find(doc, "foreign minister to Geneva")[0]["grade"]["code"] == "A1"


def test_a_bad_reliability_file_is_reported_with_its_lines(tmp_path, runner):
    from briefing.grading import load_reliability, outlet_key
    assert outlet_key("the AP") == outlet_key("Associated Press")
    rel = tmp_path / "rel.yaml"
    rel.write_text("Reuters: B\nAFP: G\nthe AP: A\nAssociated Press: C\nBBC: [A]\n", encoding="utf-8")
    res = runner.invoke(cli, ["extract", str(SET), "--reliability", str(rel), "-o", str(tmp_path / "x.yaml")])
    assert res.exit_code != 0
    assert str(rel) in res.output
    assert "line 2: 'AFP': expected a letter A to F" in res.output
    assert "line 4: 'Associated Press' is C, but line 3 gives 'the AP'" in res.output
    assert "line 5: 'BBC'" in res.output
    assert "Traceback" not in res.output
    rel.write_text("Reuters: [B\n", encoding="utf-8")
    with pytest.raises(Exception, match="line"):
        load_reliability(rel)
    res = runner.invoke(cli, ["extract", str(SET), "--reliability", str(tmp_path / "none.yaml")])
    assert res.exit_code != 0 and "reliability file not found" in res.output
    bad = tmp_path / "proj.yaml"
    bad.write_text("title: X\nreliability: 3\n", encoding="utf-8")
    res = runner.invoke(cli, ["extract", str(SET), "-c", str(bad)])
    assert res.exit_code != 0 and "reliability: expected the name of a file" in res.output


def test_grades_and_legend_in_the_pdf(tmp_path, runner):
    out = tmp_path / "g.pdf"
    res = runner.invoke(cli, ["build", str(SET), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = pdf_text(out)
    assert "C2" in text and "C1" in text and "D4" in text
    legend = text[text.index("Source grading"):]
    for needle in ("Usually reliable", "Reliability cannot be judged", "Confirmed: independent reports",
                   "Cannot be judged: anonymous sourcing only", "Contradictions in the set",
                   "one denies what the other asserts"):
        assert contains(legend, needle), needle
    assert contains(legend, "Freedonia denied shelling the village of Harbin")
    # other layouts and locales build with the grades too
    for layout, loc in (("executive", "fr"), ("mobile", "ar"), ("analyst", "de")):
        res = runner.invoke(cli, ["build", str(SET), "-o", str(tmp_path / f"{layout}.pdf"), "--layout", layout,
                                  "--locale", loc, "-q"])
        assert res.exit_code == 0, res.output
    assert contains(pdf_text(tmp_path / "analyst.pdf"), "Quellenbewertung")
