"""Every user error: one clear line, exit status non-zero, no traceback, no output left behind."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.cli import cli

from .conftest import SEEDS


def _fails(res, *needles):
    assert res.exit_code != 0, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    for n in needles:
        assert n in res.output, res.output


def test_no_sources_found(runner, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(empty), "-o", str(out)]), "no articles found", str(empty))
    assert not out.exists()


def test_missing_source(runner, tmp_path):
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(tmp_path / "nope"), "-o", str(out)]), "no such file or folder")
    assert not out.exists()


def test_no_arguments_and_no_seeds_folder(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _fails(runner.invoke(cli, ["build"]), "no SOURCES given")
    assert not (tmp_path / "briefing.pdf").exists()


def test_unreadable_file(runner, tmp_path, monkeypatch):
    bad = tmp_path / "bad.txt"
    bad.write_text("Officials said the talks would resume.", encoding="utf-8")
    real = Path.read_bytes

    def deny(self):
        if self.name == "bad.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", deny)
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(bad), "-o", str(out)]), str(bad), "cannot read file (Permission denied)")
    assert not out.exists()


def test_unsupported_file_type(runner, tmp_path):
    f = tmp_path / "x.docx"
    f.write_bytes(b"PK")
    _fails(runner.invoke(cli, ["build", str(f), "-o", str(tmp_path / "o.pdf")]), "unsupported file type")


@pytest.mark.parametrize("front, needle", [
    ("---\ntitle: [unclosed\n---\n", "bad front matter"),
    ("---\ntitle: x\n", "no closing '---'"),
    ("---\npublished: last tuesday\n---\n", "published: expected a date"),
    ("---\n- a\n- b\n---\n", "expected 'key: value'"),
])
def test_bad_front_matter(runner, tmp_path, front, needle):
    f = tmp_path / "a.md"
    f.write_text(front + "Officials said the talks would resume.\n", encoding="utf-8")
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(f), "-o", str(out)]), str(f), needle)
    assert not out.exists()


def test_unknown_layout(runner, tmp_path):
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "--layout", "nosuch"]),
           "unknown layout 'nosuch'", "analyst")
    assert not out.exists()


def test_layout_path_escape_refused(runner, tmp_path):
    _fails(runner.invoke(cli, ["build", str(SEEDS), "-o", str(tmp_path / "o.pdf"), "--layout", "../analyst"]),
           "walks out")


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "15/02/2026"])
def test_bad_as_of(runner, tmp_path, value):
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "--as-of", value]), "--as-of", "YYYY-MM-DD")
    assert not out.exists()


def test_bad_project_file(runner, tmp_path, seeds_copy):
    (seeds_copy / "briefing.yaml").write_text("title: 5\nas_of: soon\nactors:\n  - aliases: [x]\n", encoding="utf-8")
    _fails(runner.invoke(cli, ["build", str(seeds_copy), "-o", str(tmp_path / "o.pdf")]),
           "briefing.yaml", "title: expected a non-empty string", "as_of: expected a date", "actors[0].name")


def test_typst_error_names_layout_file_and_line_and_keeps_old_output(runner, tmp_path, seeds_copy):
    lay = seeds_copy / "layouts" / "broken"
    lay.mkdir(parents=True)
    (lay / "layout.yaml").write_text("name: broken\n", encoding="utf-8")
    (lay / "main.typ").write_text("#let d = json(bytes(sys.inputs.data))\n\n#d.title\n#no-such-function(3)\n",
                                  encoding="utf-8")
    out = tmp_path / "o.pdf"
    out.write_bytes(b"%PDF-old")
    res = runner.invoke(cli, ["build", str(seeds_copy), "-o", str(out), "--layout", "broken"])
    _fails(res, "main.typ:4", "unknown variable")
    assert out.read_bytes() == b"%PDF-old"          # an existing file is left untouched
    assert not list(tmp_path.glob("*.part"))


def test_bad_layout_yaml_key(runner, tmp_path, seeds_copy):
    lay = seeds_copy / "layouts" / "odd"
    shutil.copytree(SEEDS.parent / "layouts" / "analyst", lay)
    (lay / "layout.yaml").write_text("name: odd\ncolour: red\n", encoding="utf-8")
    _fails(runner.invoke(cli, ["build", str(seeds_copy), "-o", str(tmp_path / "o.pdf"), "--layout", "odd"]),
           "layout.yaml", "unknown key colour")


def test_output_folder_missing(runner, tmp_path):
    _fails(runner.invoke(cli, ["build", str(SEEDS), "-o", str(tmp_path / "no" / "o.pdf")]), "does not exist")


def test_render_missing_and_broken_yaml(runner, tmp_path):
    _fails(runner.invoke(cli, ["render", str(tmp_path / "none.yaml")]), "no such briefing file")
    y = tmp_path / "b.yaml"
    y.write_text("schema: briefing/1\ntitle: [x\n", encoding="utf-8")
    _fails(runner.invoke(cli, ["render", str(y)]), "line", "not valid YAML")
    assert not (tmp_path / "b.pdf").exists()


def test_help_everywhere(runner):
    res = runner.invoke(cli, ["--help"])
    assert res.exit_code == 0 and "briefing build" in res.output
    for cmd in cli.commands:
        res = runner.invoke(cli, [cmd, "--help"])
        assert res.exit_code == 0, cmd
        assert "Examples" in res.output, cmd
        assert "--output" in res.output or cmd not in ("build", "extract", "render")
