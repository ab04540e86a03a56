"""Property tests (hypothesis): arbitrary text never crashes ingest and extraction; every date
is valid at its precision; any valid briefing/1 document renders."""
from __future__ import annotations

import datetime as dt
import re

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefing.articles import load_article  # noqa: E402
from briefing.assemble import assemble  # noqa: E402
from briefing.config import Actor, Project  # noqa: E402
from briefing.errors import BriefingError  # noqa: E402
from briefing.model import validate  # noqa: E402

WORDS = st.sampled_from(["Ruritania", "said", "on", "Monday", "March", "3", "2025", "U.S.", "Dr.", "the", "may",
                         "according", "to", "Reuters", "citing", "officials", "“quoted”", "#set", "$x$", "\n", "\n\n",
                         "- ", "---", ":", "13", "June", "last", "week", "ago", "two", "days", "—", "ü", "ش", "."])
TEXT = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=120).map(" ".join))
DATE_RX = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, published=st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))))
@example(text="Monday:", published=None)          # once gave an event with an empty summary
@example(text="On June 13.", published=None)
def test_arbitrary_text_through_ingest_and_extract(tmp_path, text, published):
    f = tmp_path / "a.md"
    front = f"---\npublished: {published.isoformat()}\n---\n" if published else ""
    f.write_text(front + text, encoding="utf-8", errors="surrogatepass") if "\ud800" not in text else None
    if not f.exists():
        return
    try:
        art = load_article(f)
    except BriefingError:
        return                                  # the tool's own error: fine
    doc = assemble([art], Project(actors=[Actor("Ruritania", ["Ruritanian"])], as_of=dt.date(2026, 2, 15)))
    assert validate(doc) == []
    for e in doc["chronology"]:
        if e["date"] is not None:
            assert re.fullmatch(DATE_RX[e["precision"]], e["date"]), e
            parts = [int(x) for x in e["date"].split("-")]
            dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


SAFE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(lambda s: s.strip())


@st.composite
def briefings(draw):
    n = draw(st.integers(1, 3))
    ids = [f"a{i}" for i in range(n)]
    arts = [{"id": i, "title": draw(SAFE), "outlet": draw(st.one_of(st.none(), SAFE)),
             "published": draw(st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)).map(str))),
             "cites": [{"name": draw(SAFE), "kind": draw(st.sampled_from(["outlet", "official", "anonymous", "other"]))}
                       for _ in range(draw(st.integers(0, 2)))]} for i in ids]
    actors = [{"name": draw(SAFE), "positions": [
        {"summary": draw(SAFE), "quote": draw(SAFE), "sources": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))}
        for _ in range(draw(st.integers(0, 2)))]} for _ in range(draw(st.integers(0, 3)))]
    chron = []
    for _ in range(draw(st.integers(0, 3))):
        prec = draw(st.sampled_from(["day", "month", "year"]))
        d = draw(st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31))))
        date = None if d is None else {"day": d.isoformat(), "month": d.isoformat()[:7], "year": d.isoformat()[:4]}[prec]
        chron.append({"date": date, "precision": prec, "year_inferred": draw(st.booleans()), "span": draw(SAFE),
                      "summary": draw(SAFE), "sources": [draw(st.sampled_from(ids))],
                      "flags": draw(st.sampled_from([[], ["anomaly"]]))})
    return {"schema": "briefing/1", "title": draw(SAFE), "as_of": draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)).map(str)),
            "articles": arts, "actors": actors, "chronology": chron,
            "bluf": [{"text": draw(SAFE), "sources": [ids[0]]}]}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=briefings(), layout=st.sampled_from(["analyst", "executive", "mobile"]))
def test_any_valid_briefing_renders(tmp_path, doc, layout):
    from briefing.api import render
    from briefing.model import dump_yaml, load_briefing
    assert validate(doc) == []
    y = tmp_path / "b.yaml"
    y.write_text(dump_yaml(doc), encoding="utf-8")
    back = load_briefing(y)                    # the YAML round trip keeps it valid
    out = tmp_path / "b.pdf"
    fig = render(back, out, layout=layout)
    assert out.read_bytes()[:5] == b"%PDF-"
    # arbitrary scripts may lack a glyph in the shipped fonts: then the PDF is still built, plainly
    assert all(w.startswith("PDF/A and PDF/UA dropped") or "glyph" in w or "font" in w for w in fig["warnings"])
