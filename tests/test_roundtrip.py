"""extract -> edit the YAML by hand -> render: exactly that change shows in the PDF."""
from __future__ import annotations

import yaml

from briefing.cli import cli

from .conftest import SEEDS, contains, pdf_text


def _extract(runner, tmp_path):
    y = tmp_path / "b.yaml"
    res = runner.invoke(cli, ["extract", str(SEEDS), "-o", str(y)])
    assert res.exit_code == 0, res.output
    return y, yaml.safe_load(y.read_text(encoding="utf-8"))


def test_extract_writes_briefing1(runner, tmp_path):
    y, doc = _extract(runner, tmp_path)
    assert doc["schema"] == "briefing/1"
    assert str(doc["as_of"]) == "2026-02-15"
    assert [a["id"] for a in doc["articles"]] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for a in doc["articles"]:
        assert a["outlet"] is None          # bare text: the publisher is unknown
    for e in doc["chronology"]:
        assert {"date", "precision", "year_inferred", "span", "summary", "sources", "flags"} <= set(e)
    for a in doc["actors"]:
        for p in a["positions"]:
            assert p["quote"] and p["sources"]
            # the quote is verbatim from the first source
            art = (SEEDS / f"{p['sources'][0]}.txt").read_text(encoding="utf-8")
            assert " ".join(p["quote"].split()) in " ".join(art.split())


def test_delete_a_position_and_render(runner, tmp_path):
    y, doc = _extract(runner, tmp_path)
    before = tmp_path / "before.pdf"
    assert runner.invoke(cli, ["render", str(y), "-o", str(before)]).exit_code == 0
    gulf = next(a for a in doc["actors"] if a["name"] == "Gulf states")
    victim = gulf["positions"].pop(1)
    # keep the BLUF from repeating it
    doc["bluf"] = [b for b in doc["bluf"] if b["text"] != victim["summary"]]
    y.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    after = tmp_path / "after.pdf"
    res = runner.invoke(cli, ["render", str(y), "-o", str(after)])
    assert res.exit_code == 0, res.output
    assert contains(pdf_text(before), victim["summary"])
    assert not contains(pdf_text(after), victim["summary"])
    assert not contains(pdf_text(after), victim["quote"])
    # everything else is still there
    assert contains(pdf_text(after), gulf["positions"][0]["summary"])


def test_fix_a_date_and_render(runner, tmp_path):
    y, doc = _extract(runner, tmp_path)
    e = next(e for e in doc["chronology"] if e["span"] == "October 17")
    e["date"] = "2025-10-18"
    y.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "fixed.pdf"
    assert runner.invoke(cli, ["render", str(y), "-o", str(out)]).exit_code == 0
    text = pdf_text(out)
    assert contains(text, "October 18, 2025")
    assert not contains(text, "October 17, 2025")


def test_render_reports_every_problem_with_its_path(runner, tmp_path):
    y, doc = _extract(runner, tmp_path)
    doc["chronology"][3]["date"] = "2025-13-45"
    doc["chronology"][0]["precision"] = "fortnight"
    doc["actors"][1]["positions"][0]["sources"] = ["no_such_article"]
    del doc["title"]
    y.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "x.pdf"
    res = runner.invoke(cli, ["render", str(y), "-o", str(out)])
    assert res.exit_code != 0
    assert "chronology[3].date: not a date" in res.output
    assert "chronology[0].precision" in res.output
    assert "actors[1].positions[0].sources: unknown article id 'no_such_article'" in res.output
    assert "title: expected a non-empty string" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_render_default_output_name(runner, tmp_path):
    y, _ = _extract(runner, tmp_path)
    res = runner.invoke(cli, ["render", str(y)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "b.pdf").stat().st_size > 10_000
