"""Chronology: dated events from the articles, one entry per event.

Each entry keeps the expression as written (span), the resolved date, its precision, whether
the year (or the whole date) was inferred and from what anchor, and flags such as ``anomaly``.
"""
from __future__ import annotations

import calendar
from collections import Counter
import datetime as dt
import heapq
import re
from functools import lru_cache
from statistics import median

from .attribution import strip_dateline
from .common import _MID_ATTR, compose_claim, fold, strip_lead, strip_trailing_attribution
from .dates import is_future, resolve, tag
from ..lazyre import lazy

_WORD = lazy(r"[A-Za-z][A-Za-z'-]+")
STOP = set("""a an the and or but of to in on at for from with by as is are was were be been has have had
this that these those it its their his her they he she which who whom when where while than then
will would could should may might can also not no into over after before about during""".split())


@lru_cache(maxsize=65536)
def _stem(w: str) -> str:
    for suf in ("ations", "ation", "ions", "ion", "ings", "ing", "ies", "ied", "es", "ed", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


@lru_cache(maxsize=65536)
def content_words(s: str) -> frozenset[str]:
    return frozenset(_stem(w.lower()) for w in _WORD.findall(fold(s)) if w.lower() not in STOP and len(w) > 2)


def overlap(a: str, b: str) -> float:
    return overlap_sets(content_words(a), content_words(b))


def overlap_sets(wa: frozenset, wb: frozenset) -> float:
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


class NearDuplicates:
    """Find an earlier item whose words overlap a new one's enough, without comparing every pair:
    candidates come from an inverted index over the rarer words (a word shared by very many
    items says little and is skipped), so cost grows about linearly with the number of items."""

    def __init__(self, common: int = 200):
        self.items: list = []
        self.words: list[frozenset] = []
        self.postings: dict[str, list[int]] = {}
        self.exact: dict[frozenset, list[int]] = {}
        self.common = common

    def find(self, words: frozenset, threshold: float, accept=lambda i: True) -> int | None:
        if not words:
            return None
        for i in self.exact.get(words, ()):           # the same words again: the commonest case
            if accept(i):
                return i
        counts: Counter = Counter()
        for w in words:
            post = self.postings.get(w)
            if post and len(post) <= self.common:
                counts.update(post)
        # the few items sharing the most rare words are the only ones worth a full comparison;
        # ties go to the earlier item (never to the order a frozenset happens to iterate in)
        for i, _ in heapq.nsmallest(25, counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if overlap_sets(words, self.words[i]) >= threshold and accept(i):
                return i
        return None

    def add(self, item, words: frozenset) -> int:
        i = len(self.items)
        self.items.append(item)
        self.words.append(words)
        self.exact.setdefault(words, []).append(i)
        for w in words:
            self.postings.setdefault(w, []).append(i)
        return i


@lru_cache(maxsize=65536)
def event_summary(sentence: str, start: int, end: int, max_words: int = 25) -> str:
    """The clause that carries the date, attribution trimmed, about 25 words at most."""
    after = sentence[end:]
    m = re.match(r"\s*,\s*(?:when|as|after|where)\s+|\s+(?:when|where)\s+", after)
    weak_lead = re.search(r"\b(?:traces?|dates?|goes|went|go|traced|dated) back to\s*$|\b(?:began|started|begins|starts)\s+(?:on|in)?\s*$|^\W*(?:on|in)?\s*$",
                          sentence[:start], re.I)
    if m and weak_lead:
        text = after[m.end():]
    else:
        before = sentence[:start].rstrip()
        lead = re.sub(r"\b(?:on|in|since|by|during|at|as recently as|back in|until|from)\s*$", "", before, flags=re.I).rstrip(" ,")
        if not lead or re.fullmatch(r"(?i)(?:just|only|yet|and|but|so|however)?", lead.strip()):
            text = after.lstrip(" ,")
        else:
            main = strip_lead(sentence)
            # the date sat in a leading phrase ("In a meeting in December 2025, X told Y ..."):
            # the main clause is the event
            text = main if sentence[start:end] not in main else strip_lead(sentence)
    text = _MID_ATTR.sub("", strip_trailing_attribution(text.strip()))
    text = strip_dateline(text)
    # a shorter clause when the sentence runs on: a subordinate clause dropped whole, never cut
    # mid-clause; hedges ("reportedly") stay
    text = compose_claim(text, max_words)
    hedge = re.search(r"\b(?:reportedly|allegedly|apparently)\b", sentence)
    if hedge and hedge.group(0) not in text:
        text = f"{text.rstrip('.')} (reportedly)" if hedge.group(0) == "reportedly" else f"{text.rstrip('.')} ({hedge.group(0)})"
    text = text.strip().rstrip(",;:")
    if not re.search(r"\w", text):
        # nothing beyond the date itself ("Monday:"): the sentence is the best summary there is
        text = sentence.strip().rstrip(",;:") or sentence.strip()
    if text and text[-1] not in ".!?…\"'”’":
        text += "."
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=65536)
def _future(sentence: str) -> bool:
    return is_future(sentence)


def _found(art) -> list:
    """(sentence index, Mention) of an article: from the pipeline's cache, else tagged now."""
    if getattr(art, "mentions", None) is not None:
        return art.mentions
    return [(s.index, m) for s in art.sentences for m in tag(s.text)]


def mentions(articles, as_of: dt.date | None) -> list[dict]:
    """Every date mention of every article, resolved, as chronology entries (not yet merged)."""
    out = []
    for art in articles:
        by_index = {s.index: s for s in art.sentences}
        for idx, men in _found(art):
            s = by_index[idx]
            r = resolve(men, s.text, art.published, as_of)
            out.append({
                "date": r.date,
                "precision": r.precision,
                "year_inferred": r.year_inferred,
                "span": men.span,
                "summary": event_summary(s.text, men.start, men.end),
                "sources": [art.id],
                "flags": [] if r.date else ["undated"],
                "inferred": r.inferred,
                "basis": r.basis,
                **({"until": r.date[:8] + f"{men.day2:02d}"} if men.day2 and r.date else {}),
                "quote": s.text,
                "_anaphoric": men.anaphoric,
                "_explicit_year": men.kind == "absolute" and men.year is not None,
                "_future": _future(s.text),
                "_order": (art.id, s.index, men.start),
            })
    return out


def infer_anchor(articles) -> dt.date | None:
    """The latest explicit date with a year in the set (day or month precision)."""
    best = None
    for art in articles:
        for _, men in _found(art):
            if men.kind == "absolute" and men.year and men.precision in ("day", "month"):
                # a month stands for its last day: a text naming "December 2025" is not older
                last = calendar.monthrange(men.year, men.month)[1]
                d = dt.date(men.year, men.month, men.day or last)
                if best is None or d > best:
                    best = d
    return best


def _as_date(e) -> dt.date:
    parts = [int(x) for x in str(e["date"]).split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def flag_anomalies(entries: list[dict], as_of: dt.date | None) -> None:
    dated = [e for e in entries if e["date"]]
    years = sorted(_as_date(o).year for o in dated)
    overall = median(years) if years else None
    for e in dated:
        if not e["_explicit_year"] or e["precision"] == "year":
            continue
        d = _as_date(e)
        # the median of the other dates (for a large set, one date does not move it)
        if len(years) > 50:
            others, mid = years, overall
        else:
            others = [_as_date(o).year for o in dated if o is not e]
            mid = median(others) if others else None
        reason = basis = None
        if as_of and e["_future"] and d < as_of - dt.timedelta(days=365):
            reason = (f"the sentence speaks of the future, but the date is more than a year before "
                      f"the as-of date ({as_of.isoformat()}); kept as written")
            basis = {"kind": "future_before_as_of", "ref": as_of.isoformat()}
        elif len(others) >= 3 and abs(d.year - mid) >= 2:
            reason = f"far from every other date in the set (median year {int(mid)}); kept as written"
            basis = {"kind": "far_from_set", "ref": str(int(mid))}
        if reason:
            e["flags"].append("anomaly")
            e["anomaly"] = reason
            e["anomaly_basis"] = basis


def build_chronology(articles, as_of: dt.date | None) -> list[dict]:
    raw = mentions(articles, as_of)
    flag_anomalies(raw, as_of)
    merged: list[dict] = []
    groups: dict[tuple, NearDuplicates] = {}
    for e in raw:
        target = None
        if e["date"]:
            idx = groups.setdefault((e["date"], e["precision"]), NearDuplicates())
            art = e["sources"][0]
            # same article: an anaphoric mention, or a close summary; other articles: a close quote
            for i, m in enumerate(idx.items):
                if m["sources"][0] == art and (e["_anaphoric"] or m["_anaphoric"] or overlap(m["summary"], e["summary"]) >= 0.3):
                    target = m
                    break
                if i > 50:
                    break
            if target is None:
                j = idx.find(content_words(e["quote"]), 0.3, accept=lambda i: idx.items[i]["sources"][0] != art)
                target = idx.items[j] if j is not None else None
        if target:
            for s_ in e["sources"]:
                if s_ not in target["_srcset"]:
                    target["sources"].append(s_)
                    target["_srcset"].add(s_)
            if target["_anaphoric"] and not e["_anaphoric"]:
                for k in ("span", "summary", "quote", "year_inferred", "inferred", "basis"):
                    target[k] = e[k]
                target["_anaphoric"] = False
            continue
        item = dict(e)
        item["_srcset"] = set(e["sources"])
        merged.append(item)
        if e["date"]:
            groups[(e["date"], e["precision"])].add(item, content_words(e["quote"]))
    merged.sort(key=lambda e: (e["date"] is None, str(e["date"] or ""), e["_order"]))
    for e in merged:
        for k in [k for k in e if k.startswith("_")]:
            del e[k]
    return merged
