"""The TIMEX3 tagger (``timexes``), table-driven both ways: what must be tagged, with which type
and value, and what must not be. Anchors from the text (datelines, ledes) and the weekday check."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from briefing.extract.dates import (infer_anchor, infer_as_of, tag, timexes, value_precision, weekday_conflict,
                                    year_for)

DCT = dt.date(2025, 6, 13)          # a Friday


def _tags(text, dct=DCT):
    return [(t.text, t.type, t.value) for t in timexes(text, dct)]


@pytest.mark.parametrize("text, expected", [
    # explicit dates
    ("The strikes began on June 13, 2025.", [("June 13, 2025", "DATE", "2025-06-13")]),
    ("It ended on 24 June 2025 in Geneva.", [("24 June 2025", "DATE", "2025-06-24")]),
    ("Signed 2025-03-04 in Oman.", [("2025-03-04", "DATE", "2025-03-04")]),
    ("The date written 7/8/07 in the American way.", [("7/8/07", "DATE", "2007-07-08")]),
    ("The plant opened in January 2005.", [("January 2005", "DATE", "2005-01")]),
    ("The settlement of 1991 stands.", [("1991", "DATE", "1991")]),
    ("Sales peaked in the 1990s.", [("1990s", "DATE", "199")]),
    ("Cars of the 70s and 80s were boxy.", [("70s", "DATE", "197"), ("80s", "DATE", "198")]),
    ("Lowest level since '82.", [("'82", "DATE", "1982")]),
    ("It will be released in mid-2026.", [("mid-2026", "DATE", "2026")]),
    ("It was founded in the 19th century.", [("the 19th century", "DATE", "18")]),
    # year-less dates take the year of the document date, by tense
    ("They met on June 3.", [("June 3", "DATE", "2025-06-03")]),
    ("The vote will be held on October 12.", [("October 12", "DATE", "2025-10-12")]),
    ("The plane made its maiden flight on 11 December.", [("11 December", "DATE", "2024-12-11")]),
    ("The shuffle was introduced in January.", [("January", "DATE", "2025-01")]),
    ("Prices rose last September.", [("last September", "DATE", "2024-09")]),
    ("Delivery is due in early July.", [("early July", "DATE", "2025-07")]),
    ("Franchises end after October of next year.", [("October of next year", "DATE", "2026-10")]),
    # quarters, halves, seasons, fiscal years
    ("GM lost $4.8 billion in the fourth quarter of 2005.", [("the fourth quarter of 2005", "DATE", "2005-Q4")]),
    ("Profit fell in the first quarter.", [("the first quarter", "DATE", "2025-Q1")]),
    ("Our third-quarter results were good.", [("third-quarter", "DATE", "2025-Q3")]),
    ("It ships in the second half of this year.", [("the second half of this year", "DATE", "2025-H2")]),
    ("Spring shows signs of hope.", [("Spring", "DATE", "2025-SP")]),
    ("It will be released next summer.", [("next summer", "DATE", "2026-SU")]),
    # relative to the document date
    ("He spoke today.", [("today", "DATE", "2025-06-13")]),
    ("He spoke yesterday.", [("yesterday", "DATE", "2025-06-12")]),
    ("They met on Tuesday.", [("Tuesday", "DATE", "2025-06-10")]),
    ("They met on Friday.", [("Friday", "DATE", "2025-06-13")]),
    ("The trial is set to begin on Wednesday.", [("Wednesday", "DATE", "2025-06-18")]),
    ("They will meet next Monday.", [("next Monday", "DATE", "2025-06-16")]),
    ("A speech last week drew fire.", [("last week", "DATE", "2025-W23")]),
    ("Stocks fell this week.", [("this week", "DATE", "2025-W24")]),
    ("It became public this weekend.", [("this weekend", "DATE", "2025-W24-WE")]),
    ("Criticism grew last month.", [("last month", "DATE", "2025-05")]),
    ("Losses came last year.", [("last year", "DATE", "2024")]),
    ("Delivery, due later this year, slipped.", [("later this year", "DATE", "2025")]),
    ("Talks started earlier this month.", [("earlier this month", "DATE", "2025-06")]),
    ("By the end of this year the plants close.", [("the end of this year", "DATE", "2025")]),
    ("The quake hit three days ago.", [("three days ago", "DATE", "2025-06-10")]),
    ("It crashed 20 years ago.", [("20 years ago", "DATE", "2005")]),
    ("Apple announced it this morning.", [("this morning", "TIME", "2025-06-13TMO")]),
    ("GM admitted Thursday night that the loss could grow.", [("Thursday night", "TIME", "2025-06-12TNI")]),
    # anaphora: against the last date mentioned
    ("Fiat bought it in 2009. A year later it bought more.", [("2009", "DATE", "2009"), ("A year later", "DATE", "2010")]),
    ("Ford cut costs last year, more than the year previous.", [("last year", "DATE", "2024"), ("the year previous", "DATE", "2023")]),
    ("Sales rose in February compared to the same period last year.",
     [("February", "DATE", "2025-02"), ("the same period last year", "DATE", "2024-02")]),
    ("Stocks rose on Monday, ending the day higher.", [("Monday", "DATE", "2025-06-09"), ("the day", "DATE", "2025-06-09")]),
    # times
    ("The take-off, at 08:30 UTC, was normal.", [("08:30 UTC", "TIME", "2025-06-13T08:30Z")]),
    ("It landed at 6:40 p.m. after a 12-hour flight.", [("6:40 p.m.", "TIME", "2025-06-13T18:40"), ("12-hour", "DURATION", "PT12H")]),
    ("The bank will close at 5 p.m. tomorrow.", [("5 p.m. tomorrow", "TIME", "2025-06-14T17:00")]),
    ("At a press conference at 16:15 UTC, June 1st, he spoke.", [("16:15 UTC", "TIME", "2025-06-01T16:15Z"), ("June 1st", "DATE", "2025-06-01")]),
    ("They met at noon.", [("noon", "TIME", "2025-06-13T12:00")]),
    # vague references
    ("The store currently sells music, and more recently TV shows.",
     [("currently", "DATE", "PRESENT_REF"), ("more recently", "DATE", "PAST_REF")]),
    ("The iPod is now smaller.", [("now", "DATE", "PRESENT_REF")]),
    ("Prices may rise in the future.", [("the future", "DATE", "FUTURE_REF")]),
    ("Sales have fallen in recent years.", [("recent years", "DATE", "PAST_REF")]),
    # durations
    ("Profit rose over the past year.", [("the past year", "DURATION", "P1Y")]),
    ("It will cut 10,000 jobs over the next four years.", [("the next four years", "DURATION", "P4Y")]),
    ("The flight was 18 months behind schedule.", [("18 months", "DURATION", "P18M")]),
    ("It is almost two and a half years late.", [("almost two and a half years", "DURATION", "P2.5Y")]),
    ("Computers failed after thirty minutes.", [("thirty minutes", "DURATION", "PT30M")]),
    ("It signed a 27-year contract.", [("27-year", "DURATION", "P27Y")]),
    ("The largest conference in the past decade.", [("the past decade", "DURATION", "P10Y")]),
    ("The highest level in years.", [("years", "DURATION", "PXY")]),
    ("It lasted several years.", [("several years", "DURATION", "PXY")]),
    ("It ended a decades-long dispute.", [("decades-long", "DURATION", "PXDE")]),
    ("The process takes between 60 and 90 days.", [("60", "DURATION", "P60D"), ("90 days", "DURATION", "P90D")]),
    ("He stayed half an hour.", [("half an hour", "DURATION", "PT30M")]),
    # sets
    ("Claims for weekly benefits rose.", [("weekly", "SET", "P1W")]),
    ("They meet each week.", [("each week", "SET", "P1W")]),
    ("He visits every Monday.", [("every Monday", "SET", "XXXX-WXX-1")]),
    ("Tankers delivered at a rate of 15 a year.", [("a year", "SET", "P1Y")]),
    ("It runs twice a week.", [("twice a week", "SET", "P1W")]),
])
def test_tagged(text, expected):
    assert _tags(text) == expected


@pytest.mark.parametrize("text", [
    "Iran may be preparing a strike.",                      # the modal
    "The talks may resume, officials said.",
    "They March on the capital.",                           # March the verb
    "Troops march in May Street.",
    "They fought for a second time.",                       # the ordinal, not a duration
    "It won by a second margin.",
    "The plane carries 2000 people over 1500 miles.",       # counts, not years
    "It costs $2015 and rose 2019% since.",
    "See No. 2012 on page 2014.",
    "The score was 3:2 at half time.",
    "The now-cancelled deal was a bad idea.",               # "now" inside a compound
    "He is a 55-year-old engineer.",                        # an age
    "The China Daily reported it.",                         # a name, not a set
    "Black Monday is remembered.",                          # a name, not a weekday
    "Its most recent model sold well.",                     # a superlative
    "It wants to cut about a quarter of its dealers.",      # a fraction
    "Trading continued after hours, analysts said.",
])
def test_not_tagged(text):
    assert _tags(text) == []


def test_offsets_are_exact_and_values_need_no_anchor():
    text = "\n\nOn Tuesday, May 13 the talks began; they will last six months."
    got = timexes(text, None)
    for t in got:
        assert text[t.start:t.end] == t.text
    assert [(t.text, t.type, t.value) for t in got] == [
        ("Tuesday, May 13", "DATE", "XXXX-05-13"), ("six months", "DURATION", "P6M")]


def test_weekday_that_disagrees_with_the_calendar_is_flagged():
    t = timexes("The talks opened on Monday, 13 May 2025.", DCT)[0]
    assert t.value == "2025-05-13" and t.flag == "13 May 2025 is a Tuesday, not a Monday"
    assert timexes("The talks opened on Tuesday, 13 May 2025.", DCT)[0].flag is None
    # a year-less date with a weekday takes a year in which the weekday agrees
    t = timexes("The talks opened on Tuesday, May 13.", dt.date(2025, 8, 1))[0]
    assert (t.value, t.flag) == ("2025-05-13", None)
    assert weekday_conflict(dt.date(2025, 5, 13), 1) is None
    assert year_for(5, 13, dt.date(2026, 12, 31), weekday=1) == 2025


def test_only_calendar_dates_anchor_events():
    got = {t.text: t.anchors_event for t in timexes(
        "On Friday, six months after the deal, weekly talks resumed; prices are currently high.", DCT)}
    assert got == {"Friday": True, "six months": False, "weekly": False, "currently": False}


@pytest.mark.parametrize("value, expected", [
    ("2025-06-13", ("2025-06-13", "day")), ("2025-06-13T17:00", ("2025-06-13", "time")),
    ("2025-W24", ("2025-W24", "week")), ("2025-06", ("2025-06", "month")), ("2025-Q2", ("2025-Q2", "quarter")),
    ("2025", ("2025", "year")), ("199", ("199", "decade")), ("P6M", (None, None)), ("PRESENT_REF", (None, None)),
])
def test_value_precision(value, expected):
    assert value_precision(value) == expected


TODAY = dt.date(2026, 2, 1)


@pytest.mark.parametrize("text, expected", [
    ("QUITO, Aug 27 (Reuters) - Ecuador's president said", (dt.date(2025, 8, 27), "day")),
    ("OSLO, Feb. 15 (NTB) -- Norway will", (dt.date(2025, 2, 15), "day")),
    ("May 10, Anadolu\nTurkey's foreign minister said", (dt.date(2025, 5, 10), "day")),
    ("Talks resume\nWASHINGTON, March 3, 2025 (AP) — The", (dt.date(2025, 3, 3), "day")),
    ("GENEVA, Tuesday, 13 May (AFP) - Talks", (dt.date(2025, 5, 13), "day")),
    ("GENEVA, Monday, 13 May (AFP) - Talks", (dt.date(2024, 5, 13), "day")),   # the last 13 May that was a Monday
    ("On June 13, 2025, Israel struck Iran. More followed.", (dt.date(2025, 6, 13), "day")),
    ("Israel struck Iran. Talks may follow.", None),
    ("The talks, he said - in May - failed.", None),
])
def test_infer_anchor(text, expected):
    got = infer_anchor(text, today=TODAY)
    assert (got[:2] if got else None) == expected
    if got:
        assert "inferred" in got[2]


def test_infer_as_of_uses_yearless_dates_and_weekdays():
    mentions = [m for s in ("Talks began on March 2, 2025.", "They resumed on Tuesday, May 13.") for m in tag(s)]
    got = infer_as_of(mentions)
    assert got[0] == dt.date(2025, 5, 13) and "weekday" in got[1]
    assert infer_as_of(tag("They met on May 13.") + tag("Talks began on March 2, 2025."))[0] == dt.date(2025, 5, 13)
    assert infer_as_of(tag("They met on May 13.")) is None


def test_dates_command_json_is_the_kit_shape(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli
    body = "\n\nApple said on Tuesday it would cut prices for six months.\r\nShares rose 2% today."
    (tmp_path / "a1.md").write_bytes(("---\ntitle: \"T\"\npublished: 2025-06-13\n---\n" + body).encode())
    res = CliRunner().invoke(cli, ["dates", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    docs = json.loads(res.output)
    assert [d["doc_id"] for d in docs] == ["a1"] and set(docs[0]) == {"doc_id", "timexes"}
    for t in docs[0]["timexes"]:
        assert set(t) == {"start", "end", "text", "type", "value"}
        assert body[t["start"]:t["end"]] == t["text"]          # offsets into the body as stored (CR LF kept)
    assert [(t["text"], t["value"]) for t in docs[0]["timexes"]] == [
        ("Tuesday", "2025-06-10"), ("six months", "P6M"), ("today", "2025-06-13")]
    human = CliRunner().invoke(cli, ["dates", str(tmp_path)])
    assert human.exit_code == 0
    assert "a duration, not a point in time" in human.output and "2025-06-10 (day)" in human.output


def test_dates_command_infers_the_anchor_from_a_dateline(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli
    (tmp_path / "d.txt").write_text("OSLO, Feb. 15, 2025 (NTB) -- Norway said on Friday it would talk.\n")
    res = CliRunner().invoke(cli, ["dates", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "anchor 2025-02-15 (inferred from the dateline" in res.output
    assert "2025-02-14 (day)" in res.output


def test_loader_takes_the_publication_date_from_a_dateline(tmp_path):
    from briefing.articles import load_article
    p = tmp_path / "wire.txt"
    p.write_text("Talks resume in Oslo\n\nOSLO, Feb. 15, 2025 (NTB) -- Norway said on Friday it would host talks.\n")
    art = load_article(p)
    assert art.published == dt.date(2025, 2, 15) and "dateline" in art.published_inferred
    q = tmp_path / "meta.md"
    q.write_text("---\npublished: 2025-03-01\n---\nOSLO, Feb. 15, 2025 (NTB) -- Norway said it would host talks.\n")
    art = load_article(q)
    assert art.published == dt.date(2025, 3, 1) and art.published_inferred is None
