"""End to end on real output: the PDF written from the seeds, its text and metadata."""
from __future__ import annotations

import re
import subprocess
import sys

import yaml
from pypdf import PdfReader

from briefing.cli import cli

from .conftest import SEEDS, contains, pdf_text

BOILERPLATE = ["Leave a Reply", "Your email address will not be published", "Required fields are marked",
               "trump-supports-israeli-strikes-if-iran-talks-fail"]


def test_seed_pdf_has_every_section_and_actor(seed_build):
    res, pdf, text = seed_build
    assert pdf.read_bytes().startswith(b"%PDF-")
    for actor in ("Israel", "United States", "Iran", "Russia", "Gulf states"):
        assert actor in text
    for heading in ("Bottom line up front", "Positions by actor", "Chronology", "Source notes"):
        assert contains(text, heading), heading
    # dates from the chronology, formatted by precision
    assert contains(text, "June 13, 2025")
    assert contains(text, "October 17, 2025")
    assert contains(text, "December 2025")
    for b in BOILERPLATE:
        assert not contains(text, b), b
    # handling banner on every page, page numbers n / N
    reader = PdfReader(str(pdf))
    n = len(reader.pages)
    assert n >= 3
    for i, page in enumerate(reader.pages, 1):
        t = page.extract_text()
        assert "TLP:CLEAR" in t
        assert f"{i} / {n}" in t


def test_seed_summary_line(seed_build):
    res, pdf, _ = seed_build
    line = res.output.strip().splitlines()[-1]
    m = re.search(r"5 articles, 5 actors, (\d+) positions, (\d+) chronology entries, (\d+) sources, "
                  r"(\d+) pages, [\d.]+ (KB|MB), [\d.]+ s", line)
    assert m, line
    assert int(m.group(1)) > 10 and int(m.group(2)) >= 7 and int(m.group(4)) == len(PdfReader(str(pdf)).pages)


def test_pdf_metadata(seed_build):
    _, pdf, _ = seed_build
    meta = PdfReader(str(pdf)).metadata
    project = yaml.safe_load((SEEDS / "briefing.yaml").read_text())
    assert meta.title == project["title"]
    assert meta.author == project["organisation"]
    for actor in ("Israel", "Gulf states"):
        assert actor in meta["/Keywords"]


def test_pdf_has_bookmarks_and_links(seed_build):
    _, pdf, _ = seed_build
    reader = PdfReader(str(pdf))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert any("Chronology" in t for t in titles)
    annots = [a for p in reader.pages for a in (p.get("/Annots") or [])]
    assert annots, "citation marks should be links to the source notes"


def test_source_notes_say_unknown_outlet_and_undated(seed_build):
    _, _, text = seed_build
    assert "unknown outlet" in text
    assert "undated" in text
    assert contains(text, "NBC News")


def test_build_without_arguments_uses_seeds(tmp_path, runner, monkeypatch):
    import shutil
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(cli, ["build"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "briefing.pdf").stat().st_size > 10_000
    assert "briefing.pdf: 5 articles" in res.output


def test_python_dash_m_works(tmp_path):
    out = tmp_path / "m.pdf"
    r = subprocess.run([sys.executable, "-m", "briefing", "build", str(SEEDS), "-o", str(out), "-q"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 10_000


def test_actor_without_positions_says_so(tmp_path, runner, seeds_copy):
    cfg = yaml.safe_load((seeds_copy / "briefing.yaml").read_text())
    cfg["actors"].append({"name": "Atlantis", "aliases": ["Atlantean"]})
    (seeds_copy / "briefing.yaml").write_text(yaml.safe_dump(cfg))
    out = tmp_path / "a.pdf"
    res = runner.invoke(cli, ["build", str(seeds_copy), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    text = pdf_text(out)
    i = text.index("Atlantis")
    assert contains(text[i:i + 200], "No stated position in the sources")
