"""A very large set is bounded: each item lists a few sources with their sentences and counts
them all, each actor keeps its best claims, the chronology its best events per day and in all,
and the articles list only those an item cites; what is left out is counted in ``omitted``.
Checked against the same set built without bounds: the counts are exact, every listed source
is one the unbounded build found (no corroboration is invented), nothing unbounded changes."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from briefing import api, assemble
from briefing.extract import chronology
from briefing.model import validate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpus import write_corpus  # noqa: E402


def _build(src: Path, monkeypatch, **caps) -> dict:
    with monkeypatch.context() as m:
        for name, v in caps.items():
            m.setattr(chronology if name == "SUPPORT_CAP" else assemble, name, v)
        return api.extract([src], cache_dir=False, workers=1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("bounded"), 80)


@pytest.fixture(scope="module")
def builds(corpus):
    mp = pytest.MonkeyPatch()
    try:
        whole = _build(corpus, mp, SUPPORT_CAP=10**6, POSITIONS_CAP=10**6, DAY_CAP=10**6, CHRONOLOGY_CAP=10**6,
                       UNDATED_CAP=10**6, AHEAD_CAP=10**6, ARTICLES_CAP=10**6)
        small = _build(corpus, mp, SUPPORT_CAP=3, POSITIONS_CAP=4, DAY_CAP=1, CHRONOLOGY_CAP=12, UNDATED_CAP=2,
                       ARTICLES_CAP=10)
    finally:
        mp.undo()
    return whole, small


def test_unbounded_build_has_nothing_left_out(builds):
    whole, _ = builds
    assert "omitted" not in whole
    for a in whole["actors"]:
        for p in a["positions"]:
            assert p["corroboration"]["articles"] == len(p["sources"]) == len(p["support"])


def test_bounded_build_is_a_valid_briefing(builds):
    _, small = builds
    assert validate(small) == []
    ids = {a["id"] for a in small["articles"]}
    for a in small["actors"]:
        assert len(a["positions"]) <= 4
        for p in a["positions"]:
            assert len(p["support"]) <= 3
            assert p["sources"] == [s["article"] for s in p["support"]]     # sources are what support shows
            assert set(p["sources"]) <= ids
    for e in small["chronology"]:
        assert len(e["support"]) <= 3 and set(e["sources"]) <= ids


def test_counts_are_exact_and_sources_real(builds):
    whole, small = builds
    full = {p["id"]: p for a in whole["actors"] for p in a["positions"]}
    capped_any = False
    for a in small["actors"]:
        for p in a["positions"]:
            w = full[p["id"]]
            assert p["corroboration"] == w["corroboration"]
            listed = {(s["article"], s["quote"]) for s in w["support"]}
            assert {(s["article"], s["quote"]) for s in p["support"]} <= listed
            capped_any |= p["corroboration"]["articles"] > len(p["sources"])
            # a capped item still names how many articles carry it, not how many are listed
            n = p["corroboration"]["articles"]
            assert f"{n} article" in p["sourcing"]
    assert capped_any, "the corpus should give some claim more than 3 sources"
    events = {e["id"]: e for e in whole["chronology"]}
    for e in small["chronology"]:
        w = events[e["id"]]
        assert e["corroboration"] == w["corroboration"]
        assert {(s["article"], s["quote"]) for s in e["support"]} <= {(s["article"], s["quote"]) for s in w["support"]}


def test_what_is_left_out_is_counted(builds):
    whole, small = builds
    om = small["omitted"]
    for a, b in zip(whole["actors"], small["actors"]):
        assert len(a["positions"]) - len(b["positions"]) == (om.get("positions") or {}).get(a["name"], 0)
    assert len(whole["chronology"]) - len(small["chronology"]) == om["chronology"]
    assert len(small["chronology"]) <= 12 + 2
    days = [e["date"] for e in small["chronology"] if e.get("date")]
    assert len(days) == len(set(days))                                    # one event a day
    assert len(whole["articles"]) - len(small["articles"]) == om["articles"]
    # the kept events are in date order, as unbounded
    assert days == sorted(days)


@pytest.mark.parametrize("name", ["horn", "korea"])
def test_default_bounds_leave_a_news_set_whole(name, monkeypatch):
    src = Path(__file__).parent / "fixtures" / name
    doc = api.extract([src], cache_dir=False, workers=1)
    assert "omitted" not in doc
    assert doc == _build(src, monkeypatch, SUPPORT_CAP=10**6, POSITIONS_CAP=10**6, DAY_CAP=10**6,
                         CHRONOLOGY_CAP=10**6, UNDATED_CAP=10**6, AHEAD_CAP=10**6, ARTICLES_CAP=10**6)


def test_bounded_briefing_tells_the_reader(builds, tmp_path):
    from .conftest import pdf_text, squash
    _, small = builds
    out = tmp_path / "b.pdf"
    api.render(small, out, layout="analyst")
    text = squash(pdf_text(out))
    # what the file leaves out is never said to be in the file
    n = small["omitted"]["chronology"]
    assert squash(f"{n} more counted, not listed") in text
    assert squash(f"{n} more entries in the briefing file") not in text
    assert squash(f"{small['omitted']['articles']} more counted, not listed") in text
    # the cover counts every article read, not only those listed
    assert squash(f"{len(small['articles']) + small['omitted']['articles']} articles") in text


@pytest.mark.parametrize("bad, msg", [
    ("many", "omitted: expected a mapping"),
    ({"chronology": -1}, "omitted.chronology: expected a count"),
    ({"positions": {"X": "a"}}, "omitted.positions: expected a mapping"),
    ({"everything": 3}, "omitted.everything: unknown"),
])
def test_hand_edited_omitted_is_checked(builds, bad, msg):
    _, small = builds
    doc = dict(small, omitted=bad)
    assert any(msg in p for p in validate(doc))


def test_packed_lists_read_like_lists_and_cache_as_plain_data(tmp_path):
    import pickle
    from briefing import cache as cache_mod
    from briefing.articles import Packed, load_article, pack
    f = tmp_path / "a.txt"
    f.write_text("GENEVA (Reuters) - Ruritania said on Monday it would talk. Elbonia refused.\n", encoding="utf-8")
    art = load_article(f)
    plain = list(art.sentences)
    pack(art)
    assert isinstance(art.sentences, Packed)
    assert len(art.sentences) == len(plain) and list(art.sentences) == plain
    assert art.sentences[-1] == plain[-1] and art.sentences == plain
    # sent to a worker compressed, read back the same
    again = pickle.loads(pickle.dumps(art))
    assert list(again.sentences) == plain
    # the cache stores the list as plain data (never a pickle), and gives a list back
    back = cache_mod.loads(cache_mod.dumps(art))
    assert isinstance(back.sentences, list) and back.sentences == plain
    import json
    import zlib
    raw = zlib.decompress(cache_mod.dumps(art))
    assert b"Packed" not in raw and isinstance(json.loads(raw)["sentences"], list)


def _mention(article: str, quote: str, date: str | None = "2026-02-10", n: int = 0) -> dict:
    return {"date": date, "precision": "day" if date else None, "year_inferred": False, "span": "on Tuesday",
            "summary": quote, "event": quote, "sources": [article], "flags": [] if date else ["undated"],
            "inferred": None, "basis": None, "quote": quote, "_actors": [], "_anaphoric": False,
            "_scheduled": False, "_order": (article, n, 0)}


WORDS = ["harbour", "tanker", "convoy", "summit", "ceasefire", "embargo", "airport", "border", "reactor", "pipeline",
         "election", "blockade", "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
         "uniform", "victor", "whiskey", "xray"]


def _quote(i: int) -> str:
    """A sentence sharing no content word with any other's."""
    return f"{WORDS[3 * i].title()} {WORDS[3 * i + 1]} {WORDS[3 * i + 2]}."


def test_a_crowded_date_keeps_its_best_sourced_events_and_counts_the_rest():
    m = chronology.EventMerger(group_keep=2, undated_keep=3)
    for i in range(12):                           # twelve different events on one date, one article each
        m.add(_mention(f"a{i:02d}", _quote(i)))
        if i == 1:
            for k in range(3):                    # the second one is carried by three more articles
                m.add(_mention(f"b{k}", _quote(1)))
    for i in range(8):                            # undated mentions: the first ones are kept
        m.add(_mention(f"u{i}", _quote(i), date=None, n=i))
    kept = m.result()
    dated = [e for e in kept if e["date"]]
    assert len(dated) <= 4 and m.evicted == 12 + 8 - len(kept)
    best = [e for e in dated if e["quote"] == _quote(1)]
    assert best and len(best[0]["sources"]) == 4          # counted whole: it was never let go
    assert [e["sources"][0] for e in kept if not e["date"]] == ["u0", "u1", "u2"]
