"""Extractors, table-driven: the date tagger and resolver, attribution, actor positions."""
from __future__ import annotations

import datetime as dt

import pytest

from briefing.config import Actor
from briefing.extract.dates import resolve, tag
from briefing.extract.positions import ActorMatcher, positions_in
from briefing.extract.sources import cites_in

AS_OF = dt.date(2026, 2, 15)


def _dates(sentence, published=None, as_of=AS_OF):
    return [(m.span, resolve(m, sentence, published, as_of).date) for m in tag(sentence)]


@pytest.mark.parametrize("sentence, expected", [
    ("On October 17, the ministers met.", [("October 17", "2025-10-17")]),
    ("The strikes began on June 13, 2025.", [("June 13, 2025", "2025-06-13")]),
    ("The strikes began on 13 June 2025.", [("13 June 2025", "2025-06-13")]),
    ("It was signed 2025-03-04 in Oman.", [("2025-03-04", "2025-03-04")]),
    ("It happened on Friday (13 June).", [("Friday (13 June)", "2025-06-13")]),
    ("The meeting took place in December 2025.", [("December 2025", "2025-12")]),
    ("Talks took place as recently as September.", [("as recently as September", "2025-09")]),
    ("They discussed strikes in 2026.", [("in 2026", "2026")]),
    ("He will visit on March 3.", [("March 3", "2026-03-03")]),
    ("Trump is expected to announce it on January 23, 2024.", [("January 23, 2024", "2024-01-23")]),
    # traps: modal may, durations, ordinal "a second", "now"
    ("Iran may be preparing a strike.", []),
    ("The talks may resume, officials said.", []),
    ("It was a twelve-day conflict six months ago in spirit.", [("six months ago", None)]),
    ("They fought a twelve‑day war for a second time; now talks resume.", []),
    ("Six months following the engagement, he spoke.", []),
])
def test_tagger_against_as_of(sentence, expected):
    assert _dates(sentence) == expected


@pytest.mark.parametrize("sentence, published, expected", [
    ("They met on Monday.", dt.date(2026, 2, 12), "2026-02-09"),            # Thursday -> previous Monday
    ("They met early on Sunday.", dt.date(2026, 2, 12), "2026-02-08"),
    ("He spoke Monday evening.", dt.date(2026, 2, 9), "2026-02-09"),
    ("He spoke yesterday.", dt.date(2026, 2, 12), "2026-02-11"),
    ("It happened three days ago.", dt.date(2026, 2, 12), "2026-02-09"),
    ("It happened earlier this month.", dt.date(2026, 2, 12), "2026-02"),
    ("They will meet next Monday.", dt.date(2026, 2, 12), "2026-02-16"),
])
def test_relative_dates_resolve_only_against_publication(sentence, published, expected):
    got = _dates(sentence, published=published)
    assert got and got[0][1] == expected
    # without the article's own date they stay undated, whatever the as-of date
    assert _dates(sentence, published=None)[0][1] is None


def test_one_week_prior_is_relative_to_another_event():
    assert _dates("Just one week prior, officials warned.", published=dt.date(2026, 1, 1)) == [("Just one week prior", None)]


@pytest.mark.parametrize("sentence, names", [
    ("Israel is preparing a strike, according to NBC News, which cited anonymous sources.",
     {("NBC News", "outlet"), ("anonymous sources", "anonymous")}),
    ("According to the Jerusalem Post, citing unnamed security sources, officials agreed.",
     {("The Jerusalem Post", "outlet"), ("unnamed security sources", "anonymous")}),
    ("The revelation, reported by Axios, came late.", {("Axios", "outlet")}),
    ("Reuters reported that the talks failed.", {("Reuters", "outlet")}),
    ("The Prime Minister's Office declined to comment.", {("Prime Minister's Office", "official")}),
    ("Two senior U.S. officials said the deal was close.", {("Two senior U.S. officials", "anonymous")}),
    ("State media reported an explosion.", {("State media", "other")}),
    ("Breaking News: talks collapse.", set()),
    ("Media outlets have long speculated about a war.", set()),
])
def test_attribution(sentence, names):
    got = {(c.name, c.kind) for c in cites_in(sentence, 0)}
    assert got == names


class _Art:
    def __init__(self, sentences):
        from briefing.articles import Sentence
        self.id = "t"
        self.sentences = [Sentence("t", i, 0, "paragraph", s) for i, s in enumerate(sentences)]


ACTORS = [Actor("Ruritania", ["Ruritanian", "Strelsau", "Rudolf"]), Actor("Kreplachistan", ["Kreplach", "Kreplachi"])]


@pytest.mark.parametrize("sentence, actors", [
    ("Ruritania has warned that it will respond to any attack.", ["Ruritania"]),
    ("Ruritanian Foreign Minister Anna Berg called for talks with Kreplachistan.", ["Ruritania"]),
    ("The escalating tensions between Ruritania and Kreplachistan have grown.", []),
    ("Analysts say Ruritania could strike first.", []),
    ("Some experts warn that Kreplachistan is isolated.", []),
    ("Domestically, Rudolf's policies have been praised for their focus on growth.", []),
    ("According to Reuters, citing unnamed sources, Kreplachi officials are preparing a response.", ["Kreplachistan"]),
    ("The Daily Planet, citing unnamed sources, claimed that Strelsau plans to close the border.", ["Ruritania"]),
    ("Isolating Kreplachistan diplomatically tells one story.", []),
    # a description of a response is the author's reading, not a stance (seeds gold: never a position)
    ("Kreplachistan's response has been marked by overtures to Ruritania.", []),
])
def test_positions(sentence, actors):
    got = [p.actor for p in positions_in(_Art([sentence]), ActorMatcher(ACTORS))]
    assert got == actors


def test_pronoun_subject_takes_previous_actor():
    art = _Art(["Rudolf met the envoy on Monday.", "He expressed a preference for a negotiated deal."])
    got = [(p.actor, p.sentence) for p in positions_in(art, ActorMatcher(ACTORS))]
    # a meeting is an action (chronology), the preference expressed after it a stance
    assert got == [("Ruritania", 1)]


@pytest.mark.parametrize("sentence, span, date", [
    ("The war lasted from June 13-24, 2025, officials said.", "June 13-24, 2025", "2025-06-13"),
    ("Talks ran 3–5 March in Geneva.", "3–5 March", "2025-03-03"),
    ("Exports ran between July 2022 and July 2023.", "July 2022", "2022-07"),
])
def test_ranges(sentence, span, date):
    got = _dates(sentence)
    assert got[0] == (span, date)


def test_range_keeps_its_end_in_the_chronology():
    from briefing.extract.chronology import build_chronology

    class A:
        id, published = "r", None
        sentences = _Art(["The war lasted from June 13-24, 2025, officials said."]).sentences
    e = build_chronology([A], AS_OF)[0]
    assert (e["date"], e["until"], e["span"]) == ("2025-06-13", "2025-06-24", "June 13-24, 2025")
