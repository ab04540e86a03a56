"""A temporal tagger and normaliser for news English.

``tag(sentence)`` finds date expressions (with their exact span); ``resolve(mention, ...)``
turns one into a date with a precision (day / month / year), saying what was inferred.

Rules (see the chronology issue): a year-less date resolves to its most recent occurrence
not after the anchor, unless the sentence speaks of the future; weekday and other relative
expressions resolve only against the article's own publication date, never against a
briefing-wide as-of date; durations ("six months", "twelve-day") and the modal "may" are
not dates.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from ..lazyre import lazy

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
MONTH = rf"(?P<month>{_MONTH_FULL}|{_MONTH_ABBR})"
MONTH_NOMAY = r"(?P<month>(?:January|February|March|April|June|July|August|September|October|November|December)|" + _MONTH_ABBR + ")"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?P<year>(?:19|20)\d\d)"
WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
NUMWORD = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2}
NUM = r"(?P<num>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a few|several)"
UNIT = r"(?P<unit>day|week|month|year)s?"
_B = r"(?<![\w-])"      # left boundary: not inside a word or a hyphenated compound
_E = r"(?![\w-])"

FUTURE = lazy(
    r"\b(?:will|shall|'ll|(?:is|are|was|were) (?:expected|set|scheduled|due|slated|poised|planned|going) to|"
    r"(?:is|are) to|plans? to|planning to|intends? to|next|upcoming|forthcoming|coming)\b", re.I)


@dataclass
class Mention:
    span: str
    start: int
    end: int
    kind: str                  # absolute | relative
    precision: str             # day | month | year
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    rel: str | None = None     # for relative: ago | last | this | next | yesterday | today | tomorrow | anaphoric
    unit: str | None = None
    count: int | None = None
    anaphoric: bool = False    # "the December meeting": refers back to an event told elsewhere
    day2: int | None = None    # a range's last day ("June 13-24")


@dataclass
class Resolved:
    date: str | None           # YYYY-MM-DD | YYYY-MM | YYYY | None
    precision: str
    year_inferred: bool
    inferred: str | None       # what was inferred and from what anchor, for the reader
    basis: dict | None = None  # the same, structured (for localised display): rule, anchor, date


def _month(s: str) -> int:
    return MONTHS[s.lower().rstrip(".")]


# Each pattern: (regex, builder). Ordered from the most to the least specific; a later match
# that overlaps an earlier one is dropped.
_PATTERNS: list[tuple[re.Pattern, str]] = [
    (lazy(_B + r"(?P<iso>(?P<year>(?:19|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<day>[0-3]\d))" + _E), "iso"),
    (lazy(_B + rf"{MONTH}\s+{DAY}\s*(?:[-–—]|to|through|until)\s*(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+{YEAR})?" + _E), "range_md"),
    (lazy(_B + rf"{DAY}\s*(?:[-–—]|to|until)\s*(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\s+{MONTH}(?:,?\s+{YEAR})?" + _E), "range_dm"),
    (lazy(_B + rf"(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY},?\s+{YEAR}" + _E), "mdy"),
    (lazy(_B + rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR}" + _E), "dmy"),
    (lazy(_B + rf"{WEEKDAY}\s*\(\s*{DAY}\s+{MONTH}\s*\)"), "dm"),
    (lazy(_B + rf"{WEEKDAY}\s*\(\s*{MONTH}\s+{DAY}\s*\)"), "md"),
    (lazy(_B + rf"(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}(?![\w,]*\s*,?\s*(?:19|20)\d\d)(?![\d:%])" + _E), "md"),
    (lazy(_B + rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH}(?!\s*,?\s*(?:19|20)\d\d)" + _E), "dm"),
    (lazy(_B + rf"(?:(?:early|late|mid|the end of|the beginning of|the start of)[\s-]+)?{MONTH}\s+(?:of\s+)?{YEAR}" + _E), "my"),
    (lazy(_B + r"(?P<cue>(?:as recently as|as early as|as late as|back in|earlier in|later in|since|until|till|by|from|through|throughout|during|in|early|late|mid|last|this|next|(?:at|by) the (?:end|start|beginning) of)[\s-]+)"
                + MONTH_NOMAY + _E), "m_cue"),
    (lazy(_B + r"(?P<cue>(?:in|since|until|by|during)\s+)(?P<month>May)(?!\s+(?:be|have|not|well|also|never|still|yet|soon)\b)" + _E), "m_cue"),
    (lazy(_B + r"(?P<cue>the\s+)" + MONTH_NOMAY + r"(?=\s+(?:meeting|talks|summit|visit|call|attack|attacks|strike|strikes|war|conflict|offensive|election|elections|deal|agreement|ceasefire|truce|session|conference|raid|raids|operation|visit|round|vote|announcement|decision|clash|clashes|exchange|incident|crisis)\b)"), "m_the"),
    (lazy(_B + r"(?P<cue>(?:in|since|until|till|by|during|from|through|throughout|before|after|of|early|late|mid|the end of|the start of|the beginning of|the first half of|the second half of|spring|summer|autumn|fall|winter)[\s-]+)" + YEAR + r"(?![\d,-])" + _E), "y_cue"),
    (lazy(_B + r"(?P<pre>(?:early |late )?(?:on |last |this |next |early on |late on )?)" + WEEKDAY + r"(?P<part>\s+(?:morning|afternoon|evening|night))?" + _E), "weekday"),
    (lazy(_B + r"(?P<word>yesterday|today|tonight|tomorrow|last night)" + _E, re.I), "deictic"),
    (lazy(_B + r"(?P<rel>earlier|later)\s+this\s+(?P<unit>week|month|year)" + _E, re.I), "this_unit"),
    (lazy(_B + r"(?P<rel>last|this|next|past)\s+(?P<unit>week|month|year)" + _E, re.I), "lastnext"),
    (lazy(_B + NUM + r"\s+" + UNIT + r"\s+(?P<dir>ago)" + _E, re.I), "ago"),
    (lazy(_B + r"(?:just\s+)?" + NUM + r"\s+" + UNIT + r"\s+(?P<dir>prior|earlier|later|before|after|beforehand|afterwards)" + _E, re.I), "narrative"),
    (lazy(_B + r"(?:the\s+(?:day|week|month|year)\s+(?:before|after)|the\s+(?:previous|following|next)\s+(?:day|week|month))" + _E, re.I), "narrative"),
]


# what a sentence must contain for a kind of pattern to be worth trying
_HAS = {
    "month": lazy(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"),
    "weekday": lazy(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"),
    "digit": lazy(r"\d"),
    "relative": lazy(r"(?i)yesterday|today|tonight|tomorrow|night|week|month|year|\bday"),
}
_NEEDS = {"iso": "digit", "mdy": "month", "dmy": "month", "dm": "month", "md": "month", "my": "month",
          "m_cue": "month", "m_the": "month", "y_cue": "digit", "weekday": "weekday", "deictic": "relative",
          "this_unit": "relative", "lastnext": "relative", "ago": "relative", "narrative": "relative",
          "range_md": "month", "range_dm": "month"}


def tag(sentence: str) -> list[Mention]:
    """All date expressions in one sentence, left to right, non-overlapping."""
    has = {k: bool(rx.search(sentence)) for k, rx in _HAS.items()}
    if not any(has.values()):
        return []
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []
    for rx, kind in _PATTERNS:
        if not has[_NEEDS[kind]]:
            continue
        for m in rx.finditer(sentence):
            s, e = m.span()
            span = m.group(0).strip()
            s = s + (len(m.group(0)) - len(m.group(0).lstrip()))
            e = s + len(span)
            if any(s < te and ts < e for ts, te in taken):
                continue
            men = _build(kind, m, span, s, e)
            if men is None:
                continue
            taken.append((s, e))
            out.append(men)
    out.sort(key=lambda x: x.start)
    return out


def _build(kind: str, m: re.Match, span: str, s: int, e: int) -> Mention | None:
    gd = m.groupdict()
    wd = WEEKDAYS.get((gd.get("weekday") or "").lower())
    if kind == "iso":
        y, mo, d = int(gd["year"]), int(gd["mo"]), int(gd["day"])
        return _valid(Mention(span, s, e, "absolute", "day", y, mo, d))
    if kind in ("range_md", "range_dm"):
        y = int(gd["year"]) if gd.get("year") else None
        d1, d2 = int(gd["day"]), int(gd["day2"])
        if d2 <= d1:
            return None
        men = _valid(Mention(span, s, e, "absolute", "day", y, _month(gd["month"]), d1, day2=d2))
        return men if men and _valid(Mention(span, s, e, "absolute", "day", y, _month(gd["month"]), d2)) else None
    if kind in ("mdy", "dmy"):
        return _valid(Mention(span, s, e, "absolute", "day", int(gd["year"]), _month(gd["month"]), int(gd["day"]), weekday=wd))
    if kind in ("md", "dm"):
        return _valid(Mention(span, s, e, "absolute", "day", None, _month(gd["month"]), int(gd["day"]), weekday=wd))
    if kind == "my":
        return Mention(span, s, e, "absolute", "month", int(gd["year"]), _month(gd["month"]))
    if kind in ("m_cue", "m_the"):
        cue = (gd.get("cue") or "").strip().lower()
        men = Mention(span, s, e, "absolute", "month", None, _month(gd["month"]), anaphoric=(kind == "m_the"))
        if cue in ("last", "this", "next"):
            men.rel = cue
        return men
    if kind == "y_cue":
        return Mention(span, s, e, "absolute", "year", int(gd["year"]))
    if kind == "weekday":
        pre = (gd.get("pre") or "").strip().lower()
        rel = "next" if pre.endswith("next") else "last" if pre.endswith("last") else "this" if pre.endswith("this") else None
        return Mention(span, s, e, "relative", "day", weekday=wd, rel=rel or "weekday")
    if kind == "deictic":
        w = gd["word"].lower()
        return Mention(span, s, e, "relative", "day", rel={"last night": "yesterday", "tonight": "today"}.get(w, w))
    if kind == "this_unit":
        return Mention(span, s, e, "relative", "month" if gd["unit"].lower() == "month" else ("year" if gd["unit"].lower() == "year" else "day"),
                       rel="this", unit=gd["unit"].lower())
    if kind == "lastnext":
        rel = gd["rel"].lower()
        unit = gd["unit"].lower()
        return Mention(span, s, e, "relative", {"week": "day", "month": "month", "year": "year"}[unit],
                       rel={"past": "last"}.get(rel, rel), unit=unit)
    if kind == "ago":
        num = gd["num"].lower()
        n = int(num) if num.isdigit() else NUMWORD.get(num)
        return Mention(span, s, e, "relative", "day" if gd["unit"].lower() in ("day", "week") else
                       ("month" if gd["unit"].lower() == "month" else "year"), rel="ago", unit=gd["unit"].lower(), count=n)
    if kind == "narrative":
        return Mention(span, s, e, "relative", "day", rel="anaphoric", anaphoric=True)
    return None


def _valid(men: Mention) -> Mention | None:
    try:
        dt.date(men.year or 2000, men.month, men.day)
    except (ValueError, TypeError):
        return None
    return men


def is_future(sentence: str) -> bool:
    return bool(FUTURE.search(sentence))


def _shift_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def clause_of(sentence: str, start: int, end: int) -> str:
    """The clause around a date: from the punctuation before it to the punctuation after it.
    "Turkey will host talks next week, the ministry said on Wednesday": for "on Wednesday" the
    clause is "the ministry said on Wednesday", which is not about the future."""
    left = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start), sentence.rfind("—", 0, start))
    right = len(sentence)
    for ch in (",", ";", "—"):
        i = sentence.find(ch, end)
        if i != -1:
            right = min(right, i)
    return sentence[left + 1:right]


def resolve(men: Mention, sentence: str, published: dt.date | None, as_of: dt.date | None) -> Resolved:
    """Resolve a mention. Absolute year-less dates use ``published`` or else ``as_of``;
    relative ones use ``published`` only and stay undated without it."""
    future = is_future(clause_of(sentence, men.start, men.end))
    if men.kind == "absolute":
        if men.year is not None:
            return Resolved(_fmt(men.year, men.month, men.day, men.precision), men.precision, False, None)
        anchor, anchor_name = (published, "the article's publication date") if published else (as_of, "the briefing's as-of date")
        if anchor is None:
            return Resolved(None, men.precision, False, "no year given and no anchor date known", {"rule": "no_anchor"})
        if men.rel in ("last", "next", "this"):
            future = men.rel == "next"
        y = anchor.year
        cand = _key(y, men)
        if future and men.rel != "last":
            if cand < _key_anchor(anchor, men.precision):
                y += 1
        elif cand > _key_anchor(anchor, men.precision):
            y -= 1
        direction = "next" if future else "most recent"
        return Resolved(_fmt(y, men.month, men.day, men.precision), men.precision, True,
                        f"year inferred: {direction} {calendar.month_name[men.month]} "
                        f"{'on or after' if future else 'not after'} {anchor_name} ({anchor.isoformat()})",
                        {"rule": "future" if future else "past", "anchor": "published" if published else "as_of",
                         "date": anchor.isoformat()})
    # relative expressions: only against the article's own date
    if published is None:
        if men.anaphoric:
            return Resolved(None, men.precision, False, "relative to another event", {"rule": "another_event"})
        return Resolved(None, men.precision, False, "relative to an unknown publication date", {"rule": "no_publication_date"})
    if men.anaphoric:
        return Resolved(None, men.precision, False, "relative to another event", {"rule": "another_event"})
    p = published
    note = f"from the article's publication date ({p.isoformat()})"
    d: dt.date | None = None
    prec = men.precision
    if men.rel in ("yesterday", "today", "tomorrow"):
        d = p + dt.timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[men.rel])
    elif men.weekday is not None:
        delta = (p.weekday() - men.weekday) % 7
        if men.rel == "next" or (future and men.rel != "last"):
            fwd = (men.weekday - p.weekday()) % 7
            d = p + dt.timedelta(days=fwd or 7 if men.rel == "next" else fwd)
        else:
            d = p - dt.timedelta(days=delta if men.rel != "last" or delta else 7)
    elif men.rel == "ago" and men.count:
        if men.unit == "day":
            d = p - dt.timedelta(days=men.count)
        elif men.unit == "week":
            d = p - dt.timedelta(weeks=men.count)
            note = "approximate; " + note
        elif men.unit == "month":
            d = _shift_months(p, -men.count)
        else:
            d = dt.date(p.year - men.count, 1, 1)
    elif men.unit in ("week", "month", "year"):
        off = {"last": -1, "this": 0, "next": 1}.get(men.rel or "this", 0)
        if men.unit == "week":
            d = p - dt.timedelta(days=p.weekday()) + dt.timedelta(weeks=off)
            note = "week of; " + note
        elif men.unit == "month":
            d = _shift_months(p, off)
        else:
            d = dt.date(p.year + off, 1, 1)
    if d is None:
        return Resolved(None, prec, False, "could not be resolved", {"rule": "unresolved"})
    return Resolved(_fmt(d.year, d.month, d.day, prec), prec, True, note,
                    {"rule": "relative", "anchor": "published", "date": p.isoformat()})


def _key(y: int, men: Mention):
    return (y, men.month, men.day or 1) if men.precision == "day" else (y, men.month, 1)


def _key_anchor(a: dt.date, precision: str):
    return (a.year, a.month, a.day) if precision == "day" else (a.year, a.month, 1)


def _fmt(y: int, m: int | None, d: int | None, precision: str) -> str:
    if precision == "year" or m is None:
        return f"{y:04d}"
    if precision == "month" or d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"
