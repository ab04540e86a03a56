"""Chronology: dated events from the articles, one entry per event; and what is coming up.

A dated mention becomes an event only when its date attaches to something that happened (or is
scheduled) in its clause. Not events: datelines and labels, durations ("the past year", "for 48
hours"), comparison baselines ("since 2008", "than in any year since it began testing in 1984"),
years that name a thing ("the 2014 ruling", "in 1953 armistice"), statistics ("$4bn last year")
and vague "this year / this month / this week" commentary.

Each entry keeps the expression as written (span), the resolved date, its precision, whether
the year (or the whole date) was inferred and from what anchor, and flags such as ``anomaly``
(far from the rest of the set, a future sentence dated long ago, a weekday that disagrees with
the calendar) and ``scheduled`` (the text announced it; the date has passed by the as-of date).
Scheduled events still after the as-of date are not in the chronology: they are ``ahead``.
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
from .common import _MID_ATTR, compose_claim, fold, strip_lead, strip_trailing_attribution, subject_zone
from .dates import _FUT, WEEKDAYS, Mention, Resolved, is_future, resolve, tag, timexes, weekday_conflict
from ..lazyre import lazy

_WORD = lazy(r"[A-Za-z][A-Za-z'-]+")
STOP = set("""a an the and or but of to in on at for from with by as is are was were be been has have had
this that these those it its their his her they he she which who whom when where while than then
will would could should may might can also not no into over after before about during""".split())


@lru_cache(maxsize=8192)
def _stem(w: str) -> str:
    for suf in ("ations", "ation", "ions", "ion", "ings", "ing", "ies", "ied", "es", "ed", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


@lru_cache(maxsize=8192)
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

    def __init__(self, common: int = 64):
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


# ---------------------------------------------------------------------------------------------
# Boilerplate around a sentence: a headline run into a dateline, datelines, labels, live-blog stamps
# ---------------------------------------------------------------------------------------------

_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DL_DATE = (rf"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
            rf"(?:{_MON}\s+\d{{1,2}}(?:(?:,?\s+|/)(?:19|20)\d\d)?|\d{{1,2}}\s+{_MON}(?:,?\s+(?:19|20)\d\d)?)")
_SEP = r"\s*(?:-{1,2}|–|—|:)\s+"
_AGENCY = r"\s*\([A-Z][\w .&'’/-]{1,30}\)"
_PLACE = r"[A-Z][\w.'’-]*(?:[ -][A-Z][\w.'’-]*){0,3}(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,2})?"
_CAPS_PLACE = r"[A-Z][A-Z.'’-]{2,}(?:[ -][A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,2})?"
_BOILER = [
    # "LIMA, March 3 (Reuters) -", "Addis Ababa, September 6/2024 (ENA) –", "OSLO, Feb. 15 (NTB) --"
    re.compile(rf"^\s*{_PLACE},\s+{_DL_DATE}(?:{_AGENCY})?{_SEP}"),
    # "NAIROBI:", "OGA, Akita —", "SEOUL (Reuters) -"
    re.compile(rf"^\s*{_CAPS_PLACE}(?:{_AGENCY})?{_SEP}"),
    # "(Reuters) -", "May 10, Anadolu -"
    re.compile(rf"^\s*\([A-Z][\w .&'’-]{{1,30}}\){_SEP}"),
    re.compile(rf"^\s*{_DL_DATE},\s*[A-Z][\w&'’-]{{1,30}}{_SEP}"),
    # "📌 KEY FACTS:", "KEY POINTS:", "BREAKING:", "UPDATE 2 -"
    re.compile(r"^\s*[^\w\s\"'“‘(]*\s*[A-Z][A-Z0-9 ]{2,30}(?::|\s[-–—])\s*"),
    # live-blog stamps: "17:40 GMT —"
    re.compile(r"^\s*\d{1,2}[:.]\d\d\s*(?:GMT|UTC|[ECMP][SD]T|local time|a\.?m\.?|p\.?m\.?)?\s*[-–—:]\s+"),
]
# a headline run into the dateline of a bare text ("Kenya urges restraint ... NAIROBI, Sept 10 (Reuters) - Kenya ...")
_MID_DATELINE = re.compile(rf"(?:^|\s){_CAPS_PLACE},\s+{_DL_DATE}(?:{_AGENCY})?{_SEP}|(?:^|\s){_PLACE},\s+{_DL_DATE}{_AGENCY}{_SEP}")


@lru_cache(maxsize=8192)
def boilerplate_end(sentence: str) -> int:
    """Where the sentence proper starts: after a headline run into a dateline, a dateline, a
    label ("📌 KEY FACTS:") or a live-blog time stamp (0 if there are none)."""
    pos = 0
    for _ in range(3):
        rest = sentence[pos:]
        for rx in _BOILER:
            m = rx.match(rest)
            if m and len(rest) - m.end() > 12:
                pos += m.end()
                break
        else:
            m = _MID_DATELINE.search(rest[:300])
            if m and m.start() > 0 and len(rest) - m.end() > 12:
                pos += m.end()
                continue
            break
    return pos


def clean_sentence(sentence: str) -> str:
    """The sentence without its dateline, label or headline: what may be printed or quoted."""
    return sentence[boilerplate_end(sentence):].strip()


# ---------------------------------------------------------------------------------------------
# Events, not date mentions
# ---------------------------------------------------------------------------------------------

_VAGUE = {"this year", "this month", "this week", "this weekend", "last year", "past year", "the past year",
          "past week", "past month", "past decade", "earlier this year", "later this year", "earlier this month",
          "later this month", "earlier this week", "later this week"}
_NAMED = re.compile(r"\s+((?:[\w'’-]+\s+){0,3}?)(?:accords?|agreements?|deals?|treat(?:y|ies)|armistice|rulings?|judge?ments?|"
                    r"wars?|conventions?|protocols?|memorand(?:um|a)|pacts?|resolutions?|constitution|laws?|acts?|"
                    r"elections?|ceasefire|truce|charter|declaration|accord|uprising|revolution|coup|census|"
                    r"olympics|world cup|games|budget|plan|framework|settlement|agenda|vision|strategy)\b", re.I)
_NOT_ADJ = {"the", "a", "an", "when", "and", "but", "was", "were", "is", "are", "has", "had", "have", "to", "that",
            "which", "who", "it", "its", "their", "his", "her", "with", "by", "on", "in", "at", "after", "before",
            "as", "signed", "agreed", "reached", "held", "won", "lost"}
_STAT = re.compile(r"[$€£¥]\s?\d|\d\s?(?:%|per ?cent\b|bn\b|billion\b|million\b|tonnes\b|tons\b|barrels\b)|"
                   r"\b(?:worth|topped|totall?ed|amounted|averaged)\b", re.I)
_BASELINE_BEFORE = re.compile(r"\b(?:since|than)\b[^,;:()]{0,50}$", re.I)


def _clause_window(text: str, start: int) -> str:
    """The words before a date within its clause (at most 80 characters)."""
    lo = max(text.rfind(", ", 0, start), text.rfind("; ", 0, start), text.rfind(" — ", 0, start),
             text.rfind(" – ", 0, start), text.rfind(". ", 0, start), text.rfind("(", 0, start))
    return text[max(lo + 1, start - 80, 0):start]


def scheduled(text: str, men: Mention) -> bool:
    """The date is that of something announced, expected or planned: a future or modal verb in
    its own clause ("said on Tuesday it would host talks in Ankara on Thursday": Thursday is,
    Tuesday is not), or a forward-looking expression ("next week", "tomorrow")."""
    if men.rel in ("next", "tomorrow"):
        return True
    if men.rel in ("last", "yesterday", "ago"):
        return False
    window = _clause_window(text, men.start)
    return bool(_FUT.search(window) or _SCHED_PRESENT.search(window))


# a present tense that schedules: "the mandate expires on December 31", "talks open in Geneva on Monday"
_SCHED_PRESENT = re.compile(r"(?i)\b(?:expires|ends|begins|starts|opens|closes|resumes|lapses|runs out|takes effect|"
                            r"falls due|is due|are due|(?:is|are) (?!being\b)\w+ing)\b[^.,;]*$")


def not_an_event(text: str, men: Mention, txs) -> str | None:
    """Why a dated mention is not the date of an event (None if it is)."""
    span = men.span.lower()
    bare = re.sub(r"^(?:in|on|at|by|during|since|until|from|over|for|of|the|throughout)\s+", "", span)
    if span in _VAGUE or bare in _VAGUE:
        return "vague"
    for t in txs:
        if t.type in ("DURATION", "SET") and t.start < men.end and men.start < t.end:
            return "duration"
    if men.precision == "year" and men.kind == "absolute":
        if span.startswith("since") or _BASELINE_BEFORE.search(text[:men.start]):
            return "baseline"
        m = _NAMED.match(text[men.end:men.end + 70])
        if m and not any(w.lower() in _NOT_ADJ for w in m.group(1).split()):
            return "name"
        lo = max(text.rfind(",", 0, men.start), text.rfind(";", 0, men.start))
        hi = min([i for i in (text.find(",", men.end), text.find(";", men.end)) if i != -1] or [len(text)])
        if _STAT.search(text[lo + 1:hi]):
            return "statistic"
    if men.kind == "relative" and men.unit in ("year",) and men.rel in ("last", "this"):
        return "vague"
    return None


# ---------------------------------------------------------------------------------------------
# The event clause
# ---------------------------------------------------------------------------------------------

_TRAIL_SAID = re.compile(r",\s+((?:[\w'’.-]+\s+){1,8}?(?:said|says|announced|added|reported|confirmed|stated|told\s+[\w\s]{2,30}?)\s+"
                         r"[^,\"“”]{0,40})$")
_SUB_CONJ = re.compile(r"(?i)^(?:when|after|as|before|once|while|since|until|because|following)\s+")
_LATER_CLAUSE = re.compile(r",\s+(?P<conj>after|when|as|before|once|because|following|which|who)\s+")
_INTERJECTION = re.compile(r",\s+(?:when|as|where|while)\s[^,]{3,80},\s+(?=that\b)")


def _event_clause(text: str, start: int, end: int) -> str | None:
    """The clause holding the date when it is not the main one: a leading "When X ..., Y" or a
    later ", after X ..." / ", which ..." clause with its own verb."""
    # leading subordinate clause: "When a missile splashed down ... last week, the reaction ..."
    if _SUB_CONJ.match(text):
        comma = text.find(", ")
        if comma > end:
            clause = _SUB_CONJ.sub("", text[:comma])
            if subject_zone(clause)[1] and len(clause.split()) >= 4:
                return clause
    # a later clause holding the date: ", after the United States ... requested a meeting on Wednesday"
    for m in _LATER_CLAUSE.finditer(text):
        if m.end() > start:
            break
        nxt = [i for i in (text.find(", ", m.end()), text.find("; ", m.end())) if i != -1]
        stop = min(nxt) if nxt else len(text)
        if not (m.end() <= start and end <= stop):
            continue
        clause = text[m.end():stop].rstrip(" .")
        if m.group("conj") in ("which", "who"):
            head = text[:m.start()]
            head = head[head.rfind(", ") + 2:] if ", " in head else head
            if len(head.split()) > 8 or not re.match(r"[A-Z]", head):
                # the antecedent is the noun phrase just before: "... delegations to the meetings, which ..."
                np_ = re.search(r"\b(?:the|a|an|its|their|his|her|this|these)\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+$", head)
                if not np_:
                    return None
                head = np_.group(0)
            clause = f"{head[:1].upper()}{head[1:]} {clause}"
        elif not subject_zone(clause)[1]:
            return None
        if len(clause.split()) >= 4:
            return clause
    return None


def shorter_clause(text: str, limit: int = 25) -> str:
    """``compose_claim``, and when it finds no finite verb it knows and the clause still runs
    over the limit: the longest head within the limit (else the shortest) ending at a clause
    boundary (", with ...", ", which ...", "; ..."), never cut mid-clause."""
    from .common import _CLAUSE_BREAKS
    t = compose_claim(text, limit)
    if len(t.split()) <= limit:
        return t
    best = first = None
    for m in _CLAUSE_BREAKS.finditer(t):
        head = t[:m.start()].rstrip(",;: ")
        n = len(head.split())
        if n < 6 or head.count('"') % 2 or head.count("“") != head.count("”") or head.count("(") != head.count(")"):
            continue
        first = first or head
        if n <= limit:
            best = head
    return (best or first or t).rstrip(",;: ")


@lru_cache(maxsize=8192)
def event_summary(sentence: str, start: int, end: int, max_words: int = 25) -> str:
    """The clause that carries the date, attribution trimmed, about 25 words at most, never cut
    mid-clause; hedges kept; datelines and labels never printed."""
    off = boilerplate_end(sentence)
    if off and start >= off:
        sentence, start, end = sentence[off:], start - off, end - off
    after = sentence[end:]
    m = re.match(r"\s*,\s*(?:when|as|after|where)\s+|\s+(?:when|where)\s+", after)
    weak_lead = re.search(r"\b(?:traces?|dates?|goes|went|go|traced|dated) back to\s*$|\b(?:began|started|begins|starts)\s+(?:on|in)?\s*$|^\W*(?:on|in)?\s*$",
                          sentence[:start], re.I)
    sub = _event_clause(sentence, start, end)
    attr = _TRAIL_SAID.search(sentence.rstrip(" ."))
    if attr and start >= attr.start(1) and not sub:
        # the date is the saying's ("..., the ministry said on Wednesday"): the event is the statement
        main = sentence[:attr.start()].strip()
        if main and main[0] not in "\"“'‘":
            first = main.split()[0]
            if first in ("The", "A", "An", "It", "They", "He", "She", "We", "This", "That", "Its", "Their"):
                main = main[:1].lower() + main[1:]
            said = attr.group(1).strip()
            sub = f"{said[:1].upper()}{said[1:]} that {main}"
    if m and weak_lead:
        text = after[m.end():]
    elif sub:
        text = sub
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
    text = _INTERJECTION.sub(" ", text)
    text = _MID_ATTR.sub("", strip_trailing_attribution(text.strip()))
    text = strip_dateline(clean_sentence(text) or text)
    # a shorter clause when the sentence runs on: a subordinate clause dropped whole, never cut
    # mid-clause; hedges ("reportedly") stay
    text = shorter_clause(text, max_words)
    hedge = re.search(r"\b(?:reportedly|allegedly|apparently|purportedly|(?:is|are|was|were) said to|"
                      r"(?:is|are|was|were) believed to|(?:is|are|was|were) reported to)\b", sentence, re.I)
    if hedge and not re.search(re.escape(hedge.group(0)), text, re.I):
        word = hedge.group(0).lower()
        word = word if word.endswith("ly") else "reportedly"
        text = f"{text.rstrip('.')} ({word})"
    text = text.strip().rstrip(",;:")
    if not re.search(r"\w", text):
        # nothing beyond the date itself ("Monday:"): the sentence is the best summary there is
        text = clean_sentence(sentence).rstrip(",;:") or sentence.strip()
    if text and text[-1] not in ".!?…\"'”’)":
        text += "."
    text = text.rstrip("…") if text.endswith("…") else text
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=8192)
def _future(sentence: str) -> bool:
    return is_future(sentence)


def _found(art) -> list:
    """(sentence index, Mention) of an article: from the pipeline's cache, else tagged now."""
    if getattr(art, "mentions", None) is not None:
        return art.mentions
    return [(s.index, m) for s in art.sentences for m in tag(s.text)]


# ---------------------------------------------------------------------------------------------
# Anchors from the text
# ---------------------------------------------------------------------------------------------

def _head(art) -> str:
    """The opening of an article's body, line by line, as the dateline reader expects it."""
    out, n = [], 0
    for s in art.sentences[:4]:
        m = _MID_DATELINE.search(s.text[:300])
        # a headline run into the dateline: the dateline opens a line of its own
        out.append(s.text[:m.start()] + "\n" + s.text[m.start():].lstrip() if m and m.start() > 0 else s.text)
        n += len(s.text)
        if n > 600:
            break
    return "\n".join(out)


def redate_from_datelines(articles, as_of: dt.date | None) -> None:
    """Articles whose publication date was read from a dateline without a year: the year is the
    one that puts the day nearest the briefing's as-of date (else the latest publication date
    from metadata, else the latest explicit date of the set), on the weekday the dateline names
    if it names one. The loader could only guess it against today's date."""
    from .dates import infer_anchor as dateline_anchor
    todo = [a for a in articles if (getattr(a, "published_inferred", None) and "year inferred" in a.published_inferred)
            or (a.published is None and getattr(a, "published_partial", None))]
    if not todo:
        return
    ref = as_of
    if ref is None:
        ref = max((a.published for a in articles if a.published and not getattr(a, "published_inferred", None)), default=None)
    if ref is None:
        ref = infer_anchor([a for a in articles if a not in todo])
    if ref is None:
        return
    for a in todo:
        found = dateline_anchor(_head(a), today=ref + dt.timedelta(days=183))
        if not found:
            continue
        d, _, how = found
        wd = re.search(r"that is a (\w+)", how)
        # the nearest such day to the reference, not merely the latest before it
        cands = []
        for y in (ref.year - 1, ref.year, ref.year + 1):
            try:
                c = dt.date(y, d.month, d.day)
            except ValueError:
                continue
            if wd and calendar.day_name[c.weekday()] != wd.group(1):
                continue
            cands.append(c)
        if cands:
            d = min(cands, key=lambda c: (abs((c - ref).days), c > ref))
        a.published = d
        dl = re.search(r"dateline '([^']*)'", how)
        a.published_inferred = (f"inferred from the dateline '{dl.group(1)}'" if dl else "inferred from the text") + \
            f"; year inferred: the {d.strftime('%B')} {d.day} nearest the reference date ({ref.isoformat()})"


def infer_anchor(articles) -> dt.date | None:
    """The as-of date of a set without one: the latest explicit date with a year (day or month
    precision), or a year-less day whose year is certain from its weekday ("Tuesday, May 13")
    or else taken from the latest dated year (``dates.infer_as_of``)."""
    from .dates import infer_as_of
    men = [m for art in articles for _, m in _found(art)]
    got = infer_as_of(men)
    return got[0] if got else None


# ---------------------------------------------------------------------------------------------
# Resolution and anomalies
# ---------------------------------------------------------------------------------------------

def _resolve(men: Mention, text: str, published, as_of, sched: bool, last_week: bool, lede: bool = False) -> Resolved:
    """``resolve``, with the direction of the clause (scheduled or not) and two readings of
    weekdays: "Thursday ... last week" is last week's, and a weekday in an article dated only by
    the full date of its lede falls on or after that date (the lede tells the first event; the
    article was written later)."""
    r = resolve(men, text, published, as_of)
    if r.date is None:
        return r
    anchor = published or as_of
    if men.kind == "absolute" and men.year is None and men.rel not in ("last", "next", "this") and anchor:
        key = (men.month, men.day or 1)
        akey = (anchor.month, anchor.day) if men.precision == "day" else (anchor.month, 1)
        y = (anchor.year if key >= akey else anchor.year + 1) if sched else (anchor.year if key <= akey else anchor.year - 1)
        date = f"{y:04d}-{men.month:02d}" + (f"-{men.day:02d}" if men.precision == "day" else "")
        name = "the article's publication date" if published else "the briefing's as-of date"
        return Resolved(date, men.precision, True,
                        f"year inferred: {'next' if sched else 'most recent'} {calendar.month_name[men.month]} "
                        f"{'on or after' if sched else 'not after'} {name} ({anchor.isoformat()})",
                        {"rule": "future" if sched else "past", "anchor": "published" if published else "as_of",
                         "date": anchor.isoformat()})
    if men.kind == "relative" and men.weekday is not None and published and men.rel in (None, "weekday", "this"):
        p = published
        if last_week:
            d = p - dt.timedelta(days=p.weekday() + 7) + dt.timedelta(days=men.weekday)
        elif sched or lede:
            d = p + dt.timedelta(days=(men.weekday - p.weekday()) % 7)
        else:
            d = p - dt.timedelta(days=(p.weekday() - men.weekday) % 7)
        return Resolved(d.isoformat(), "day", True, r.inferred, r.basis)
    return r


_YEAR_IN = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_WD_IN = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def _as_date(e) -> dt.date:
    parts = [int(x) for x in str(e["date"]).split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _quote_of(e: dict) -> str:
    sup = e.get("support")
    if isinstance(sup, list) and sup and isinstance(sup[0], dict) and sup[0].get("quote"):
        return str(sup[0]["quote"])
    return str(e.get("quote") or e.get("summary") or "")


def flag_anomalies(entries: list[dict], as_of: dt.date | None) -> None:
    """Judge every dated entry from what the document itself says (span, date, quote, as-of
    date), so that the same judgement can be made again on an edited file: a date far from
    every other one of the set, a future sentence dated more than a year before the as-of date,
    a weekday that is not the date's. Earlier anomaly flags are dropped first."""
    for e in entries:
        if not isinstance(e, dict):
            continue
        e["flags"] = [f for f in (e.get("flags") or []) if f not in ("anomaly", "weekday_conflict")]
        for k in ("anomaly", "anomaly_basis"):
            e.pop(k, None)
    dated = []
    for e in entries:
        if not isinstance(e, dict) or not e.get("date"):
            continue
        try:
            dated.append((e, _as_date(e)))
        except (ValueError, TypeError):
            continue
    years = sorted(d.year for _, d in dated)
    overall = median(years) if years else None
    for e, d in dated:
        span = str(e.get("span") or "")
        reason = basis = None
        wd = _WD_IN.search(span)
        if e.get("precision") == "day" and wd and re.search(r"\d", span):
            note = weekday_conflict(d, WEEKDAYS[wd.group(1).lower()])
            if note:
                e["flags"] += ["anomaly", "weekday_conflict"]
                e["anomaly"] = note + ("; the year was inferred" if e.get("year_inferred") else "") + "; kept as written"
                e["anomaly_basis"] = {"kind": "weekday_conflict", "ref": wd.group(1)}
                continue
        if not _YEAR_IN.search(span) or e.get("precision") == "year":
            continue
        if len(years) > 50:
            others, mid = years, overall
        else:
            others = [o.year for x, o in dated if x is not e]
            mid = median(others) if others else None
        if as_of and _future(_quote_of(e)) and d < as_of - dt.timedelta(days=365):
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


def rejudge(doc: dict) -> dict:
    """The anomaly flags of a (possibly edited) briefing/1 document, judged again: an analyst who
    fixes a date sees the warning go. Returns a copy; the input is not changed."""
    out = dict(doc)
    chron = [dict(e) if isinstance(e, dict) else e for e in doc.get("chronology") or []]
    for e in chron:
        if isinstance(e, dict):
            e["flags"] = list(e.get("flags") or [])
    try:
        as_of = dt.date.fromisoformat(str(doc.get("as_of"))[:10]) if doc.get("as_of") else None
    except ValueError:
        as_of = None
    flag_anomalies(chron, as_of)
    out["chronology"] = chron
    return out


# ---------------------------------------------------------------------------------------------
# Mentions -> events -> merged entries
# ---------------------------------------------------------------------------------------------

# a duration or a set can only hold a date mention right after one of these words ("every
# Tuesday", "for the past year", "over the last week"): only then is the sentence typed
_TX_PREFILTER = re.compile(r"(?i)\b(?:for|past|over|within|every|each|throughout|lasting|long|in the last|in the next)\s+(?:\S+\s+){0,3}$")


def mentions(articles, as_of: dt.date | None, matcher=None) -> list[dict]:
    """Every event mention of every article, resolved, as entries (not yet merged); mentions
    that are not the date of an event are left out (see ``not_an_event``)."""
    out = []
    for art in articles:
        by_index = {s.index: s for s in art.sentences}
        found = _found(art)
        lede = "full date" in (getattr(art, "published_inferred", None) or "")
        per_sentence: dict[int, list] = {}
        for idx, men in found:
            per_sentence.setdefault(idx, []).append(men)
        for idx, mens in per_sentence.items():
            s = by_index[idx]
            text = s.text
            off = boilerplate_end(text)
            # TIMEX3 types only where a duration or a set could hold a mention (cheap prefilter)
            txs = timexes(text, art.published or as_of or dt.date(2000, 1, 1)) \
                if any(_TX_PREFILTER.search(text[max(0, m.start - 40):m.start]) for m in mens) else []
            # "on Thursday and Friday last week": the weekdays are last week's; "last week" is no event of its own
            week_mod = set()
            for j, men in enumerate(mens):
                if men.rel == "last" and men.unit == "week":
                    prev = [m for m in mens[:j] if m.weekday is not None and m.kind == "relative"]
                    if prev and re.fullmatch(r"[\s,]*", text[prev[-1].end:men.start]):
                        chain = [prev[-1]]
                        for m in reversed(prev[:-1]):
                            if re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*(?:on\s+)?", text[m.end:chain[-1].start]):
                                chain.append(m)
                        week_mod.update(id(m) for m in chain)
                        week_mod.add(("drop", id(men)))
            clean = clean_sentence(text)
            prev_day = None                        # (mention, date) of the last weekday resolved
            for men in mens:
                if ("drop", id(men)) in week_mod:
                    continue
                if men.start < off:
                    continue                       # a dateline or a label: it anchors, it is no event
                if not_an_event(text, men, txs):
                    continue
                sched = scheduled(text, men)
                r = _resolve(men, text, art.published, as_of, sched, id(men) in week_mod, lede)
                if men.weekday is not None and men.kind == "relative" and r.date:
                    # "on Thursday and Friday": the second day follows the first
                    if prev_day and re.fullmatch(r"\s*(?:and|to|through|until|-|–)\s*(?:on\s+)?", text[prev_day[0].end:men.start]):
                        d = prev_day[1] + dt.timedelta(days=(men.weekday - prev_day[0].weekday) % 7)
                        r = Resolved(d.isoformat(), "day", True, r.inferred, r.basis)
                    prev_day = (men, dt.date.fromisoformat(r.date))
                summary = event_summary(text, men.start, men.end)
                nxt = next((m for m in mens if m.start > men.end), None)
                if nxt is not None and re.fullmatch(r"\s+and\s+(?!on\s*$)(?:[\w'’-]+\s+){1,6}", text[men.end:nxt.start]) \
                        and not re.search(r"\b(?:between|from)\b[^,;]*$", text[:men.start]):
                    # "talks in Seoul on Wednesday and in Tokyo on Friday": each date its own part
                    part = text[:men.end].strip()
                    summary = event_summary(part, men.start, men.end)
                out.append({
                    "date": r.date,
                    "precision": r.precision,
                    "year_inferred": r.year_inferred,
                    "span": men.span,
                    "summary": summary,
                    "event": summary,
                    "sources": [art.id],
                    "flags": [] if r.date else ["undated"],
                    "inferred": r.inferred,
                    "basis": r.basis,
                    **({"until": r.date[:8] + f"{men.day2:02d}"} if men.day2 and r.date and r.precision == "day" else {}),
                    "quote": clean,
                    "_actors": [a for a in dict.fromkeys(n for _, _, n in matcher.find(summary))] if matcher else [],
                    "_anaphoric": men.anaphoric,
                    "_scheduled": sched,
                    "_order": (art.id, s.index, men.start),
                })
    return out


SUPPORT_CAP = 12     # sources listed with their sentence per item; the rest are counted (``corroboration``)
GROUP_KEEP = 32      # events of one date held while a very large set is read (the best-sourced)
UNDATED_KEEP = 120   # undated events held while reading (the first ones)


class EventMerger:
    """Mentions of one happening, merged as they come (article after article): the same date and
    the same article's anaphoric mention or close summary, or another article's close sentence.
    An item lists at most ``SUPPORT_CAP`` sources with their sentences (a new report is preferred
    over a second article of one already listed); every source is counted all the same
    (``_srcset``), so the corroboration figures stay whole at any size."""

    def __init__(self, report_of=None, group_keep: int | None = None, undated_keep: int | None = None):
        self.merged: list[dict] = []
        self.groups: dict[tuple, NearDuplicates] = {}
        self.report_of = report_of or (lambda article, quote: ("article", article))
        # a very large set: per date, the best-sourced few are kept while reading (the weakest are
        # let go, counted, when a date holds twice as many), and the first undated ones
        self.group_keep = group_keep or GROUP_KEEP
        self.undated_keep = undated_keep or UNDATED_KEEP
        self.undated: list[dict] = []
        self.evicted = 0
        self._dead = 0

    def add(self, e: dict) -> None:
        target = None
        if e["date"]:
            idx = self.groups.setdefault((e["date"], e["precision"]), NearDuplicates())
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
                    target["_srcset"].add(s_)
                    add_support(target, s_, e["quote"], self.report_of(s_, target["quote"]), SUPPORT_CAP)
            for a in e["_actors"]:
                if a not in target["_actors"]:
                    target["_actors"].append(a)
            if target["_anaphoric"] and not e["_anaphoric"]:
                for k in ("span", "summary", "event", "quote", "year_inferred", "inferred", "basis"):
                    target[k] = e[k]
                target["support"][0] = {"article": target["sources"][0], "quote": e["quote"]} \
                    if target["sources"][0] == e["sources"][0] else target["support"][0]
                target["_anaphoric"] = False
            return
        item = dict(e)
        item["_srcset"] = set(e["sources"])
        item["_actors"] = list(e["_actors"])
        item["support"] = [{"article": e["sources"][0], "quote": e["quote"]}]
        item["_rkeys"] = [self.report_of(e["sources"][0], e["quote"])]
        self.merged.append(item)
        if e["date"]:
            key = (e["date"], e["precision"])
            self.groups[key].add(item, content_words(e["quote"]))
            if len(self.groups[key].items) > 2 * self.group_keep:
                self._prune(key)
        else:
            self.undated.append(item)
            if len(self.undated) > 2 * self.undated_keep:
                self.undated.sort(key=lambda x: x["_order"])
                for x in self.undated[self.undated_keep:]:
                    self._let_go(x)
                del self.undated[self.undated_keep:]
        if self._dead > max(1000, len(self.merged) // 2):
            self.merged = [m for m in self.merged if "_gone" not in m]
            self._dead = 0

    def _let_go(self, item: dict) -> None:
        item["_gone"] = True
        item["support"] = item["sources"] = []        # its memory goes now; the dict goes at compaction
        self.evicted += 1
        self._dead += 1

    def _prune(self, key: tuple) -> None:
        """Keep a date's ``group_keep`` best-sourced items (earlier first among equals)."""
        idx = self.groups[key]
        ranked = sorted(range(len(idx.items)), key=lambda i: (-len(idx.items[i]["_srcset"]), i))
        keep = sorted(ranked[:self.group_keep])
        for i in ranked[self.group_keep:]:
            self._let_go(idx.items[i])
        fresh = NearDuplicates()
        for i in keep:
            fresh.add(idx.items[i], idx.words[i])
        self.groups[key] = fresh

    def result(self) -> list[dict]:
        if len(self.undated) > self.undated_keep:
            self.undated.sort(key=lambda x: x["_order"])
            for x in self.undated[self.undated_keep:]:
                self._let_go(x)
        merged = [m for m in self.merged if "_gone" not in m]
        merged.sort(key=lambda e: (e["date"] is None, str(e["date"] or ""), e["_order"]))
        for e in merged:
            if e["_actors"]:
                e["actors"] = e["_actors"]
            if len(e["_srcset"]) > len(e["sources"]):
                e["_all_sources"] = sorted(e["_srcset"])      # counted, not listed (read by assemble)
            for k in [k for k in e if k.startswith("_") and k != "_all_sources"]:
                del e[k]
        self.merged, self.groups, self.undated = [], {}, []
        return merged


def add_support(item: dict, article: str, quote: str, report, cap: int) -> None:
    """One more source of an item, with its own sentence; past ``cap`` listed sources, a new
    report replaces the last listed source whose report is listed twice (else it is counted only)."""
    keys = item["_rkeys"]
    if len(item["sources"]) < cap:
        item["sources"].append(article)
        item["support"].append({"article": article, "quote": quote})
        keys.append(report)
        return
    if report in keys:
        return
    seen: dict = {}
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
    for i in range(len(keys) - 1, 0, -1):
        if seen[keys[i]] > 1:
            item["sources"][i] = article
            item["support"][i] = {"article": article, "quote": quote}
            keys[i] = report
            return


def _is_ahead(e: dict, as_of: dt.date | None) -> bool:
    if not e["_scheduled"] or not e["date"]:
        return False
    if as_of is None:
        return True
    d = _as_date(e)
    if e["precision"] == "month":
        return (d.year, d.month) > (as_of.year, as_of.month)
    if e["precision"] == "year":
        return d.year > as_of.year
    return d > as_of


class Events:
    """The chronology built article after article: ``add`` takes one article's raw mentions
    (``mentions``, in the order of the set), ``result`` gives (chronology, ahead)."""

    def __init__(self, as_of: dt.date | None, report_of=None, group_keep: int | None = None,
                 undated_keep: int | None = None):
        self.as_of = as_of
        self.past = EventMerger(report_of, group_keep, undated_keep)
        self.coming = EventMerger(report_of, group_keep, undated_keep)

    def add(self, raw: list[dict]) -> None:
        for e in raw:
            if _is_ahead(e, self.as_of):
                self.coming.add(e)
                continue
            if e["_scheduled"] and e["date"]:
                e["flags"].append("scheduled")
            self.past.add(e)

    def result(self) -> tuple[list[dict], list[dict]]:
        chronology = self.past.result()
        flag_anomalies(chronology, self.as_of)
        ahead = self.coming.result()
        for e in ahead:
            e["id"] = event_id(e)
        return chronology, ahead


def article_mentions(article, as_of: dt.date | None, actors=None, matcher=None) -> list[dict]:
    """One article's raw event mentions (per-article work: a worker can do it)."""
    if matcher is None and actors:
        from .positions import ActorMatcher
        matcher = ActorMatcher(actors)
    return mentions([article], as_of, matcher)


def build_events(articles, as_of: dt.date | None, actors=None) -> tuple[list[dict], list[dict]]:
    """(chronology, ahead): the events that happened (or were due) by the as-of date, and the
    scheduled ones still to come. ``actors``: the project's actors, to name those involved."""
    matcher = None
    if actors:
        from .positions import ActorMatcher
        matcher = ActorMatcher(actors)
    ev = Events(as_of)
    ev.add(mentions(articles, as_of, matcher))
    return ev.result()


def event_id(e: dict) -> str:
    """A stable id from the date and the words of the source sentence (the scheme of
    ``assemble.item_id``: the same event gives the same id in any run)."""
    import hashlib
    parts = ("e", str(e.get("date")), " ".join(sorted(content_words(e.get("quote") or e["summary"]))))
    return "e-" + hashlib.sha1("\x1f".join(parts[1:]).encode("utf-8")).hexdigest()[:8]


def build_chronology(articles, as_of: dt.date | None, actors=None) -> list[dict]:
    """The chronology alone (scheduled events still ahead of the as-of date left out)."""
    return build_events(articles, as_of, actors)[0]


def one_line(text: str, words: int = 16) -> str:
    """A short, complete clause for a one-line list: subordinate clauses dropped whole, never
    cut mid-clause with "…"."""
    t = shorter_clause(strip_trailing_attribution((text or "").strip().rstrip(".")), words).strip()
    t = t.rstrip(",;: ")
    hedge = re.search(r"\b(?:reportedly|allegedly|apparently|purportedly|said to|believed to|reported to)\b", text or "", re.I)
    if hedge and not re.search(r"\b(?:reportedly|allegedly|apparently|purportedly|said to|believed to|reported to)\b", t, re.I):
        word = hedge.group(0).lower()
        t = f"{t.rstrip('.')} ({word if word.endswith('ly') else 'reportedly'})"
    return t if t[-1:] in ".!?\"'”’)" else t + "."
