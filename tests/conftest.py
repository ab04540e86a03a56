"""Shared fixtures: the repository's paths, a CLI runner, and helpers that read real PDFs."""
from __future__ import annotations

import os
import re
import tempfile
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

# every test run (and the processes it starts) gets a cache of its own: results never depend on
# what an earlier run, or the developer's own builds, left in ~/.cache/briefing
os.environ["BRIEFING_CACHE_DIR"] = tempfile.mkdtemp(prefix="briefing-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


def squash(s: str) -> str:
    """Compare text across line breaks and hyphenation: drop whitespace, hyphens, soft hyphens."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", s)


def contains(haystack: str, needle: str) -> bool:
    return squash(needle) in squash(haystack)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def seeds_copy(tmp_path):
    """A copy of the demo project, so tests can add files next to it."""
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The seed briefing built once through the CLI: (result, pdf path, text)."""
    from briefing.cli import cli
    out = tmp_path_factory.mktemp("seedbuild") / "seeds.pdf"
    res = CliRunner().invoke(cli, ["build", str(SEEDS), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return res, out, pdf_text(out)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests use their own cache folder, never the user's."""
    import os
    old = os.environ.get("BRIEFING_CACHE_DIR")
    os.environ["BRIEFING_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("BRIEFING_CACHE_DIR", None)
    else:
        os.environ["BRIEFING_CACHE_DIR"] = old
