"""The chronology, table-driven both ways: what is an event and what is not (baselines,
durations, years naming a thing, statistics, vague periods, datelines and labels), what is
coming up (``ahead``), anchors read from the text, weekday/year conflicts, anomalies judged
again on an edited file."""
from __future__ import annotations

import datetime as dt

import pytest

from briefing.articles import load_article
from briefing.config import Actor
from briefing.extract.chronology import build_events, clean_sentence, redate_from_datelines, rejudge
from briefing.model import validate

PUB = "2025-02-12"                  # a Wednesday
AS_OF = dt.date(2025, 2, 18)


def _article(tmp_path, body, published=PUB, name="a"):
    front = f"---\ntitle: Test\npublished: {published}\n---\n" if published else ""
    p = tmp_path / f"{name}.md" if published else tmp_path / f"{name}.txt"
    p.write_text(front + body + "\n", encoding="utf-8")
    return load_article(p)


def _events(tmp_path, body, published=PUB, as_of=AS_OF, actors=None):
    art = _article(tmp_path, body, published)
    redate_from_datelines([art], as_of)
    chron, ahead = build_events([art], as_of, actors)
    return chron, ahead


def _dated(entries):
    return [(e["span"], e["date"]) for e in entries if e.get("date")]


@pytest.mark.parametrize("body, expected", [
    # comparison baselines are not events; a date that starts a state still is
    ("It was the council's sharpest split since 2022, diplomats said.", []),
    ("Diplomats say relations have not been this tense since 2008.", []),
    ("North Korea has launched more missiles in the past year than in any year since it began testing in 1984.", []),
    ("North Korea began testing missiles in 1984.", [("in 1984", "1984")]),
    ("Turkey has kept the straits closed to warships since February 2022.", [("February 2022", "2022-02")]),
    # durations
    ("Japan's coastguard kept a navigation warning in place for 48 hours after Tuesday's launch.",
     [("Tuesday", "2025-02-11")]),
    ("In the past year, Ethiopia's prime minister has argued that the country needs a port.", []),
    # years naming a thing
    ("The deal was signed under the terms of 2018 inter-Korean military agreement.", []),
    ("Both sides signed an agreement in 2018.", [("in 2018", "2018")]),
    # statistics
    ("Trade between the two countries was worth about $4bn in 2024.", []),
    ("Chile recalled its ambassador from Lima in 2024.", [("in 2024", "2024")]),
    # vague periods
    ("Seoul, which holds a non-permanent seat on the council this year, pressed for a response.", []),
    ("China, which holds the council's rotating presidency this month, did not object.", []),
    ("The Prime Minister's Office said this week that any outcome must include a withdrawal.", []),
    ("Bilateral commerce topped $4 billion last year.", []),
    ("Its state media last month described the drills as a provocation.", [("last month", "2025-01")]),
    # weekday modifiers: "Thursday and Friday last week" are last week's days, "last week" no event of its own
    ("The first round, held on Thursday and Friday last week, ended without a breakthrough.",
     [("on Thursday", "2025-02-06"), ("Friday", "2025-02-07")]),
])
def test_events_not_date_mentions(tmp_path, body, expected):
    chron, ahead = _events(tmp_path, body)
    assert _dated(chron) == expected
    assert ahead == []


@pytest.mark.parametrize("body, printed, not_printed", [
    ("SEOUL, Feb 4 (Reuters) - North Korea fired three ballistic missiles on Tuesday, the military said.",
     "North Korea fired three ballistic missiles on Tuesday", ["SEOUL", "Reuters"]),
    ("Addis Ababa, September 6/2024 (ENA) – Foreign Minister Dawit Gebremariam briefed diplomats on Friday.",
     "Foreign Minister Dawit Gebremariam briefed diplomats on Friday", ["Addis Ababa,", "ENA"]),
    ("📌 KEY FACTS: Two ballistic missiles were fired on Monday morning from the Wonsan area.",
     "Two ballistic missiles were fired on Monday morning", ["KEY FACTS", "📌"]),
    ("NAIROBI: Kenya urged Ethiopia and Somalia to show restraint on Tuesday.",
     "Kenya urged Ethiopia and Somalia to show restraint on Tuesday", ["NAIROBI"]),
    ("OGA, Akita — Most of the snow crab boats in Oga stayed in port yesterday.",
     "Most of the snow crab boats in Oga stayed in port yesterday", ["OGA, Akita"]),
])
def test_datelines_and_labels_are_never_events_nor_printed(tmp_path, body, printed, not_printed):
    chron, _ = _events(tmp_path, body, published="2025-02-04")
    assert chron, body
    for e in chron:
        assert e["span"] not in ("Feb 4", "September 6"), "a dateline is not an event"
        text = " ".join([e["summary"], e["event"]] + [s["quote"] for s in e["support"]])
        assert printed in text
        for bad in not_printed:
            assert bad not in text


def test_a_headline_run_into_a_dateline_is_not_printed():
    s = "Kenya urges restraint as row deepens NAIROBI, Sept 10 (Reuters) - Kenya on Tuesday urged restraint."
    assert clean_sentence(s) == "Kenya on Tuesday urged restraint."
    plain = "Talks in Washington, the capital, went on for hours."
    assert clean_sentence(plain) == plain


@pytest.mark.parametrize("body, published, as_of, past, coming", [
    # reported future: the saying is past, the event ahead
    ("Turkey's foreign ministry said on Tuesday it would host talks between the two sides in Ankara on Thursday.",
     "2024-09-10", dt.date(2024, 9, 11), [("on Tuesday", "2024-09-10")], [("on Thursday", "2024-09-12")]),
    ("Talks will resume in Geneva on Thursday.", "2025-02-17", dt.date(2025, 2, 18), [], [("on Thursday", "2025-02-20")]),
    ("Trump is expected to announce it on January 23.", "2025-01-20", dt.date(2025, 1, 21), [], [("January 23", "2025-01-23")]),
    ("The mandate of the mission expires on December 31.", "2024-09-05", dt.date(2024, 9, 20), [], [("December 31", "2024-12-31")]),
    ("South Korea and the United States will hold combined air drills next week.", "2025-02-07", dt.date(2025, 2, 8),
     [], [("next week", "2025-02-10")]),
    ("Delaney will hold talks in Seoul on Wednesday and in Tokyo on Friday.", "2025-02-16", dt.date(2025, 2, 17),
     [], [("on Wednesday", "2025-02-19"), ("on Friday", "2025-02-21")]),
    # the other way: what happened stays in the chronology
    ("Talks resumed in Geneva on Thursday.", "2025-02-17", dt.date(2025, 2, 18), [("on Thursday", "2025-02-13")], []),
    ("The minister announced it on January 13.", "2025-01-20", dt.date(2025, 1, 21), [("January 13", "2025-01-13")], []),
])
def test_scheduled_events_go_ahead(tmp_path, body, published, as_of, past, coming):
    chron, ahead = _events(tmp_path, body, published=published, as_of=as_of)
    assert _dated(chron) == past
    assert _dated(ahead) == coming
    for e in ahead:
        assert e["id"].startswith("e-") and e["support"] and e["event"]


def test_two_dates_in_one_sentence_are_two_clauses(tmp_path):
    _, ahead = _events(tmp_path, "Delaney will hold talks in Seoul on Wednesday and in Tokyo on Friday.",
                       published="2025-02-16", as_of=dt.date(2025, 2, 17))
    assert ahead[0]["event"] == "Delaney will hold talks in Seoul on Wednesday."
    assert ahead[0]["event"] != ahead[1]["event"]


def test_scheduled_events_whose_date_has_passed_stay_flagged(tmp_path):
    chron, ahead = _events(tmp_path, "The talks are expected to continue on Wednesday.",
                           published="2024-09-17", as_of=dt.date(2024, 9, 20))
    assert ahead == []
    assert _dated(chron) == [("on Wednesday", "2024-09-18")]
    assert "scheduled" in chron[0]["flags"]


@pytest.mark.parametrize("body, flagged", [
    ("The talks opened on Tuesday, May 13.", False),          # 13 May 2025 is a Tuesday
    ("The talks opened on Monday, May 13.", True),
    ("The talks opened on Tuesday, May 13, 2025.", False),
    ("The talks opened on Monday, May 13, 2025.", True),
])
def test_weekday_must_agree_with_the_calendar(tmp_path, body, flagged):
    chron, _ = _events(tmp_path, body, published=None, as_of=dt.date(2025, 5, 20))
    (e,) = [e for e in chron if e.get("date")]
    assert e["date"] == "2025-05-13"
    assert ("weekday_conflict" in e["flags"]) is flagged
    assert ("anomaly" in e["flags"]) is flagged
    if flagged:
        assert "is a Tuesday, not a Monday" in e["anomaly"]


@pytest.mark.parametrize("dateline, as_of, published, event", [
    ("SEOUL, Feb 10 (Reuters) - North Korea fired two missiles on Monday.", dt.date(2025, 2, 18),
     "2025-02-10", ("on Monday", "2025-02-10")),
    ("NAIROBI, Sept 10 (Reuters) - Kenya on Tuesday urged restraint.", dt.date(2024, 9, 20),
     "2024-09-10", ("on Tuesday", "2024-09-10")),
    ("BOGOTA, May 13 (Reuters) - The ministers spoke by video call on Tuesday.", dt.date(2025, 5, 21),
     "2025-05-13", ("on Tuesday", "2025-05-13")),
])
def test_a_dateline_without_a_year_takes_the_year_of_the_set(tmp_path, dateline, as_of, published, event):
    art = _article(tmp_path, "Headline of the story\n\n" + dateline, published=None)
    redate_from_datelines([art], as_of)
    assert art.published.isoformat() == published and "dateline" in art.published_inferred
    chron, _ = build_events([art], as_of)
    assert _dated(chron) == [event]


def test_a_weekday_without_any_anchor_stays_undated(tmp_path):
    chron, ahead = _events(tmp_path, "The council met on Tuesday to discuss the crisis.", published=None)
    assert [e["date"] for e in chron] == [None] and ahead == []


def test_support_per_source_and_actors(tmp_path):
    a = _article(tmp_path, "Peru's navy detained two Chilean trawlers on May 4, officials said.", "2025-05-06", "a")
    b = _article(tmp_path, "The Peruvian navy detained two Chilean trawlers off Ilo on May 4.", "2025-05-07", "b")
    actors = [Actor("Peru", ["Peruvian"]), Actor("Chile", ["Chilean"])]
    chron, _ = build_events([a, b], dt.date(2025, 5, 21), actors)
    (e,) = chron
    assert e["sources"] == ["a", "b"]
    assert [s["article"] for s in e["support"]] == ["a", "b"]
    assert "off Ilo" in e["support"][1]["quote"] and "off Ilo" not in e["support"][0]["quote"]
    assert set(e["actors"]) == {"Peru", "Chile"}
    assert e["event"] and not e["event"].endswith("…")


def test_the_same_date_in_another_happening_stays_apart(tmp_path):
    a = _article(tmp_path, "Peru's navy detained two Chilean trawlers on May 4.", "2025-05-06", "a")
    b = _article(tmp_path, "Ecuador held municipal elections across the country on May 4.", "2025-05-07", "b")
    chron, _ = build_events([a, b], dt.date(2025, 5, 21))
    assert len(chron) == 2


def _doc(entries, ahead=()):
    return {"schema": "briefing/1", "title": "T", "as_of": "2025-02-18", "articles": [{"id": "a", "title": "A"}],
            "actors": [], "chronology": list(entries), "ahead": list(ahead) if isinstance(ahead, (list, tuple)) else ahead}


def _entry(date, span, prec="day", **kw):
    return {"date": date, "precision": prec, "span": span, "summary": "Something happened.", "sources": ["a"],
            "flags": [], **kw}


def test_anomalies_are_judged_again_on_the_edited_file():
    entries = [_entry(f"2025-02-0{i}", f"February {i}, 2025") for i in range(1, 5)]
    entries.append(_entry("2021-02-05", "February 5, 2021"))
    doc = rejudge(_doc(entries))
    assert "anomaly" in doc["chronology"][-1]["flags"]
    # the analyst fixes the date: the warning goes
    doc["chronology"][-1]["date"] = "2025-02-05"
    doc["chronology"][-1]["span"] = "February 5, 2025"
    again = rejudge(doc)
    assert "anomaly" not in again["chronology"][-1]["flags"] and "anomaly" not in again["chronology"][-1]
    # and a weekday put right clears its conflict
    bad = rejudge(_doc([_entry("2025-05-13", "Monday, May 13")]))
    assert "weekday_conflict" in bad["chronology"][0]["flags"]
    bad["chronology"][0]["span"] = "Tuesday, May 13"
    assert rejudge(bad)["chronology"][0]["flags"] == []


@pytest.mark.parametrize("ahead, problem", [
    ([_entry("2025-03-01", "on March 1", id="e-1", event="Talks.", support=[{"article": "a", "quote": "Talks."}])], None),
    ([_entry(None, "next week")], "ahead[0].date: expected a date"),
    ([_entry("2025-03", "in March")], "ahead[0].date: not a date for precision day"),
    ([_entry("2025-03-01", "on March 1", support=[{"article": "zz", "quote": "x"}])], "ahead[0].support[0].article"),
    ([_entry("2025-03-01", "on March 1", actors="Peru")], "ahead[0].actors"),
    ("soon", "ahead: expected a list"),
])
def test_ahead_is_validated(ahead, problem):
    problems = validate(_doc([], ahead))
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_chronology_new_fields_are_validated():
    ok = _entry("2025-02-01", "on February 1", id="e-1", event="X did Y.", actors=["Peru"],
                support=[{"article": "a", "quote": "X did Y."}])
    assert validate(_doc([ok])) == []
    assert any("chronology[0].event" in p for p in validate(_doc([{**ok, "event": ""}])))
    assert any("chronology[0].support" in p for p in validate(_doc([{**ok, "support": "a"}])))


def test_executive_key_events_are_whole_lines_and_ahead_three_at_most(tmp_path):
    from briefing.api import extract
    from briefing.layouts import find_layout
    from briefing.render import present
    from .conftest import SEEDS
    doc = extract([SEEDS.parent / "tests" / "fixtures" / "horn"], cache_dir=False)
    assert doc["ahead"], "the set announces a third round in October"
    view = present(doc, find_layout("executive"), "en")
    assert 0 < len(view["key_events"]) <= 6
    for e in view["key_events"] + view["ahead"]:
        assert e["display"] and e["line"] and not e["line"].endswith("…") and len(e["line"].split()) <= 30
    assert [e["date"] for e in view["key_events"]] == sorted(e["date"] for e in view["key_events"])
    assert len(view["ahead"]) <= 3
    analyst = present(doc, find_layout("analyst"), "en")
    assert analyst["key_events"] == [] and len(analyst["ahead"]) == len(doc["ahead"])


@pytest.mark.parametrize("body, expected", [
    # an article dated only by its lede's full date: later weekdays fall on or after it
    ("North Korea fired three missiles on Tuesday, 4 February 2025.\n\nThe military said on Thursday that the "
     "flight appeared short.", [("Tuesday, 4 February 2025", "2025-02-04"), ("on Thursday", "2025-02-06")]),
])
def test_weekdays_after_a_lede_date(tmp_path, body, expected):
    art = _article(tmp_path, body, published=None)
    assert "full date" in art.published_inferred
    chron, _ = build_events([art], dt.date(2025, 2, 18))
    assert _dated(chron) == expected
