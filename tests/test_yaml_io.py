"""YAML through libyaml (C) when available: the briefing/1 file is written byte for byte as the
pure-Python dumper wrote it, and read back to the same document, with the pure-Python path as
the fallback for what libyaml would write differently or cannot be trusted with."""
from __future__ import annotations

import io

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefing import model  # noqa: E402
from briefing.model import _Dumper, _Nodes, dump_yaml, load_briefing  # noqa: E402
from briefing.text import _c_can_load, safe_yaml  # noqa: E402

from .conftest import SEEDS  # noqa: E402

C = pytest.mark.skipif(model._CDumper is None, reason="PyYAML without libyaml")


def today(doc) -> str:
    """The dumper used before libyaml: PyYAML's pure-Python SafeDumper with `|` for text with
    line breaks."""
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def c_used(doc) -> bool:
    n = _Nodes(_Dumper(io.StringIO()))
    n.node(doc)
    return n.c_safe


@pytest.fixture(scope="module")
def seed_doc(tmp_path_factory):
    from briefing.api import extract
    return extract([SEEDS], cache_dir=False, workers=1)


@C
def test_the_seed_briefing_is_written_as_before_through_libyaml(seed_doc, tmp_path):
    assert c_used(seed_doc)
    text = dump_yaml(seed_doc)
    assert text == today(seed_doc) == dump_yaml(seed_doc, c=False)
    f = tmp_path / "b.yaml"
    f.write_text(text, encoding="utf-8")
    assert _c_can_load(text)
    assert load_briefing(f) == model.normalize(yaml.safe_load(text))


NEWS = st.sampled_from(["Ruritania", "said", "on", "Monday", "March", "3", "U.S.", "the", "“quoted”", "it’s", "#x",
                        "—", "ü", "ش", "中", "é", "\u00a0", "'", '"', ":", "- ", "? ", "*", "&", "!", "%", "@", "`",
                        "|", ">", "[", "]", "{", "}", ",", "#", "null", "true", "1.5", "2026-02-15", "0x1f", "\n",
                        "\n\n", " ", "  ", "\t", "\u2028", "\x85", "\ufeff", "😀", "\x07"])
TEXTS = st.one_of(st.text(max_size=60), st.lists(NEWS, max_size=80).map("".join),
                  st.lists(NEWS, max_size=40).map(" ".join))
SCALARS = st.one_of(TEXTS, st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False), st.dates().map(lambda d: d.isoformat()))
DOCS = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(TEXTS, inner, max_size=5)), max_leaves=30)


@C
@settings(max_examples=150, deadline=None)
@given(doc=st.dictionaries(st.sampled_from(["title", "summary", "quote", "sources", "x"]), DOCS, max_size=5))
def test_any_document_is_written_as_before(doc):
    assert dump_yaml(doc) == today(doc)


@C
@settings(max_examples=100, deadline=None)
@given(doc=st.dictionaries(st.sampled_from(["title", "summary", "quote", "sources", "x"]), DOCS, max_size=5))
def test_what_is_written_reads_back_the_same_by_either_loader(doc):
    text = dump_yaml(doc)
    assert safe_yaml(text) == yaml.safe_load(text)
    if c_used(doc):             # (PyYAML itself reads some escapes back otherwise, e.g. U+0085 as a space)
        assert safe_yaml(text) == doc


@C
def test_libyaml_is_used_for_ordinary_text_and_not_for_what_it_writes_differently():
    assert c_used({"quote": "Ruritania said on March 3: “we will”.\nSecond line.", "n": [1, 2.5, None, True]})
    for odd in ("emoji 😀", "tab\there", "line\u2028separator", "trailing space \nnext", "\x85", "bom\ufeff"):
        assert not c_used({"quote": odd}), odd
        assert dump_yaml({"quote": odd}) == today({"quote": odd})
