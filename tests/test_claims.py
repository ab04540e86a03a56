"""Table-driven tests for the constructions of news English that claims and source notes read
(issue: positions an analyst can check). Each construction both ways: what must be found, and
what must not. Names are invented; no story's words."""
from __future__ import annotations

import pytest

from briefing.articles import Sentence
from briefing.config import Actor
from briefing.extract.attribution import analyse, dateline
from briefing.extract.common import compose_claim
from briefing.extract.positions import ActorMatcher, positions_in
from briefing.extract.sources import article_cites

ACTORS = [Actor("Ruritania", ["Ruritanian", "Strelsau", "Anna Berg", "Berg"]),
          Actor("Kreplachistan", ["Kreplachi", "Kreplach City", "Omar Tal", "Tal"]),
          Actor("Norland", ["Norlandic", "Nordby"])]


class _Art:
    def __init__(self, sentences, block_per_sentence=False):
        self.id = "t"
        self.sentences = [Sentence("t", i, i if block_per_sentence else 0, "paragraph", s) for i, s in enumerate(sentences)]


def claims(*sentences):
    return [(p.actor, p.sentence) for p in positions_in(_Art(list(sentences)), ActorMatcher(ACTORS))]


@pytest.mark.parametrize("sentence, actors", [
    # speaker after the quote or the content
    ("“We will not accept this,” Ruritania's foreign minister said.", ["Ruritania"]),
    ("Talks will resume next week, the Ruritanian foreign ministry said in a statement.", ["Ruritania"]),
    ("“The crews are safe,” said Anna Berg, the foreign minister.", ["Ruritania"]),
    # an adverb or appositive between speaker and verb
    ("Ruritania, however, said it would not release the crews.", ["Ruritania"]),
    ("The foreign ministry of Norland, which hosts the talks, warned that time was running out.", ["Norland"]),
    ("Kreplachistan's army later said two soldiers were wounded.", ["Kreplachistan"]),
    # one-word speakers, acronyms in names
    ("Strelsau has said the patrols are routine.", ["Ruritania"]),
    ("Ministry of Foreign Affairs (MFA) spokesperson Anna Berg said the boats had entered Ruritanian waters.", ["Ruritania"]),
    # a participial opener
    ("Having restored ties with Strelsau, Kreplachistan has pressed for a new treaty.", ["Kreplachistan"]),
    # stance verbs without a frame
    ("Kreplachistan demanded the immediate release of the crews.", ["Kreplachistan"]),
    ("Norland is ready to host technical talks.", ["Norland"]),
    # hedged reports keep the stance with the reported actor
    ("According to two diplomats familiar with the matter, Kreplachistan wants an apology.", ["Kreplachistan"]),
    ("The Daily Planet, citing unnamed sources, claimed that Strelsau plans to close the border.", ["Ruritania"]),
])
def test_found(sentence, actors):
    assert [a for a, _ in claims(sentence)] == actors


@pytest.mark.parametrize("sentence", [
    # an announcement by a third party is the announcer's statement, not the parties'
    "Ruritania and Kreplachistan agreed to a ceasefire, the mediator announced.",
    # actions belong in the chronology
    "The Ruritanian navy seized two Kreplachi trawlers on Sunday.",
    "Kreplachistan launched three missiles into the sea.",
    # others' stance about an actor
    "Ruritania's neighbours urged restraint.",
    "Kreplachi fishermen said they were afraid to go out.",
    # commentary and mentions
    "Analysts said Ruritania could strike first.",
    "The escalating tensions between Ruritania and Kreplachistan have grown.",
    "Rudolf's remarks underscore the government's broader policy.",
    # a scheduled event, a non-response, a label, an organisation named after the state
    "Anna Berg is expected to announce the decision on Friday.",
    "Kreplachistan has not yet responded.",
    "14:05 GMT — Ruritania says its boats were harassed",
    "The Northern Norland Fishing Association said it was cautiously optimistic.",
])
def test_not_found(sentence):
    assert claims(sentence) == []


def test_quote_over_several_sentences_is_its_speakers():
    got = claims("“We have acted with serenity.", "We will continue to act with serenity,” Anna Berg said.")
    assert got == [("Ruritania", 0), ("Ruritania", 1)]
    got = claims("“This is a first step,” Omar Tal said.", "“We want all our compatriots home.”")
    assert got == [("Kreplachistan", 0), ("Kreplachistan", 1)]


def test_he_said_after_a_named_speaker():
    got = claims("Ruritanian Foreign Minister Anna Berg met her counterpart on Monday.",
                 "She said the talks had been useful.")
    assert got == [("Ruritania", 1)]


def test_claim_fields_and_hedges():
    art = _Art(["Kreplachistan has reportedly told Ruritania that it would back a border deal if talks fail."])
    (p,) = positions_in(art, ActorMatcher(ACTORS))
    assert p.stance == "supports" and p.hedge == "reported"
    assert "reportedly" in p.summary and not p.summary.endswith("…")
    art = _Art(["According to two diplomats familiar with the matter, Kreplachistan wants an apology."])
    (p,) = positions_in(art, ActorMatcher(ACTORS))
    assert p.hedge == "anonymous" and p.summary.endswith("according to two diplomats familiar with the matter.")


def test_claims_are_composed_not_cut():
    long = ("Ruritania will keep its patrols in the disputed area, which it regards as part of its exclusive "
            "economic zone under a treaty signed decades ago and never ratified by the other side, officials say")
    got = compose_claim(long)
    assert got == "Ruritania will keep its patrols in the disputed area"
    assert "…" not in compose_claim("word " * 60)


@pytest.mark.parametrize("text, place, wire", [
    ("LIMA, March 3 (Reuters) - Peru's navy detained two trawlers.", "LIMA", "Reuters"),
    ("(Xinhua) -- The ministry said talks would resume.", None, "Xinhua"),
    ("OSLO, Feb. 15 (NTB) -- Norway said it would host talks.", "OSLO", "NTB"),
])
def test_datelines(text, place, wire):
    d = dateline(text)
    assert d and d[1] == place and d[2] == wire


@pytest.mark.parametrize("sentences, expected", [
    (["The talks failed, local media reported on Sunday."], {("local media", "other")}),
    (["“It was frank,” Omar Tal told Reuters."], {("Reuters", "outlet"), ("Omar Tal", "official")}),
    (["Anna Berg told the BBC in an interview that talks were over."], {("BBC", "outlet"), ("Anna Berg", "official")}),
    (["The vessels were inside Ruritanian waters, state news agency Reuters reported."], {("Reuters", "outlet")}),
    (["Reuters said the talks were expected to resume."], {("Reuters", "outlet")}),
    (["Kreplachistan's deputy ambassador, Omar Tal, blamed the drills for the tension."], {("Omar Tal", "official")}),
])
def test_source_notes(sentences, expected):
    got = {(c["name"], c["kind"]) for c in article_cites(_Art(sentences).sentences)}
    assert got == expected


def test_anaphoric_official_is_not_a_second_source():
    sents = _Art(["Ruritanian Foreign Minister Anna Berg said the crews were safe.",
                  "The minister added that talks would resume."]).sentences
    names = [c["name"] for c in article_cites(sents)]
    assert names == ["Anna Berg"]
    assert [a.speaker for a in analyse(sents)] == ["Ruritanian Foreign Minister Anna Berg"] * 2 or \
        all("Berg" in a.speaker for a in analyse(sents))
