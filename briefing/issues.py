"""Issues: what the actors' claims are about, discovered from the set.

A few issues per briefing, each labelled with a short noun phrase drawn from the claims ("nuclear
talks", "border crossings"). An issue is a term that claims of at least two actors share; claims
are assigned to the issue whose term they carry (the commonest first). The matrix in the layouts
is actors × issues, one stance line per cell.

Rules over the claims' own words, nothing about any story: terms are content words (stemmed)
that are not actor names, reporting verbs or generic words.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

from .extract.chronology import STOP, _stem

# words that say nothing about what a claim concerns
GENERIC = set("""said says say told would will could should must might may also which that this these those
there their them they its his her our we you your any all some more most other such only just very much
many new like even still already well make made makes take taken give given want wants wanted need needs
told tell tells added add stated state states statement statements comment comments remark remarks
government governments official officials minister ministry ministers president spokesperson spokesman
country countries nation nations side sides issue issues matter matters situation way ways time times
week weeks month months year years day days today yesterday tomorrow monday tuesday wednesday thursday
friday saturday sunday january february march april june july august september october november december
people person thing things part parts point points number numbers first second third last next one two
three four five several both each every either neither whether because however although though while
called call calls urged urge warned warn demanded demand rejected reject support supported oppose opposed
continue continued remain remains believe believes believed hope hopes expect expects expected
reportedly allegedly according report reports reported against outside inside potential possible further within
without across toward towards between among amid around about above below under beyond along despite until
since unless after before during following ahead instead rather""".split())


_VERB_CUES = {"to", "will", "would", "could", "should", "can", "may", "might", "must", "not", "they", "we", "he",
              "she", "it", "i", "never", "also", "did", "does", "do"}


def _tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text)]


def discover(actors: list[dict], limit: int = 5, min_actors: int = 2) -> list[dict]:
    """Issues from the claims: [{id, label, claims: [position ids]}], the most shared first.
    Each claim belongs to at most one issue."""
    actor_words = set()
    for a in actors:
        for t in [a["name"], *(a.get("aliases") or [])]:
            actor_words.update(_stem(w.lower()) for w in _tokens(t))
    claims = []       # (actor, position, stems, tokens)
    for a in actors:
        for p in a.get("positions") or []:
            toks = _tokens(p.get("claim") or p.get("summary") or "")
            stems = []
            low = [w.lower().strip("'") for w in toks]
            for j, w in enumerate(toks):
                lw = low[j]
                if lw in STOP or lw in GENERIC or len(lw) < 4 or w[:1].isupper():
                    continue             # names of places and people label nothing
                if lw.endswith("ed") or (j > 0 and low[j - 1] in _VERB_CUES):
                    continue             # a verb ("expressed", "to meet"), not what the claim is about
                nxt = low[j + 1] if j + 1 < len(low) else ""
                if nxt and nxt not in STOP and nxt not in GENERIC and len(nxt) >= 4 and toks[j + 1][:1].islower() \
                        and not nxt.endswith(("ed", "ly")):
                    continue             # a modifier ("military" in "military strikes"): count the head
                st = _stem(lw)
                if st in actor_words:
                    continue
                stems.append(st)
            claims.append((a["name"], p, set(stems), toks))
    remaining = list(range(len(claims)))
    issues = []
    while remaining and len(issues) < limit:
        by_term: dict[str, set[str]] = defaultdict(set)
        count: Counter = Counter()
        for i in remaining:
            for st in claims[i][2]:
                by_term[st].add(claims[i][0])
                count[st] += 1
        cands = [t for t in by_term if len(by_term[t]) >= min_actors and count[t] >= 2]
        if not cands:
            break
        term = max(cands, key=lambda t: (len(by_term[t]), count[t], t))
        members = [i for i in remaining if term in claims[i][2]]
        label = _label(term, [claims[i][3] for i in members])
        ids = [claims[i][1]["id"] for i in members if claims[i][1].get("id")]
        issues.append({"id": "i-" + hashlib.sha1(term.encode()).hexdigest()[:6], "label": label, "claims": ids})
        remaining = [i for i in remaining if i not in set(members)]
    return issues


def _label(term: str, token_lists: list[list[str]]) -> str:
    """The commonest short phrase around the term: 'nuclear talks', 'border crossings'."""
    phrases: Counter = Counter()
    words: Counter = Counter()
    for toks in token_lists:
        low = [t.lower() for t in toks]
        for j, w in enumerate(low):
            if _stem(w) != term:
                continue
            words[w] += 1
            if j > 0 and low[j - 1] not in STOP and low[j - 1] not in GENERIC and len(low[j - 1]) > 3 \
                    and toks[j - 1][:1].islower():
                phrases[f"{low[j - 1]} {w}"] += 1
    if phrases:
        ph, n = phrases.most_common(1)[0]
        if n >= 2:
            return ph
    return words.most_common(1)[0][0] if words else term


def matrix(actors: list[dict], issues: list[dict]) -> list[dict]:
    """Rows per actor: for each issue, the actor's best-supported claim on it (or None)."""
    rows = []
    for a in actors:
        by_id = {p.get("id"): p for p in a.get("positions") or []}
        cells = []
        for iss in issues:
            mine = [by_id[c] for c in iss["claims"] if c in by_id]
            mine.sort(key=lambda p: (-len(p.get("sources") or []), p.get("id") or ""))
            cells.append(mine[0] if mine else None)
        rows.append({"actor": a["name"], "cells": cells})
    return rows
