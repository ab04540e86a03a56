"""Claims as items in the real output: the briefing/1 YAML carries id, speaker, stance, claim,
hedge and every source's own sentence; the PDF prints them; the bottom line refers to items by
id, so deleting an item in the YAML removes its point."""
from __future__ import annotations

import re

import yaml

from briefing.cli import cli
from briefing.vocab import CAMEO_ROOTS, STANCES

from .conftest import SEEDS, contains, pdf_text

DEV = SEEDS.parent / "tests" / "fixtures" / "pacific"


def _fold(s):
    return re.sub(r"\s+", " ", s).strip()


def test_every_claim_is_an_item_with_its_sources_own_sentences(runner, tmp_path):
    out = tmp_path / "b.yaml"
    assert runner.invoke(cli, ["extract", str(DEV), "-o", str(out), "--no-cache", "-q"]).exit_code == 0
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    texts = {p.stem: _fold(p.read_text(encoding="utf-8")) for p in DEV.iterdir() if p.suffix in (".md", ".txt")}
    ids = set()
    n = 0
    for a in doc["actors"]:
        for p in a["positions"]:
            n += 1
            assert re.fullmatch(r"c-[0-9a-f]{8}x*", p["id"]) and p["id"] not in ids
            ids.add(p["id"])
            assert p["stance"] in STANCES and STANCES[p["stance"]] in CAMEO_ROOTS
            assert p["hedge"] in ("none", "reported", "alleged", "anonymous")
            assert p["speaker"].strip() and p["claim"].strip()
            assert not p["summary"].rstrip().endswith(("…", "..."))
            assert [s["article"] for s in p["support"]] == p["sources"]
            for s in p["support"]:
                if s["article"] in texts:             # the .html article's text is extracted
                    assert _fold(s["quote"]) in texts[s["article"]], s
            # a hedge in a source sentence stays in the printed summary
            if re.search(r"\b(?:reportedly|allegedly)\b", p["quote"]):
                assert re.search(r"\b(?:reportedly|allegedly)\b", p["summary"], re.I), p
    assert n >= 40
    # issues refer to claims by id, each claim at most once
    claimed = [c for i in doc["issues"] for c in i["claims"]]
    assert doc["issues"] and set(claimed) <= ids and len(claimed) == len(set(claimed))
    # the bottom line refers to items that exist
    event_ids = {e["id"] for e in doc["chronology"]}
    assert all(b["ref"] in ids | event_ids for b in doc["bluf"] if "ref" in b)


def test_ids_are_stable_across_runs(runner, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert runner.invoke(cli, ["extract", str(DEV), "-o", str(a), "--no-cache", "-q"]).exit_code == 0
    assert runner.invoke(cli, ["extract", str(DEV), "-o", str(b), "--no-cache", "-q"]).exit_code == 0
    ids = lambda f: [p["id"] for x in yaml.safe_load(f.read_text())["actors"] for p in x["positions"]]
    assert ids(a) == ids(b)


def test_pdf_prints_the_issue_matrix_and_each_sources_sentence(runner, tmp_path):
    y = tmp_path / "b.yaml"
    assert runner.invoke(cli, ["extract", str(DEV), "-o", str(y), "--no-cache", "-q"]).exit_code == 0
    doc = yaml.safe_load(y.read_text(encoding="utf-8"))
    pdf = tmp_path / "a.pdf"
    res = runner.invoke(cli, ["render", str(y), "-o", str(pdf)])
    assert res.exit_code == 0, res.output
    text = pdf_text(pdf)
    assert contains(text, "Positions by issue") and contains(text, doc["issues"][0]["label"])
    multi = [p for a in doc["actors"] for p in a["positions"] if len(p["support"]) > 1]
    for p in multi[:3]:
        for s in p["support"]:
            assert contains(text, s["quote"][:60]), s
    exe = tmp_path / "e.pdf"
    assert runner.invoke(cli, ["render", str(y), "-o", str(exe), "--layout", "executive"]).exit_code == 0
    assert contains(pdf_text(exe), "Positions by issue")


def test_deleting_an_item_removes_its_bottom_line_point(runner, tmp_path):
    y = tmp_path / "b.yaml"
    assert runner.invoke(cli, ["extract", str(SEEDS), "-o", str(y), "--no-cache", "-q"]).exit_code == 0
    doc = yaml.safe_load(y.read_text(encoding="utf-8"))
    point = next(b for b in doc["bluf"] if b.get("actor"))
    before = tmp_path / "before.pdf"
    assert runner.invoke(cli, ["render", str(y), "-o", str(before)]).exit_code == 0
    for a in doc["actors"]:
        a["positions"] = [p for p in a["positions"] if p["id"] != point["ref"]]
    y.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pdf = tmp_path / "x.pdf"
    res = runner.invoke(cli, ["render", str(y), "-o", str(pdf)])
    assert res.exit_code == 0, res.output
    assert point["ref"] in res.output and "dropped" in res.output
    from .conftest import squash
    n = lambda f: squash(pdf_text(f)).count(squash(point["text"][:50]))
    assert n(pdf) < n(before)


def test_unchanged_set_writes_the_same_file_from_the_cache(runner, tmp_path):
    """An unchanged re-run takes the written briefing/1 text from the cache: same bytes; a
    changed reliability table or --since builds it again."""
    cache = tmp_path / "cache"
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert runner.invoke(cli, ["extract", str(DEV), "-o", str(a), "--cache-dir", str(cache), "-q"]).exit_code == 0
    res = runner.invoke(cli, ["extract", str(DEV), "-o", str(b), "--cache-dir", str(cache)])
    assert res.exit_code == 0, res.output
    assert "all from the cache" in res.output
    assert a.read_bytes() == b.read_bytes()
    rel = tmp_path / "rel.yaml"
    rel.write_text("Reuters: A\n", encoding="utf-8")
    c = tmp_path / "c.yaml"
    res = runner.invoke(cli, ["extract", str(DEV), "-o", str(c), "--cache-dir", str(cache), "--reliability", str(rel), "-q"])
    assert res.exit_code == 0, res.output
    letters = lambda f: {p["grade"]["reliability"] for x in yaml.safe_load(f.read_text(encoding="utf-8"))["actors"]
                         for p in x["positions"]}
    assert letters(a) == {"F"} and "A" in letters(c)          # graded afresh with the new table
