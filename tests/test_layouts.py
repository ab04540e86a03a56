"""Layouts per audience, languages, PDF standards, reproducibility: on real output."""
from __future__ import annotations

import re
import shutil

import pytest
import yaml
from pypdf import PdfReader

from briefing.api import extract, render
from briefing.cli import cli
from briefing.i18n import SHIPPED
from briefing.layouts import available_layouts

from .conftest import SEEDS, contains, pdf_text

BUILTIN = ["analyst", "executive", "mobile"]
# per locale: the title of the bottom line and a month-precision date as the locale writes it
EXPECT = {
    "en": ("Bottom line up front", "June 2025"),
    "fr": ("L'essentiel", "juin 2025"),
    "de": ("Das Wichtigste zuerst", "Juni 2025"),
    "es": ("Lo esencial", "junio de 2025"),
    "ar": ("الخلاصة أولاً", "يونيو 2025"),
}


@pytest.fixture(scope="module")
def seed_doc():
    return extract([SEEDS])


def test_builtin_layouts_are_listed():
    assert set(BUILTIN) <= set(available_layouts())


@pytest.mark.parametrize("locale", SHIPPED)
@pytest.mark.parametrize("layout", BUILTIN)
def test_every_layout_in_every_locale(seed_doc, tmp_path, layout, locale):
    out = tmp_path / f"{layout}-{locale}.pdf"
    fig = render(seed_doc, out, layout=layout, locale=locale)
    assert fig["warnings"] == []                        # Typst warnings are errors here
    assert fig["standards"] == ["a-2b", "ua-1"]
    raw = out.read_bytes()
    assert b"pdfaid:part" in raw and b"pdfuaid:part" in raw   # PDF/A and PDF/UA identification (XMP)
    text = pdf_text(out)
    title, month = EXPECT[locale]
    if locale == "ar":      # right-to-left text comes out of PDF extraction reordered: look for the words
        assert all(w in text for w in ("الخلاصة", "يونيو")), text[:500]
    else:
        assert contains(text, title)
        assert contains(text, month) or layout == "executive" and contains(text, month.split()[0])
    reader = PdfReader(str(out))
    assert reader.metadata.title == seed_doc["title"]
    assert "Gulf states" in reader.metadata["/Keywords"]
    if layout == "executive":
        assert len(reader.pages) <= 2
    if layout == "mobile":
        w = float(reader.pages[0].mediabox.width)
        assert abs(w - 105 / 25.4 * 72) < 1.0         # 105 mm wide, as it claims


def test_pdf_language_and_subject(seed_doc, tmp_path):
    out = tmp_path / "fr.pdf"
    render(seed_doc, out, layout="analyst", locale="fr")
    reader = PdfReader(str(out))
    assert reader.trailer["/Root"].get("/Lang") in ("fr", "fr-FR")
    assert "Israel" in reader.metadata.subject


def test_byte_identical_builds(seed_doc, tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render(seed_doc, a, layout="executive")
    render(seed_doc, b, layout="executive")
    assert a.read_bytes() == b.read_bytes()


def test_byte_identical_through_the_cli(runner, tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"{i}.pdf"
        assert runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "-q"]).exit_code == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_standards_can_be_turned_off(runner, tmp_path):
    out = tmp_path / "plain.pdf"
    res = runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "--pdf-standard", "none", "-q"])
    assert res.exit_code == 0, res.output
    assert b"pdfaid:part" not in out.read_bytes()


def test_png_pages(runner, tmp_path):
    out = tmp_path / "prev.png"
    res = runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "--layout", "executive", "--format", "png"])
    assert res.exit_code == 0, res.output
    pngs = sorted(tmp_path.glob("prev-*.png"))
    assert [p.name for p in pngs] == ["prev-1.png", "prev-2.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_svg_pages(runner, tmp_path):
    out = tmp_path / "m.svg"
    res = runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "--layout", "mobile", "--format", "svg", "-q"])
    assert res.exit_code == 0, res.output
    svgs = list(tmp_path.glob("m-*.svg"))
    assert len(svgs) >= 3 and b"<svg" in svgs[0].read_bytes()[:300]


def test_unknown_locale_lists_close_matches(runner, tmp_path):
    res = runner.invoke(cli, ["build", str(SEEDS), "-o", str(tmp_path / "x.pdf"), "--locale", "fr_ZZ"])
    assert res.exit_code != 0
    assert "unknown locale 'fr_ZZ'" in res.output and "did you mean fr" in res.output
    assert not (tmp_path / "x.pdf").exists()


def _project(tmp_path):
    dst = tmp_path / "proj"
    shutil.copytree(SEEDS, dst)
    return dst


def test_extends_overrides_and_inherits(runner, tmp_path):
    proj = _project(tmp_path)
    lay = proj / "layouts" / "amber"
    lay.mkdir(parents=True)
    (lay / "layout.yaml").write_text("name: amber\nextends: executive\ndescription: Amber edition\n"
                                     "marking: 'TLP:AMBER'\naccent: '#7a1f1f'\nsections: [bluf, glance]\n", encoding="utf-8")
    out = tmp_path / "amber.pdf"
    res = runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "amber", "-q"])
    assert res.exit_code == 0, res.output
    text = pdf_text(out)
    assert contains(text, "TLP:AMBER") and not contains(text, "TLP:CLEAR")   # overridden
    assert contains(text, "Positions at a glance")                # inherited main.typ and glance
    assert not contains(text, "Source notes")                     # sections overridden
    assert len(PdfReader(str(out)).pages) == 1


def test_project_layout_shadows_builtin(runner, tmp_path):
    proj = _project(tmp_path)
    lay = proj / "layouts" / "executive"
    shutil.copytree(SEEDS.parent / "layouts" / "executive", lay)
    cfg = yaml.safe_load((lay / "layout.yaml").read_text())
    cfg["sections"] = ["glance"]
    cfg["description"] = "our own executive"
    (lay / "layout.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    out = tmp_path / "x.pdf"
    assert runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "executive", "-q"]).exit_code == 0
    text = pdf_text(out)
    assert contains(text, "Positions at a glance") and not contains(text, "Bottom line up front")
    listing = runner.invoke(cli, ["layouts", "-p", str(proj)]).output
    assert re.search(r"executive\s+project\s+our own executive", listing)
    assert re.search(r"analyst\s+built-in", listing)


def test_layouts_new_scaffolds_a_copy(runner, tmp_path):
    proj = _project(tmp_path)
    res = runner.invoke(cli, ["layouts", "-p", str(proj), "new", "minister", "--from", "executive"])
    assert res.exit_code == 0, res.output
    folder = proj / "layouts" / "minister"
    assert (folder / "main.typ").is_file() and (folder / "layout.yaml").is_file()
    assert yaml.safe_load((folder / "layout.yaml").read_text())["name"] == "minister"
    out = tmp_path / "m.pdf"
    assert runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "minister", "-q"]).exit_code == 0
    assert len(PdfReader(str(out)).pages) <= 2
    again = runner.invoke(cli, ["layouts", "-p", str(proj), "new", "minister"])
    assert again.exit_code != 0 and "already exists" in again.output
    bad = runner.invoke(cli, ["layouts", "-p", str(proj), "new", "../evil"])
    assert bad.exit_code != 0 and "invalid layout name" in bad.output


def test_broken_layout_yaml_names_file_line_and_hint(runner, tmp_path):
    proj = _project(tmp_path)
    lay = proj / "layouts" / "odd"
    lay.mkdir(parents=True)
    (lay / "layout.yaml").write_text("name: odd\nextends: analyst\nsectoins: [bluf]\n", encoding="utf-8")
    res = runner.invoke(cli, ["build", str(proj), "-o", str(tmp_path / "o.pdf"), "--layout", "odd"])
    assert res.exit_code != 0
    assert "layout.yaml" in res.output and "line 3" in res.output and "did you mean sections" in res.output
    assert "Traceback" not in res.output


def test_logo_from_the_layout_folder(runner, tmp_path):
    proj = _project(tmp_path)
    lay = proj / "layouts" / "branded"
    lay.mkdir(parents=True)
    (lay / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                                  '<rect width="40" height="20" fill="#1f3a5f"/></svg>', encoding="utf-8")
    (lay / "layout.yaml").write_text("extends: executive\nlogo: logo.svg\n", encoding="utf-8")
    out = tmp_path / "b.pdf"
    res = runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "branded", "-q", "--pdf-standard", "none"])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 10_000
