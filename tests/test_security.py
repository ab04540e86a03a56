"""Nothing the tool reads runs code or leaks files (issue #13): the cache, `cache clear`, layouts
that link out or reach for the network, YAML bombs, outputs that are not regular files, hand-edited
briefing files with malformed fields, and oversized articles. Each case as the user or the
attacker meets it: through the CLI, on real files, reading the real PDF."""
from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
import yaml

from briefing.cli import cli

from .conftest import SEEDS, pdf_text

GOOD = "Ruritania said on March 3 that it would reopen the border, officials said.\n"


def _fails(res, *needles):
    assert res.exit_code != 0, res.output
    assert "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    for n in needles:
        assert n in res.output, res.output
    return res


def _ok(res):
    assert res.exit_code == 0, res.output
    return res


def _private(d: Path) -> Path:
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    return d


# ---------------------------------------------------------------- the cache


class _Plant:
    """A pickle payload that, if ever unpickled, creates the marker file."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_cache_entry_never_runs_code(runner, tmp_path):
    from briefing.cache import DB_NAME
    from briefing.pipeline import file_key
    cache = _private(tmp_path / "cache")
    marker = tmp_path / "PWNED"
    evil = pickle.dumps(_Plant(marker))
    # the old cache layout: analysis/ab/<key>.pkl, keys computable by anyone who has the articles
    for f in sorted(SEEDS.glob("*.txt")):
        k = file_key(f, f.read_bytes())
        (cache / "analysis" / k[:2]).mkdir(parents=True, exist_ok=True)
        (cache / "analysis" / k[:2] / f"{k}.pkl").write_bytes(evil)
    out = tmp_path / "o.yaml"
    _ok(runner.invoke(cli, ["extract", str(SEEDS), "-o", str(out), "--cache-dir", str(cache), "-q"]))
    assert not marker.exists()
    # entries in the new store overwritten with a pickle, and with JSON naming classes outside
    # the package: all misses, nothing runs, the result is the fresh one
    con = sqlite3.connect(cache / DB_NAME)
    rows = con.execute("SELECT stage, key FROM entries").fetchall()
    assert rows
    hostile = [zlib.compress(evil), evil,
               zlib.compress(b'{"$":"dc:os:system","command":"touch ' + str(marker).encode() + b'"}'),
               zlib.compress(b'{"$":"dc:subprocess:Popen","args":["touch","' + str(marker).encode() + b'"]}'),
               zlib.compress(b'{"$":"dc:briefing.__main__:x"}'), zlib.compress(b"[" * 100_000)]
    with con:
        for i, (stage, key) in enumerate(rows):
            con.execute("UPDATE entries SET value = ? WHERE stage = ? AND key = ?", (hostile[i % len(hostile)], stage, key))
    con.close()
    out2 = tmp_path / "o2.yaml"
    _ok(runner.invoke(cli, ["extract", str(SEEDS), "-o", str(out2), "--cache-dir", str(cache), "-q"]))
    assert not marker.exists()
    assert out2.read_bytes() == out.read_bytes()


def test_cache_folder_writable_by_others_is_refused(runner, tmp_path):
    cache = _private(tmp_path / "shared")
    os.chmod(cache, 0o777)
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "--cache-dir", str(cache)]),
           str(cache), "writable by other users", "--no-cache")
    assert not out.exists()
    assert list(cache.iterdir()) == []           # nothing written there either


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_cache_folder_of_another_user_is_refused(runner, tmp_path):
    cache = _private(tmp_path / "theirs")
    os.chown(cache, 65534, 65534)
    out = tmp_path / "o.pdf"
    _fails(runner.invoke(cli, ["build", str(SEEDS), "-o", str(out), "--cache-dir", str(cache)]),
           "owned by another user")
    assert not out.exists()


def test_a_damaged_cache_is_a_miss_and_a_foreign_file_is_left_alone(runner, tmp_path):
    from briefing.cache import DB_NAME
    fresh = tmp_path / "fresh.yaml"
    _ok(runner.invoke(cli, ["extract", str(SEEDS), "-o", str(fresh), "--no-cache", "-q"]))
    cache = _private(tmp_path / "cache")
    (cache / DB_NAME).write_bytes(b"not a database, the user's own file\n" * 10)
    os.chmod(cache / DB_NAME, 0o600)
    out = tmp_path / "o.yaml"
    res = _ok(runner.invoke(cli, ["extract", str(SEEDS), "-o", str(out), "--cache-dir", str(cache)]))
    assert "not a briefing cache" in res.output
    assert (cache / DB_NAME).read_bytes().startswith(b"not a database")
    assert out.read_bytes() == fresh.read_bytes()


def test_cached_results_are_the_fresh_results(runner, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from corpus import write_corpus
    src = write_corpus(tmp_path / "in", 40)
    cache = _private(tmp_path / "cache")
    for as_of in ("2026-02-15", "2026-03-01"):
        fresh, cold, warm = (tmp_path / f"{n}-{as_of}.yaml" for n in ("fresh", "cold", "warm"))
        _ok(runner.invoke(cli, ["extract", str(src), "-o", str(fresh), "--no-cache", "-q", "--as-of", as_of]))
        _ok(runner.invoke(cli, ["extract", str(src), "-o", str(cold), "--cache-dir", str(cache), "-q", "--as-of", as_of]))
        res = _ok(runner.invoke(cli, ["extract", str(src), "-o", str(warm), "--cache-dir", str(cache), "--as-of", as_of,
                                      "--json"]))
        import json
        assert json.loads(res.output.strip().splitlines()[-1])["cache"]["hits"] >= 40   # every article from the cache
        assert fresh.read_bytes() == cold.read_bytes() == warm.read_bytes()


def test_concurrent_builds_share_one_cache(tmp_path):
    cache = _private(tmp_path / "cache")
    outs = [tmp_path / f"o{i}.yaml" for i in range(3)]
    procs = [subprocess.Popen([sys.executable, "-m", "briefing", "extract", str(SEEDS), "-o", str(o), "-q",
                               "--cache-dir", str(cache)], stderr=subprocess.PIPE) for o in outs]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert outs[0].read_bytes() == outs[1].read_bytes() == outs[2].read_bytes()
    assert [f.name for f in cache.iterdir()] == ["briefing-cache.sqlite3"]


def test_cache_clear_removes_only_what_briefing_wrote(runner, tmp_path):
    cache = _private(tmp_path / "cache")
    (cache / "notes.txt").write_text("mine, keep me\n", encoding="utf-8")
    (cache / "project").mkdir()
    (cache / "project" / "draft.md").write_text("keep me too\n", encoding="utf-8")
    (cache / "analysis").mkdir()
    (cache / "analysis" / "README").write_text("not an entry\n", encoding="utf-8")
    legacy = cache / "positions" / "ab" / ("ab" + "0" * 62 + ".pkl")
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"old pickle entry")
    # 5 analyses, 5 positions, the set and its written file
    _ok(runner.invoke(cli, ["extract", str(SEEDS), "-o", str(tmp_path / "o.yaml"), "--cache-dir", str(cache), "-q"]))
    info = _ok(runner.invoke(cli, ["cache", "info", "--cache-dir", str(cache)])).output
    assert "12 entries" in info and "1 entries of the old pickle cache" in info
    res = _ok(runner.invoke(cli, ["cache", "clear", "--cache-dir", str(cache)]))
    assert "removed 12 entries" in res.output and "1 old-format entries" in res.output, res.output
    assert "briefing-cache.sqlite3" in res.output and "notes.txt" in res.output
    assert (cache / "notes.txt").read_text(encoding="utf-8") == "mine, keep me\n"
    assert (cache / "project" / "draft.md").is_file() and (cache / "analysis" / "README").is_file()
    assert not legacy.exists() and not (cache / "positions").exists()
    assert not (cache / "briefing-cache.sqlite3").exists()
    res = _ok(runner.invoke(cli, ["cache", "clear", "--cache-dir", str(cache)]))
    assert "removed 0 entries" in res.output


# ---------------------------------------------------------------- layouts


def _project_with_layout(tmp_path: Path, name: str, yaml_text: str, main: str | None = None) -> tuple[Path, Path]:
    proj = tmp_path / "proj"
    shutil.copytree(SEEDS, proj)
    lay = proj / "layouts" / name
    lay.mkdir(parents=True)
    (lay / "layout.yaml").write_text(yaml_text, encoding="utf-8")
    if main is not None:
        (lay / "main.typ").write_text(main, encoding="utf-8")
    return proj, lay


def test_a_layout_cannot_read_through_a_linked_sub_folder(runner, tmp_path):
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "passwd.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="20">'
                                       '<text x="0" y="15">SECRET-MARKER-9731</text></svg>', encoding="utf-8")
    proj, lay = _project_with_layout(tmp_path, "sneaky", "extends: analyst\nlogo: sub/passwd.svg\n")
    os.symlink(secret, lay / "sub")
    out = tmp_path / "o.pdf"
    res = _fails(runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "sneaky"]),
                 "outside the layout folder", "sub/passwd.svg")
    assert not out.exists() and "SECRET-MARKER" not in res.output
    # the same logo copied in is fine, and printed
    os.unlink(lay / "sub")
    (lay / "sub").mkdir()
    shutil.copy(secret / "passwd.svg", lay / "sub" / "passwd.svg")
    _ok(runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "sneaky", "-q"]))
    assert "SECRET-MARKER-9731" in pdf_text(out)


def test_a_fonts_link_to_the_root_is_refused_at_once(runner, tmp_path):
    proj, lay = _project_with_layout(tmp_path, "fonty", "extends: analyst\n")
    os.symlink("/", lay / "fonts")
    out = tmp_path / "o.pdf"
    t = time.perf_counter()
    _fails(runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "fonty"]),
           "fonts", "outside the layout folder")
    assert time.perf_counter() - t < 10 and not out.exists()
    # a link deeper inside a real fonts folder is refused too
    os.unlink(lay / "fonts")
    (lay / "fonts").mkdir()
    os.symlink("/usr", lay / "fonts" / "more")
    _fails(runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "fonty"]), "fonts/more")


@pytest.mark.parametrize("typ", [
    '#import "@preview/cetz:0.3.4": canvas\nHello\n',
    '#let spec = "@pre" + "view/cetz:0.3.4"\n#import spec: canvas\nHello\n',
])
def test_a_layout_importing_a_network_package_is_refused(runner, tmp_path, typ):
    proj, lay = _project_with_layout(tmp_path, "netty", "name: netty\n", typ)
    out = tmp_path / "o.pdf"
    t = time.perf_counter()
    _fails(runner.invoke(cli, ["build", str(proj), "-o", str(out), "--layout", "netty"]),
           "main.typ", "never uses the network")
    assert time.perf_counter() - t < 20 and not out.exists()


# ---------------------------------------------------------------- YAML bombs and deep nesting

BOMB = "".join(f"{x}: &{x} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
               for p, x in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh"))


def _briefing_file(tmp_path: Path, text: str, name: str = "b.yaml") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def seed_yaml(tmp_path_factory) -> str:
    from click.testing import CliRunner
    out = tmp_path_factory.mktemp("seedyaml") / "seeds.yaml"
    _ok(CliRunner().invoke(cli, ["extract", str(SEEDS), "-o", str(out), "-q", "--no-cache"]))
    return out.read_text(encoding="utf-8")


def test_alias_bomb_in_a_briefing_file(runner, tmp_path, seed_yaml):
    f = _briefing_file(tmp_path, seed_yaml.replace("generator:", BOMB + "bomb: *h\ngenerator:", 1))
    t = time.perf_counter()
    _fails(runner.invoke(cli, ["render", str(f), "-o", str(tmp_path / "o.pdf")]), str(f), "aliases")
    assert time.perf_counter() - t < 5


def test_alias_bomb_in_a_layout_file(runner, tmp_path):
    proj, lay = _project_with_layout(tmp_path, "bomb", BOMB + "extends: analyst\ndescription: *h\n")
    t = time.perf_counter()
    _fails(runner.invoke(cli, ["build", str(proj), "-o", str(tmp_path / "o.pdf"), "--layout", "bomb"]),
           "layout.yaml", "aliases")
    assert time.perf_counter() - t < 10


def test_alias_bomb_in_a_distribution_file(runner, tmp_path):
    f = _briefing_file(tmp_path, BOMB + "from: *h\n", "lists.yaml")
    t = time.perf_counter()
    _fails(runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(f), "--dry-run"]), "lists.yaml", "aliases")
    assert time.perf_counter() - t < 10


@pytest.mark.parametrize("depth", [900, 200_000])
def test_deep_nesting_is_refused_not_a_crash(tmp_path, seed_yaml, depth):
    # in a child process: libyaml on deep nesting would overflow the C stack and kill it
    f = _briefing_file(tmp_path, seed_yaml + "extra: " + "[" * depth + "]" * depth + "\n")
    r = subprocess.run([sys.executable, "-m", "briefing", "render", str(f), "-o", str(tmp_path / "o.pdf")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert "nested more than" in r.stderr and str(f) in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- hand-edited briefing files


@pytest.mark.parametrize("edit, message", [
    (("marking: TLP:CLEAR", "marking: 5"), "marking: expected text or null, got 5"),
    (("organisation: Briefing Desk (demo)", "organisation: [a, b]"), "organisation: expected text or null"),
    (("as_of: '2026-02-15'", "as_of: 2026-02-15 10:00:00"), "as_of: not a date (YYYY-MM-DD): '2026-02-15 10:00:00'"),
    (("as_of: '2026-02-15'", "as_of: 2026-02-30"), "as_of: not a date (YYYY-MM-DD): '2026-02-30'"),
    (("marking: TLP:CLEAR", "marking: !!binary aGVsbG8="), "binary data (!!binary) is not allowed"),
    (("marking: TLP:CLEAR", "marking: !!int abc"), "invalid value"),
    (("marking: TLP:CLEAR", "marking: !!set {a, b}"), "marking: set is not allowed here"),
    (("marking: TLP:CLEAR", "marking: TLP:CLEAR\n? [a, b]\n: c"), "unhashable key"),
    (("\n  sourcing: ", "\n  sourcing: [1]\n  xsourcing: "), "chronology[0].sourcing: expected text or null"),
    (("      articles: 1", "      articles: many"), ".corroboration.articles: expected a whole number, got 'many'"),
    (("\n    outlets: []", "\n    outlets: [[1]]"), "chronology[0].credits.outlets: expected a list of names"),
])
def test_malformed_fields_are_messages_with_their_path(runner, tmp_path, seed_yaml, edit, message):
    old, new = edit
    assert old in seed_yaml
    f = _briefing_file(tmp_path, seed_yaml.replace(old, new, 1))
    out = tmp_path / "o.pdf"
    res = _fails(runner.invoke(cli, ["render", str(f), "-o", str(out)]), str(f), message)
    assert not out.exists()
    assert res.output.count("Error") == 1


def test_render_never_overwrites_its_input(runner, tmp_path, seed_yaml):
    f = _briefing_file(tmp_path, seed_yaml, "brief.pdf")
    _fails(runner.invoke(cli, ["render", str(f)]), "is the input", "-o")
    assert f.read_text(encoding="utf-8") == seed_yaml
    g = _briefing_file(tmp_path, seed_yaml, "brief.yaml")
    # refused before anything is written (a .yaml output is not a format render writes)
    _fails(runner.invoke(cli, ["render", str(g), "-o", str(g)]), "cannot write .yaml")
    assert g.read_text(encoding="utf-8") == seed_yaml


# ---------------------------------------------------------------- outputs


def _null_device(tmp_path: Path) -> str:
    """A character device to aim at: as root a private copy of /dev/null (so that a regression
    replaces that one, never the system's), else /dev/null itself (which only root can replace)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        dev = tmp_path / "null"
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return str(dev)
    return "/dev/null"


def test_outputs_are_written_only_to_regular_files(runner, tmp_path, seed_yaml):
    f = _briefing_file(tmp_path, seed_yaml)
    dev = _null_device(tmp_path)
    before = os.stat(dev)
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    link = tmp_path / "link.pdf"
    os.symlink(dev, link)
    for out, kind in ((dev, "a device"), (fifo, "a pipe"), (link, "a device")):
        _fails(runner.invoke(cli, ["render", str(f), "-o", str(out)]), str(out), kind, "not a regular file")
    _fails(runner.invoke(cli, ["build", str(SEEDS), "-o", dev]), "a device")
    _fails(runner.invoke(cli, ["extract", str(SEEDS), "-o", dev, "-q"]), "a device")
    after = os.stat(dev)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and os.path.islink(link)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "null") == ["b.yaml", "fifo.pdf", "link.pdf"]


# ---------------------------------------------------------------- size limits


def test_an_article_over_the_size_limit_is_skipped_with_a_warning(runner, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    big = src / "big.txt"
    big.write_text(GOOD * 110_000, encoding="utf-8")          # 8.3 MB
    out = tmp_path / "o.yaml"
    t = time.perf_counter()
    res = _ok(runner.invoke(cli, ["extract", str(src), "-o", str(out), "--no-cache"]))
    assert time.perf_counter() - t < 10
    assert f"{big}: 7.9 MB, over the 5 MB limit for an article; skipped (--max-article-mb" in res.output
    assert [a["id"] for a in yaml.safe_load(out.read_text(encoding="utf-8"))["articles"]] == ["a"]
    # a lower limit skips a smaller file; every file skipped is an error
    _fails(runner.invoke(cli, ["extract", str(big), "-o", str(out), "--no-cache", "--max-article-mb", "1"]),
           "over the 1 MB limit", "no articles to read")


def test_a_long_paragraph_splits_in_linear_time():
    from briefing.text import split_sentences
    para = " ".join(f"Mr. Smith said the U.S. plan No. {i} was fine. It was." for i in range(20_000))   # 1.1 MB
    t = time.perf_counter()
    assert len(split_sentences(para)) == 40_000
    assert time.perf_counter() - t < 10                  # was over 300 s (each sentence end copied the text before it)
