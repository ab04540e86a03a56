"""Recurring editions (issue 14): --since on build, extract and distribute; what is new, updated
and dropped, in the YAML, the PDF and the email; ids that hold across editions."""
from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path

import pytest
import yaml

from briefing.cli import cli

from .conftest import ROOT, contains, pdf_text
from .test_distribute import smtp_server  # noqa: F401  (the SMTP server fixture)

HORN = ROOT / "tests" / "fixtures" / "horn"
FIRST = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]          # edition 1
SECOND = ["01", "02", "04", "05", "06", "07", "08", "09", "10", "11"]  # two added, 03 removed


def edition_folder(dst: Path, numbers, as_of: str) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for f in dst.iterdir():
        f.unlink()
    for f in HORN.iterdir():
        if f.name[:2] in numbers:
            shutil.copy(f, dst / f.name)
    text = (HORN / "briefing.yaml").read_text(encoding="utf-8")
    (dst / "briefing.yaml").write_text(text.replace("as_of: 2024-09-20", f"as_of: {as_of}"), encoding="utf-8")
    return dst


def items(doc):
    for a in doc["actors"]:
        for p in a["positions"]:
            yield "position", a["name"], p
    for e in doc["chronology"]:
        yield "event", None, e


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory):
    """Edition 1 (nine articles), edition 2 (03 removed, 10 and 11 added) with --since."""
    from click.testing import CliRunner
    runner = CliRunner()
    tmp = tmp_path_factory.mktemp("editions")
    e1 = edition_folder(tmp / "set1", FIRST, "2024-09-18")
    editions = tmp / "editions"
    editions.mkdir()
    res = runner.invoke(cli, ["extract", str(e1), "-o", str(editions / "2024-09-18.yaml"), "-q"])
    assert res.exit_code == 0, res.output
    e2 = edition_folder(tmp / "set2", SECOND, "2024-09-20")
    res = runner.invoke(cli, ["extract", str(e2), "--since", str(editions / "2024-09-18.yaml"),
                              "-o", str(tmp / "ed2.yaml"), "-q"])
    assert res.exit_code == 0, res.output
    return tmp, yaml.safe_load((editions / "2024-09-18.yaml").read_text(encoding="utf-8")), \
        yaml.safe_load((tmp / "ed2.yaml").read_text(encoding="utf-8"))


def test_changes_in_the_yaml(two_editions):
    tmp, ed1, ed2 = two_editions
    assert ed2["since"]["as_of"] == "2024-09-18"
    assert all(it.get("change") in ("new", "updated", "unchanged") for _, _, it in items(ed2))
    assert not any("change" in it for _, _, it in items(ed1))            # no --since, no marks
    new = [it for _, _, it in items(ed2) if it["change"] == "new"]
    updated = [it for _, _, it in items(ed2) if it["change"] == "updated"]
    unchanged = [it for _, _, it in items(ed2) if it["change"] == "unchanged"]
    assert new and updated and unchanged
    # what is new comes from the added articles
    added = {"10_au_council_undated", "11_dailysabah_second_round"}
    # (the rest: entries dated anew now that the as-of date moved on)
    assert sum(1 for it in new if set(it["sources"]) & added) >= len(new) - 2, \
        [it["summary"] for it in new if not set(it["sources"]) & added]
    only_added = [it for _, _, it in items(ed2) if set(it["sources"]) <= added]
    assert only_added and all(it["change"] == "new" for it in only_added)
    # an item that gained a source from them is updated, and says which
    gained = [it for it in updated if it.get("was", {}).get("sources_added")]
    assert gained and all(set(it["was"]["sources_added"]) <= added for it in gained)
    # unchanged items keep their ids; every id of edition 1 is either still here or dropped
    ids1 = {it["id"] for _, _, it in items(ed1)}
    ids2 = {it["id"] for _, _, it in items(ed2)}
    dropped = {d["id"] for d in ed2["dropped"]}
    assert all(it["id"] in ids1 for it in unchanged + updated)
    assert ids1 == (ids1 & ids2) | dropped and not dropped & ids2
    # dropped: what rested on the removed article alone
    only_03 = {it["id"] for _, _, it in items(ed1) if set(it["sources"]) == {"03_ena_fm_briefs_diplomats"}}
    assert only_03 and only_03 <= dropped
    assert all(d["summary"] for d in ed2["dropped"])
    # the file is a valid briefing/1 document that renders
    from briefing.model import validate
    assert validate(ed2) == []


def test_changes_in_the_pdf(two_editions, runner):
    tmp, _, ed2 = two_editions
    for layout in ("analyst", "executive", "mobile"):
        out = tmp / f"ed2-{layout}.pdf"
        res = runner.invoke(cli, ["render", str(tmp / "ed2.yaml"), "--layout", layout, "-o", str(out)])
        assert res.exit_code == 0, res.output
        text = pdf_text(out)
        head = text[:text.find("Bottom line up front")]
        assert "What changed" in head, layout
        assert contains(head, "Since the edition of September 18, 2024"), layout
        n_new = sum(1 for _, _, it in items(ed2) if it["change"] == "new")
        assert contains(head, f"{n_new} new · ")
        assert "NEW" in text and ("UPDATED" in text or layout == "executive")
        if layout == "executive":
            # at most five lines, and a pointer to the rest
            assert head.count("NEW") + head.count("UPDATED") + head.count("DROPPED") <= 5
            assert contains(head, "more changes in the briefing file")
        if layout == "analyst":
            assert "DROPPED" in head
            dropped = ed2["dropped"][0]["summary"].split()[:6]
            assert contains(head, " ".join(dropped))
            assert "Source grading" in text and "Contradictions in the set" in text


def test_build_since_a_folder_takes_the_latest_older_edition(two_editions, runner):
    tmp, _, _ = two_editions
    folder = tmp / "editions"
    # an edition from the future and one that is not a briefing are ignored
    later = yaml.safe_load((folder / "2024-09-18.yaml").read_text(encoding="utf-8"))
    later["as_of"] = "2024-09-25"
    (folder / "2024-09-25.yaml").write_text(yaml.safe_dump(later), encoding="utf-8")
    (folder / "notes.yaml").write_text("hello: world\n", encoding="utf-8")
    out = tmp / "ed2-folder.pdf"
    res = runner.invoke(cli, ["build", str(tmp / "set2"), "--since", str(folder), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert contains(pdf_text(out), "Since the edition of September 18, 2024")
    # no earlier edition at all: said, and every item is new
    empty = tmp / "empty"
    empty.mkdir()
    res = runner.invoke(cli, ["extract", str(tmp / "set2"), "--since", str(empty), "-o", str(tmp / "x.yaml")])
    assert res.exit_code == 0 and "no earlier edition" in res.output
    doc = yaml.safe_load((tmp / "x.yaml").read_text(encoding="utf-8"))
    assert {it["change"] for _, _, it in items(doc)} == {"new"}
    res = runner.invoke(cli, ["extract", str(tmp / "set2"), "--since", str(tmp / "nope.yaml")])
    assert res.exit_code != 0 and "nope.yaml" in res.output


def test_ids_are_stable_across_reruns_and_a_reworded_article(tmp_path, runner):
    src = edition_folder(tmp_path / "set", FIRST, "2024-09-18")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert runner.invoke(cli, ["extract", str(src), "-o", str(a), "--no-cache", "-q"]).exit_code == 0
    assert runner.invoke(cli, ["extract", str(src), "-o", str(b), "--no-cache", "-q"]).exit_code == 0
    da, db = (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (a, b))
    assert [it["id"] for _, _, it in items(da)] == [it["id"] for _, _, it in items(db)]
    # reword one article: its claims change words, not meaning
    f = src / "02_afp_ankara_second_round.md"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("began a second round of", "opened a second round of")
                 .replace("would not abandon its quest", "would never abandon its quest"), encoding="utf-8")
    c = tmp_path / "c.yaml"
    res = runner.invoke(cli, ["extract", str(src), "--since", str(a), "-o", str(c), "-q"])
    assert res.exit_code == 0, res.output
    dc = yaml.safe_load(c.read_text(encoding="utf-8"))
    old_ids = {it["id"] for _, _, it in items(da)}
    reworded = [it for _, _, it in items(dc) if "02_afp_ankara_second_round" in it["sources"]]
    assert reworded and all(it["id"] in old_ids for it in reworded), \
        [(it["change"], it["summary"]) for it in reworded if it["id"] not in old_ids]
    assert dc["dropped"] == []
    assert {it["change"] for _, _, it in items(dc)} <= {"unchanged", "updated"}


def _doc(positions, chronology=()):
    return {"schema": "briefing/1", "title": "T", "as_of": "2026-02-15",
            "articles": [{"id": "a1", "title": "A", "outlet": "Reuters", "cites": []},
                         {"id": "a2", "title": "B", "outlet": "AFP", "cites": []}],
            "actors": [{"name": "United States", "positions": positions}], "chronology": list(chronology), "bluf": []}


def _pos(id_, stance, claim, sources=("a1",)):
    return {"id": id_, "summary": f"The United States {stance} {claim}.", "quote": f"The United States {stance} {claim}.",
            "speaker": "United States", "stance": stance, "claim": claim, "hedge": "none", "sources": list(sources),
            "support": [{"article": s, "quote": f"The United States {stance} {claim}."} for s in sources]}


def test_a_stance_that_moved_is_shown_as_such():
    from briefing.editions import change_lines, compare, email_sections
    from briefing.i18n import Localizer
    prev = _doc([_pos("c-1", "opposes", "strikes on the enrichment sites if talks fail")],
                [{"id": "e-1", "date": "2026-02-10", "precision": "day", "summary": "Talks opened in Muscat.",
                  "span": "February 10", "sources": ["a1"]}])
    cur = _doc([_pos("c-2", "supports", "strikes on the enrichment sites if talks fail", ("a1", "a2"))],
               [{"id": "e-2", "date": "2026-02-11", "precision": "day", "summary": "Talks opened in Muscat.",
                 "span": "February 11", "sources": ["a1"]}])
    compare(cur, prev)
    p = cur["actors"][0]["positions"][0]
    assert p["change"] == "updated" and p["id"] == "c-1"                  # the id carries over
    assert p["was"] == {"stance": "opposes", "sources_added": ["a2"]}
    e = cur["chronology"][0]
    assert e["change"] == "updated" and e["was"]["date"] == "2026-02-10" and e["id"] == "e-1"
    assert cur["dropped"] == []
    ch = change_lines(cur, Localizer("en"), limit=5)
    line = ch["lines"][0]
    assert line["actor"] == "United States" and line["mark"] == "UPDATED"
    assert line["text"].startswith("opposes → supports strikes on the enrichment sites if talks fail")
    assert any("date corrected: February 10, 2026 → February 11, 2026" in x["detail"] for x in ch["lines"])
    text, html = email_sections(cur, Localizer("en"))
    assert "United States: opposes → supports strikes" in "\n".join(text)
    assert "opposes → supports strikes" in html
    fr = change_lines(cur, Localizer("fr"))
    assert any("s'oppose → soutient" in x["text"] for x in fr["lines"]) and "Depuis l'édition du" in fr["since"]


def test_the_email_leads_with_the_changes(two_editions, runner, tmp_path):
    tmp, _, _ = two_editions
    dist = tmp_path / "lists.yaml"
    dist.write_text(yaml.safe_dump({
        "from": "Desk <desk@example.org>", "smtp": {"host": "127.0.0.1", "port": 2525, "security": "none"},
        "audiences": [{"name": "leadership", "layout": "executive", "locale": "en", "to": ["m@example.org"]}]}),
        encoding="utf-8")
    res = runner.invoke(cli, ["distribute", str(tmp / "set2"), "-d", str(dist), "--since",
                              str(tmp / "editions" / "2024-09-18.yaml"), "--outbox", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    msg = email.message_from_bytes((tmp_path / "out" / "leadership.eml").read_bytes(), policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    htm = msg.get_body(("html",)).get_content()
    assert text.index("WHAT CHANGED") < text.index("BOTTOM LINE UP FRONT")
    assert "Since the edition of September 18, 2024" in text and "[NEW]" in text
    assert htm.index("What changed") < htm.index("Bottom line up front")


def test_distribute_twice_with_a_changed_set_leads_with_the_changes(runner, tmp_path, smtp_server):
    from .test_distribute import Recorder, parse, write_dist
    rec = Recorder()
    port = smtp_server(rec)
    dist = write_dist(tmp_path, port, audiences=[
        {"name": "leadership", "layout": "executive", "locale": "en", "to": ["minister@example.org"]},
        {"name": "paris", "layout": "executive", "locale": "fr", "to": ["bureau@example.org"]}])
    src = edition_folder(tmp_path / "articles", FIRST, "2024-09-18")
    res = runner.invoke(cli, ["distribute", str(src), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    first = {r[0]: parse(raw) for _, r, raw in rec.messages}
    assert "WHAT CHANGED" not in first["minister@example.org"].get_body(("plain",)).get_content()
    assert (tmp_path / "outbox.editions" / "leadership.yaml").is_file()
    # the next day: two articles more, one fewer
    edition_folder(src, SECOND, "2024-09-20")
    res = runner.invoke(cli, ["distribute", str(src), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    assert "2 sent" in res.output and len(rec.messages) == 4
    second = {r[0]: parse(raw) for _, r, raw in rec.messages[2:]}
    text = second["minister@example.org"].get_body(("plain",)).get_content()
    assert text.index("WHAT CHANGED") < text.index("BOTTOM LINE UP FRONT")
    assert "Since the edition of September 18, 2024" in text and "[NEW]" in text
    htm = second["minister@example.org"].get_body(("html",)).get_content()
    assert htm.index("What changed") < htm.index("Bottom line up front")
    fr = second["bureau@example.org"].get_body(("plain",)).get_content()
    assert fr.index("CE QUI A CHANGÉ") < fr.index("L'ESSENTIEL") and "Depuis l'édition du 18 septembre 2024" in fr
    pdf = [p for p in second["minister@example.org"].iter_attachments()][0].get_content()
    (tmp_path / "ed2.pdf").write_bytes(pdf)
    assert contains(pdf_text(tmp_path / "ed2.pdf"), "Since the edition of September 18, 2024")
    # the same edition again: built byte for byte, so nothing is sent twice
    res = runner.invoke(cli, ["distribute", str(src), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    assert "0 sent, 2 already sent" in res.output and len(rec.messages) == 4
