"""Actor positions: sentences in which an actor (through any alias) is the one who states,
wants, warns, refuses, supports or acts, as opposed to being merely mentioned.

Rules: the actor must be the head of the main clause's subject (not inside a prepositional
phrase: "tensions between Israel and Iran" is nobody's position); an attribution frame
("According to X, ...", "X, citing Y, claimed that ...") is looked through; a pronoun subject
takes the previous sentence's actor; commentary subjects (analysts, experts, critics, media)
and evaluative passives ("have been praised") are never positions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Actor
from .common import COMMENTARY, EVALUATIVE_PASSIVE, PREPS, fold, strip_lead, subject_zone, summarize
from ..lazyre import lazy


@dataclass
class Position:
    actor: str
    article: str
    sentence: int
    quote: str
    summary: str


class ActorMatcher:
    """Find actor mentions by alias; case-sensitive for proper nouns, word-bounded."""

    def __init__(self, actors: list[Actor]):
        self.actors = actors
        terms = []
        for a in actors:
            for t in a.terms:
                terms.append((fold(t), a.name))
        terms.sort(key=lambda x: -len(x[0]))
        self._alias = {t: n for t, n in terms}
        alts = "|".join(re.escape(t) for t, _ in terms)
        # aliases may be followed by a possessive or a hyphenated compound ("U.S.-brokered")
        self._rx = re.compile(r"(?<![\w.])(" + alts + r")(?='s\b|(?![\w]))") if terms else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if not self._rx:
            return []
        return [(m.start(), m.end(), self._alias[m.group(1)]) for m in self._rx.finditer(fold(text))]


_PRONOUN = lazy(r"^(?:he|she|his|her)\b", re.I)
_REPORT_FRAME = lazy(r"\b(?:reports?|reporting|word)\s+(?:\w+\s+)?that\s+", re.I)
_SUB_CLAUSE = lazy(r",\s+(?:as|while|whereas|with|when)\s+", re.I)
_COPULA_NP = lazy(r"^(?:is|are|was|were)\s+(?:(?:a|an|the|one|its|their|his|her|also|still|now|not)\b|[A-Z][\w'’]*(?:'s|’s)?\s)")


def _head_actors(subject: str, matcher: ActorMatcher) -> list[str]:
    """Actors heading the subject: mentions not governed by a preposition."""
    found = []
    for s, e, name in matcher.find(subject):
        before = fold(subject[:s]).lower().split()
        if any(w.strip(",") in PREPS for w in before):
            continue
        if name not in found:
            found.append(name)
    return found


def _clause_actors(clause: str, matcher: ActorMatcher, prev: list[str]) -> tuple[list[str], bool]:
    """(actors, is_pronoun_subject) for one clause."""
    subj, rest = subject_zone(clause)
    if not rest:
        return [], False
    if COMMENTARY.search(subj):
        return [], False
    if _COPULA_NP.match(rest):
        return [], False           # a description ("X is Y's largest buyer"), not a stance
    if EVALUATIVE_PASSIVE.match(rest) or EVALUATIVE_PASSIVE.search(" ".join(rest.split()[:4])):
        return [], False
    if re.match(r"^(?:it|there)\b", subj.strip(), re.I):
        return [], False           # "It signals Washington may ...": an expletive subject
    if re.match(r"^[A-Z]?[a-z]+ing\b", subj.strip()):
        return [], False           # a gerund subject: "Isolating Iran ... tells one story"
    if _PRONOUN.match(subj.strip()):
        return list(prev), True
    return _head_actors(subj, matcher), False


def positions_in(article, matcher: ActorMatcher) -> list[Position]:
    out: list[Position] = []
    prev: list[str] = []
    for sent in article.sentences:
        text = sent.text
        main = strip_lead(text)
        if COMMENTARY.search(subject_zone(main)[0]):
            prev = []
            continue
        actors, pron = _clause_actors(main, matcher, prev)
        if not actors:
            # a report frame: "... as reports emerge that Israel is seeking ..."
            m = _REPORT_FRAME.search(main)
            if m:
                actors, _ = _clause_actors(main[m.end():], matcher, prev)
        if not actors:
            # a subordinate clause with its own actor subject: ", as Netanyahu seeks ..."
            for m in _SUB_CLAUSE.finditer(main):
                sub = main[m.end():]
                if COMMENTARY.search(subject_zone(sub)[0]):
                    continue
                a2, _ = _clause_actors(sub, matcher, [])
                if a2:
                    actors = a2
                    break
        if actors and not pron:
            prev = actors if len(actors) == 1 else []
        elif not actors:
            subj = subject_zone(main)[0]
            if not _PRONOUN.match(subj.strip()):
                prev = []
        for a in actors:
            out.append(Position(a, article.id, sent.index, text, summarize(text)))
    return out
