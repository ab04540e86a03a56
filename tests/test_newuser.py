"""What a new user meets (issue 13): each item as the user meets it, on real output."""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
from pypdf import PdfReader

from briefing.api import extract, render
from briefing.cli import cli
from briefing.formats import ARTICLE_FORMATS

from .conftest import ROOT, SEEDS, contains, pdf_text


def _articles(tmp_path, project_file=True):
    """The demo articles in a folder of their own (with or without the project file)."""
    dst = tmp_path / "articles"
    shutil.copytree(SEEDS, dst)
    if not project_file:
        (dst / "briefing.yaml").unlink()
    return dst


def _pdfa(path) -> bool:
    raw = path.read_bytes()
    return b"pdfaid:part" in raw and b"pdfuaid:part" in raw


# --- layouts: one rule for `layouts new` and `build` -----------------------------------------

def test_scaffold_then_build_in_the_same_folder(runner, tmp_path, monkeypatch):
    arts = _articles(tmp_path)                 # articles/ holds briefing.yaml: the project folder
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(cli, ["layouts", "new", "minister", "--from", "executive"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "layouts" / "minister" / "layout.yaml").is_file()
    res = runner.invoke(cli, ["build", "articles", "--layout", "minister", "-o", "m.pdf", "-q"])
    assert res.exit_code == 0, res.output
    reader = PdfReader(str(tmp_path / "m.pdf"))
    assert len(reader.pages) <= 2 and contains(pdf_text(tmp_path / "m.pdf"), "Positions by issue")
    # `layouts` lists it from here, and from the project folder too: the same places as build
    assert re.search(r"minister\s+project", runner.invoke(cli, ["layouts"]).output)
    assert re.search(r"minister\s+project", runner.invoke(cli, ["layouts", "-p", str(arts)]).output)


def test_layout_typo_is_caught_first_with_a_suggestion(runner, tmp_path):
    arts = _articles(tmp_path)
    # an article that would stop extraction: the layout must be reported before any is read
    (arts / "zz_broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    res = runner.invoke(cli, ["build", str(arts), "--layout", "executiv", "-o", str(tmp_path / "x.pdf")])
    assert res.exit_code != 0
    assert "unknown layout 'executiv'" in res.output and "did you mean executive?" in res.output
    assert "front matter" not in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.pdf").exists()


# --- sources ----------------------------------------------------------------------------

def test_unsupported_files_named_in_one_warning(runner, tmp_path):
    arts = _articles(tmp_path)
    (arts / "report.docx").write_bytes(b"PK\x03\x04 not an article")
    (arts / "scan.pdf").write_bytes(b"%PDF-1.7")
    res = runner.invoke(cli, ["build", str(arts), "-o", str(tmp_path / "x.pdf")])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stderr.splitlines() if "not articles" in ln]
    assert len(lines) == 1, res.stderr
    assert "report.docx" in lines[0] and "scan.pdf" in lines[0] and "2 files skipped" in lines[0]
    assert ARTICLE_FORMATS in lines[0]
    assert "briefing.yaml" not in lines[0]          # the project file is not an unsupported article


def test_formats_are_one_list_everywhere(runner, tmp_path):
    assert ARTICLE_FORMATS == ".txt, .md, .markdown, .html, .htm"
    use = open(ROOT / "README.md", encoding="utf-8").read().split("## Use", 1)[1].split("\n## ", 1)[0]
    assert ARTICLE_FORMATS in use
    flat = lambda s: " ".join(s.split())          # help text is wrapped to the terminal
    for cmd in ("build", "extract", "distribute"):
        assert ARTICLE_FORMATS in flat(runner.invoke(cli, [cmd, "--help"]).output), cmd
    assert ARTICLE_FORMATS in flat(runner.invoke(cli, ["--help"]).output)
    bad = tmp_path / "note.docx"
    bad.write_bytes(b"x")
    res = runner.invoke(cli, ["build", str(bad), "-o", str(tmp_path / "x.pdf")])
    assert res.exit_code != 0 and ARTICLE_FORMATS in flat(res.output)
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(cli, ["extract", str(empty)])
    assert res.exit_code != 0 and ARTICLE_FORMATS in flat(res.output)


# --- what the command prints -------------------------------------------------------------

def test_quiet_prints_nothing(runner, tmp_path):
    arts = _articles(tmp_path, project_file=False)      # would warn about the as-of date and actors
    res = runner.invoke(cli, ["build", str(arts), "-o", str(tmp_path / "q.pdf"), "-q"])
    assert res.exit_code == 0 and res.stdout == "" and res.stderr == ""
    assert (tmp_path / "q.pdf").is_file()
    res = runner.invoke(cli, ["extract", str(arts), "-o", str(tmp_path / "q.yaml"), "-q"])
    assert res.exit_code == 0 and res.stdout == "" and res.stderr == ""
    res = runner.invoke(cli, ["render", str(tmp_path / "q.yaml"), "-o", str(tmp_path / "r.pdf"), "-q"])
    assert res.exit_code == 0 and res.stdout == "" and res.stderr == "" and (tmp_path / "r.pdf").is_file()


def test_output_format_from_the_suffix(runner, tmp_path):
    res = runner.invoke(cli, ["build", str(SEEDS), "--layout", "executive", "-o", str(tmp_path / "brief.png"), "-q"])
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "brief.png").exists()
    pngs = sorted(p.name for p in tmp_path.glob("brief-*.png"))
    assert pngs == ["brief-1.png", "brief-2.png"]
    assert (tmp_path / "brief-1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a suffix we do not write, or one that contradicts --format: refused, nothing written
    for args in (["-o", str(tmp_path / "brief.jpg")], ["-o", str(tmp_path / "b.pdf"), "--format", "svg"]):
        res = runner.invoke(cli, ["build", str(SEEDS), *args])
        assert res.exit_code == 2 and "Traceback" not in res.output, res.output
        assert "pdf, png, svg" in res.output or "--format is svg" in res.output
    assert not list(tmp_path.glob("brief.jpg*")) and not list(tmp_path.glob("b*.svg"))


def test_one_article_one_actor_in_the_singular(runner, tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    (one / "a.md").write_text("---\ntitle: Talks\npublished: 2026-02-10\n---\n"
                              "Iran said on Monday that it would resume talks in Geneva.\n", encoding="utf-8")
    (one / "briefing.yaml").write_text("actors:\n  - name: Iran\n", encoding="utf-8")
    res = runner.invoke(cli, ["build", str(one), "-o", str(tmp_path / "o.pdf")])
    assert res.exit_code == 0, res.output
    assert "1 article, 1 actor, " in res.stdout
    assert not re.search(r"\b1 (articles|actors|positions|pages|sources)\b", res.stdout)


def test_picked_actors_and_inferred_date_said_on_every_run(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    arts = _articles(tmp_path, project_file=False)
    runs = [runner.invoke(cli, ["build", str(arts), "-o", str(tmp_path / "b.pdf")]) for _ in range(2)]
    assert all(r.exit_code == 0 for r in runs)
    assert "all from the cache" in runs[1].stderr          # the second run is the cached one
    for r in runs:
        assert "as-of date inferred from the articles: 2025-12-31" in r.stderr
        assert "picked from the articles: Israel" in r.stderr


def test_unknown_locale_suggests_no_unrelated_language(runner, tmp_path):
    res = runner.invoke(cli, ["build", str(SEEDS), "-o", str(tmp_path / "x.pdf"), "--locale", "xx"])
    assert res.exit_code != 0 and "unknown locale 'xx'" in res.output
    assert "did you mean" not in res.output and "xh" not in res.output
    assert "en, fr, de, es, ar" in res.output and "Traceback" not in res.output


def test_default_title_in_the_readers_language(tmp_path):
    doc = extract([_articles(tmp_path, project_file=False)], cache_dir=False)
    assert doc["title"] == "Situation Briefing"          # the file keeps the default as it is
    out = tmp_path / "fr.pdf"
    render(doc, out, layout="executive", locale="fr")
    assert PdfReader(str(out)).metadata.title == "Note de situation"
    assert contains(pdf_text(out), "Note de situation") and not contains(pdf_text(out), "Situation Briefing")


# --- emoji ---------------------------------------------------------------------------------

EMOJI_ARTICLE = """---
title: "🔴 LIVE: Gulf talks resume"
outlet: Example Wire
published: 2026-02-12
---
📌 KEY FACTS:

- Iran said on Monday that it would resume talks with the United States in Muscat 🇴🇲.
- Israel warned that it would act alone if the talks fail 🔥, officials told Example Wire.

⚠️ Iran said on Tuesday that the talks ★ could still collapse ✅ within weeks 👍🏽.
"""


def test_emoji_article_keeps_pdfa_and_prints_no_box(runner, tmp_path):
    src = tmp_path / "emoji"
    src.mkdir()
    (src / "wire.md").write_text(EMOJI_ARTICLE, encoding="utf-8")
    (src / "briefing.yaml").write_text("actors:\n  - name: Iran\n  - name: Israel\n", encoding="utf-8")
    out = tmp_path / "e.pdf"
    res = runner.invoke(cli, ["build", str(src), "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["pdf_standards"] == ["a-2b", "ua-1"] and summary["warnings"] == []
    assert _pdfa(out)
    text = pdf_text(out)
    assert contains(text, "LIVE: Gulf talks resume") and contains(text, "Muscat")
    assert not re.search("[\U0001F300-\U0001FAFF\u2705]", text)       # no pictograph, so no box
    assert "★" in text or "⚠" in text                                  # symbols the fonts draw stay
    # the briefing file keeps the article's words as written
    res = runner.invoke(cli, ["extract", str(src), "-o", str(tmp_path / "e.yaml"), "-q"])
    assert "🇴🇲" in (tmp_path / "e.yaml").read_text(encoding="utf-8")


def test_pictograph_table_spares_every_letter_and_what_the_fonts_draw(tmp_path):
    from briefing.glyphs import COVERED, MISSING, _pattern, drop_pictographs
    rx = re.compile(f"[{MISSING}]")
    for cp in range(0x110000):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "LMNZ" or cat in ("Pd", "Ps", "Pe", "Pi", "Pf", "Pc"):
            assert not rx.match(chr(cp)), f"U+{cp:04X} ({cat}) would be dropped"
    scripts = "Iran وإسرائيل ישראל Ιράν Иран ईरान ক্ষ इरान 伊朗 イラン 이란 ቱርክ ᏣᎳᎩ क्‍ष"
    assert drop_pictographs(scripts) == scripts
    assert drop_pictographs("📌 KEY FACTS: 1️⃣ Iran 🇮🇷 👨‍👩‍👧 said") == "KEY FACTS: 1 Iran said"
    # every kept emoji-set symbol really prints with the shipped fonts, PDF/A intact
    kept = "".join(ch for ch in map(chr, range(0x20, 0x30000)) if re.match(f"[{COVERED}]", ch))
    assert len(kept) > 100
    doc = extract([SEEDS], cache_dir=False)
    doc = copy.deepcopy(doc)
    doc["bluf"][0]["text"] = "Symbols: " + kept
    out = tmp_path / "sym.pdf"
    fig = render(doc, out, layout="executive")
    assert fig["standards"] == ["a-2b", "ua-1"] and fig["warnings"] == [] and _pdfa(out)
    assert _pattern()[1].search("📌")


# --- executive citation marks ---------------------------------------------------------------

def test_executive_marks_only_printed_sources(tmp_path):
    doc = copy.deepcopy(extract([SEEDS], cache_dir=False))
    # four more articles, each cited by the bottom line and the best-sourced positions:
    # more cited sources than the six notes the executive layout prints
    base = doc["articles"][0]
    for i in range(4):
        a = dict(base, id=f"extra-{i}", title=f"Extra report {i}", cites=[])
        doc["articles"].append(a)
        for b in doc["bluf"]:
            b["sources"] = list(b["sources"]) + [a["id"]]
        for actor in doc["actors"]:
            for p in actor["positions"][:2]:
                p["sources"] = list(p["sources"]) + [a["id"]]
    out = tmp_path / "ex.pdf"
    render(doc, out, layout="executive")
    text = pdf_text(out)
    body, notes = text.split("Source notes", 1)
    printed = set(re.findall(r"^\[(\d+)\]", notes, re.M))
    marks = set(re.findall(r"\[(\d+)\]", body))
    assert printed and len(printed) <= 6
    assert marks and marks <= printed, (marks, printed)
    assert "[+" not in body


# --- Arabic ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_doc():
    return extract([SEEDS], cache_dir=False)


def test_arabic_view_isolates_article_text_and_runs_time_right_to_left(seed_doc):
    from briefing.layouts import find_layout
    from briefing.render import present
    view = present(seed_doc, find_layout("executive"), "ar")
    tl = view["timeline"]["events"]
    assert tl[0]["x"] > tl[-1]["x"]                      # the earliest event on the right
    en = present(seed_doc, find_layout("executive"), "en")["timeline"]["events"]
    assert en[0]["x"] < en[-1]["x"]
    names = [n for s in view["sources"] for g in s["cites"] for n in g["names"]]
    assert names and all(n.startswith("\u2068") and n.endswith("\u2069") for n in names)
    assert "\u2068" not in json.dumps(present(seed_doc, find_layout("executive"), "fr"))


@pytest.mark.parametrize("layout", ["analyst", "executive", "mobile"])
def test_arabic_pages(seed_doc, tmp_path, layout):
    out = tmp_path / f"{layout}-ar.pdf"
    fig = render(seed_doc, out, layout=layout, locale="ar")
    assert fig["warnings"] == [] and fig["standards"] == ["a-2b", "ua-1"]
    reader = PdfReader(str(out))
    assert reader.metadata.title == seed_doc["title"]          # no isolate marks in the metadata
    pages = [p.extract_text() or "" for p in reader.pages]
    for i, t in enumerate(pages):
        # an English title never starts with its ellipsis
        assert not re.search(r"^\s*…\s*[A-Z]", t, re.M), (i, t[:300])
    if layout == "executive":
        # the timeline's caption is on the page of the timeline, never alone on the next one
        tl = [i for i, t in enumerate(pages) if "الرئيسية" in t]
        assert tl and "2025" in pages[tl[0]].split("الرئيسية", 1)[1]


# --- fast to start ----------------------------------------------------------------------------

WARM = """
import sys
from briefing.cli import main
try:
    main(sys.argv[1:])
except SystemExit as e:
    assert not e.code, e.code
print(sorted(m for m in sys.modules if m.startswith("briefing.extract") or m in ("briefing.assemble", "briefing.actors")))
"""


def test_warm_cache_build_imports_no_extractor(tmp_path):
    env = dict(os.environ, BRIEFING_CACHE_DIR=str(tmp_path / "cache"))
    cmd = [sys.executable, "-c", WARM, "build", str(SEEDS), "-o", str(tmp_path / "w.pdf"), "-q"]
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert cold.returncode == 0, cold.stderr
    assert "briefing.extract.dates" in cold.stdout              # the first run extracts
    warm = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.strip() == "[]", warm.stdout            # the second imports no extractor
    assert _pdfa(tmp_path / "w.pdf")


def test_one_font_book_per_process(seed_doc, tmp_path):
    from briefing import render as r
    r._fonts.cache_clear()
    for i, layout in enumerate(["executive", "mobile", "executive"]):
        render(seed_doc, tmp_path / f"{i}.pdf", layout=layout)
    info = r._fonts.cache_info()
    assert info.misses == 1 and info.hits == 2                 # scanned once, reused by every compile
