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


# ---------------------------------------------------------------------------------------------
# TIMEX3: every temporal expression of a text, typed (DATE, TIME, DURATION, SET) and normalised
# to a TIMEX3 value against a document creation time, HeidelTime-style: rules over plain text.
#
# ``timexes(text, dct)`` works on a whole article body and keeps exact character offsets.
# The legacy ``tag`` above stays what the chronology uses (its spans include cue words such as
# "as recently as"); ``Timex.anchors_event`` says which expressions may date an event.
# ---------------------------------------------------------------------------------------------

@dataclass
class Timex:
    start: int
    end: int
    text: str
    type: str                  # DATE | TIME | DURATION | SET
    value: str                 # TIMEX3 value: 2025-06-13, 2025-W24, P6M, PRESENT_REF, XXXX-WXX-1 ...
    rule: str = ""             # which construction matched (for the table and for tests)
    flag: str | None = None    # e.g. a weekday that disagrees with the calendar

    @property
    def anchors_event(self) -> bool:
        """Only a DATE or TIME with a calendar value can date an event (not a duration, a set,
        or a vague PRESENT_REF / PAST_REF / FUTURE_REF)."""
        return self.type in ("DATE", "TIME") and bool(re.match(r"\d{4}", self.value)) and "X" not in self.value[:4]

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "type": self.type, "value": self.value}


_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
              "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
              "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
              "a": 1, "an": 1, "a single": 1, "a couple of": 2, "a couple": 2, "a dozen": 12, "dozen": 12,
              "half a": 0.5, "half an": 0.5, "a half": 0.5}
_VAGUE = {"a few", "few", "several", "some", "many", "a number of", "the", "numerous", "countless", "a couple of"}
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "final": 4, "last": 4}
_UNIT = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W", "month": "M",
         "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE", "centurie": "CE", "weekend": "WE",
         "night": "D", "morning": "D", "evening": "D", "afternoon": "D"}
_TIME_UNITS = {"second", "minute", "hour"}
_SEASON = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_PART = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}

_NW = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
       r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
       r"|seventeen|eighteen|nineteen|(?:a )?hundred)")
_NUMX = (rf"(?:\d+(?:\.\d+)?|{_NW}(?: and a half)?|a couple of|a dozen|a few|several|a single|an?|half an?|many|numerous"
         rf"|a number of)")
_NUMX_C = re.compile(r"(?i)" + _NUMX)
_UNITS_RX = r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|century|centurie)s?"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAYN = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YR = r"(?:1[6-9]\d\d|20\d\d)"
_L = r"(?<![\w$£€#/.-])"         # left edge: not inside a word, a number, an amount or a path
_R = r"(?![\w%/-])"              # right edge
_MOD_PRE = (r"(?:(?:almost|nearly|about|around|roughly|approximately|some|over|under|just over|just under|well over)\s+)?")


def _num(s: str) -> float | None:
    s = s.lower().strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    half = s.endswith(" and a half")
    if half:
        s = s[: -len(" and a half")]
    if s in _NUM_WORDS:
        n = float(_NUM_WORDS[s])
    else:
        parts = re.split(r"[- ]", s)
        if len(parts) == 2 and parts[0] in _NUM_WORDS and parts[1] in _NUM_WORDS:
            n = float(_NUM_WORDS[parts[0]] + _NUM_WORDS[parts[1]])
        else:
            return None
    return n + 0.5 if half else n


def _nfmt(n: float | None) -> str:
    if n is None:
        return "X"
    return str(int(n)) if n == int(n) else f"{n:g}"


def _dur(n: float | None, unit: str) -> str:
    u = unit.lower().rstrip("s") if unit.lower() not in ("centuries",) else "century"
    if u == "centurie":
        u = "century"
    code = _UNIT[u]
    if u == "fortnight":
        n = None if n is None else n * 2
    if u == "hour" and n is not None and n != int(n) and (n * 60) == int(n * 60):
        return f"PT{int(n * 60)}M"
    if u in _TIME_UNITS:
        return f"PT{_nfmt(n)}{code}"
    if code == "DE":
        return "PXDE" if n is None else f"P{_nfmt(n * 10)}Y"
    if code == "CE":
        return "PXCE" if n is None else f"P{_nfmt(n * 100)}Y"
    return f"P{_nfmt(n)}{code}"


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    q, r = divmod(m - 1 + n, 12)
    return y + q, r + 1


class _Ctx:
    """What value computation needs: the document creation time, the text (for tense), and the
    last date mentioned (for anaphora such as "the same day", "the previous year")."""

    def __init__(self, text: str, dct: dt.date | None):
        self.text = text
        self.dct = dct
        self.ref: dt.date | None = None
        self.ref_gran: str | None = None
        self.last_day: dt.date | None = None

    def sentence(self, s: int, e: int) -> str:
        a = max(self.text.rfind(". ", 0, s), self.text.rfind("\n", 0, s), self.text.rfind("? ", 0, s), self.text.rfind("! ", 0, s))
        b = len(self.text)
        for ch in (". ", "\n", "? ", "! "):
            i = self.text.find(ch, e)
            if i != -1:
                b = min(b, i)
        return self.text[a + 1:b]

    def future(self, s: int, e: int) -> bool:
        clause = clause_of(self.text, s, e)
        sent = self.sentence(s, e)
        # the clause holding the expression, within its sentence
        lo = max(self.text.rfind(", ", 0, s), self.text.rfind("\n", 0, s), self.text.rfind(". ", 0, s))
        window = self.text[max(lo + 1, s - 80, 0):s]
        del clause, sent
        return bool(_FUT.search(window) or _FUT_AFTER.match(self.text[e:e + 40]))

    def anchor(self) -> dt.date | None:
        return self.ref or self.dct


_FUT = re.compile(r"(?i)\b(?:will|shall|'ll|would|should|could|might|may|going to|set to|due(?: to)?|scheduled|slated|"
                  r"expected|planned|plans? to|planning to|intends? to|is to|are to|to be|until|till|next|upcoming|"
                  r"coming|starting|begins?|later|deadline)\b[^.,;]*$")
_FUT_AFTER = re.compile(r"(?i)\s*(?:deadline|hearing|meeting|vote|launch|start|release)\b")


def _ymd(d: dt.date) -> str:
    return d.isoformat()


def _pick_year(ctx: _Ctx, month: int, day: int | None, s: int, e: int, weekday: int | None = None):
    """The year of a year-less month (and day): the next one on or after the anchor when the
    clause speaks of the future; else the most recent not after it, unless the coming one is
    less than a month away (a "June 1 deadline" written on May 28)."""
    a = ctx.dct
    if a is None:
        return None
    fut = ctx.future(s, e)
    cands = []
    for y in (a.year - 1, a.year, a.year + 1):
        try:
            cands.append(dt.date(y, month, day or 1))
        except ValueError:
            continue
    if not cands:
        return None
    if weekday is not None:
        agree = [c for c in cands if c.weekday() == weekday]
        if agree:
            return min(agree, key=lambda c: abs((c - a).days)).year
    if day is None:
        past = [c for c in cands if (c.year, c.month) <= (a.year, a.month)]
        futr = [c for c in cands if (c.year, c.month) >= (a.year, a.month)]
    else:
        past = [c for c in cands if c <= a]
        futr = [c for c in cands if c >= a]
    if fut and futr:
        return min(futr).year
    if past:
        p = max(past)
        if day is not None and futr and (min(futr) - a).days <= 31 and (a - p).days > 62:
            return min(futr).year
        return p.year
    return min(futr).year if futr else a.year


def _weekday_date(ctx: _Ctx, wd: int, s: int, e: int, rel: str | None = None) -> dt.date | None:
    a = ctx.dct
    if a is None:
        return None
    if rel == "next" or (rel is None and ctx.future(s, e)):
        fwd = (wd - a.weekday()) % 7
        return a + dt.timedelta(days=fwd or (7 if rel == "next" else 0))
    back = (a.weekday() - wd) % 7
    if rel == "last" and back == 0:
        back = 7
    return a - dt.timedelta(days=back)


# -- the rules: (name, type, regex, value function). Value functions get (match, ctx) and
# return a value string, or None to reject the match.

def _v_full(m, ctx):
    mo = _month(m["mon"])
    y = int(m["y"])
    d = int(re.match(r"\d+", m["d"]).group())
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def _v_md(m, ctx):
    mo = _month(m["mon"])
    d = int(re.match(r"\d+", m["d"]).group())
    try:
        dt.date(2000, mo, d)
    except ValueError:
        return None
    wd = WEEKDAYS.get((m.groupdict().get("wd") or "").lower())
    y = _pick_year(ctx, mo, d, m.start(), m.end(), wd)
    return f"{y:04d}-{mo:02d}-{d:02d}" if y else f"XXXX-{mo:02d}-{d:02d}"


def _v_my(m, ctx):
    return f"{int(m['y']):04d}-{_month(m['mon']):02d}"


def _v_month(m, ctx):
    mo = _month(m["mon"])
    rel = (m.groupdict().get("rel") or "").lower()
    a = ctx.dct
    if a is None:
        return f"XXXX-{mo:02d}"
    if rel == "last":
        y = a.year if mo < a.month else a.year - 1
    elif rel == "next":
        y = a.year if mo > a.month else a.year + 1
    elif rel == "this":
        y = a.year
    else:
        y = _pick_year(ctx, mo, None, m.start(), m.end())
    return f"{y:04d}-{mo:02d}"


def _v_month_rel_year(m, ctx):
    if ctx.dct is None:
        return None
    y = ctx.dct.year + {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    return f"{y:04d}-{_month(m['mon']):02d}"


def _v_year(m, ctx):
    return f"{int(m['y']):04d}"


def _v_apos_year(m, ctx):
    yy = int(m["yy"])
    base = ctx.dct.year if ctx.dct else 2000
    y = 2000 + yy if 2000 + yy <= base + 10 else 1900 + yy
    return f"{y:04d}"


def _v_decade(m, ctx):
    g = m.groupdict()
    if g.get("cent"):
        return f"{int(g['cent'])}{int(g['dec']) // 10}"
    yy = int(g["dd"])
    return f"{'20' if yy < 20 else '19'}{yy // 10}"


def _v_century(m, ctx):
    n = _ORD.get(m["n"].lower()) or int(re.match(r"\d+", m["n"]).group())
    return f"{n - 1:02d}"


def _v_iso(m, ctx):
    try:
        return dt.date(int(m["y"]), int(m["mo"]), int(m["d"])).isoformat()
    except ValueError:
        return None


def _v_slash(m, ctx):
    mo, d, y = int(m["mo"]), int(m["d"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 50 else 1900
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def _v_deictic(m, ctx):
    w = m["w"].lower()
    a = ctx.dct
    if a is None:
        return "PRESENT_REF" if w == "today" else None
    off = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "earlier today": 0, "later today": 0}.get(w, 0)
    return (a + dt.timedelta(days=off)).isoformat()


def _v_ref(kind):
    return lambda m, ctx: kind


def _shift(ctx, unit: str, n: int) -> str | None:
    return _shift_from(ctx.dct, unit, n)


def _shift_from(a, unit: str, n: int) -> str | None:
    """The TIMEX3 value of ``n`` units after (before, when negative) the date ``a``."""
    if a is None:
        return None
    if unit == "day":
        return (a + dt.timedelta(days=n)).isoformat()
    if unit == "week":
        return _iso_week(a + dt.timedelta(weeks=n))
    if unit == "weekend":
        return _iso_week(a + dt.timedelta(weeks=n)) + "-WE"
    if unit == "month":
        y, mo = _add_months(a.year, a.month, n)
        return f"{y:04d}-{mo:02d}"
    if unit == "quarter":
        q = (a.month - 1) // 3 + n
        y, q = a.year + q // 4, q % 4
        return f"{y:04d}-Q{q + 1}"
    if unit == "year":
        return f"{a.year + n:04d}"
    if unit == "decade":
        return f"{(a.year // 10 + n):03d}"
    if unit == "century":
        return f"{(a.year // 100 + n):02d}"
    if unit in _SEASON:
        return f"{a.year + n:04d}-{_SEASON[unit]}"
    return None


def _v_lastnext(m, ctx):
    rel = m["rel"].lower()
    unit = m["unit"].lower()
    n = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
    if unit in _SEASON:
        a = ctx.dct
        if a is None:
            return f"XXXX-{_SEASON[unit]}"
        if rel == "this":
            return f"{a.year}-{_SEASON[unit]}"
        return f"{a.year + n}-{_SEASON[unit]}"
    return _shift(ctx, unit, n)


def _v_part_of(m, ctx):
    """"the end of this year", "the beginning of the month", "earlier this week", "later this year"."""
    unit = m["unit"].lower()
    rel = (m.groupdict().get("rel") or "this").lower()
    n = {"last": -1, "previous": -1, "past": -1, "this": 0, "the": 0, "next": 1, "coming": 1, "current": 0}.get(rel, 0)
    return _shift(ctx, unit, n)


def _v_ago(m, ctx):
    if not m["n"]:
        return "PAST_REF" if m["unit"].lower().endswith("s") else None
    n = _num(m["n"])
    unit = m["unit"].lower().rstrip("s")
    a = ctx.dct
    if a is None or n is None or n != int(n):
        return None if a is None else "PAST_REF"
    n = int(n)
    if unit == "day":
        return (a - dt.timedelta(days=n)).isoformat()
    if unit in ("week", "fortnight"):
        return (a - dt.timedelta(weeks=n * (2 if unit == "fortnight" else 1))).isoformat()
    if unit == "month":
        y, mo = _add_months(a.year, a.month, -n)
        return f"{y:04d}-{mo:02d}"
    if unit == "year":
        return f"{a.year - n:04d}"
    if unit == "decade":
        return f"{(a.year - 10 * n) // 10:03d}"
    if unit in ("hour", "minute", "second"):
        return a.isoformat()
    return "PAST_REF"


def _v_rel_ref(m, ctx):
    """"three days later", "a year earlier", "the following week", "the previous year": against
    the last date mentioned (else the document date)."""
    g = m.groupdict()
    unit = (g.get("unit") or "").lower().rstrip("s")
    word = (g.get("dir") or "").lower()
    sign = -1 if word in ("earlier", "before", "previous", "prior", "preceding") else 1
    n = _num(g["n"]) if g.get("n") else 1
    if n is None or n != int(n):
        return "PAST_REF" if sign < 0 else "FUTURE_REF"
    n = int(n) * sign
    a = (ctx.last_day or ctx.dct) if unit in ("day", "week") else ctx.anchor()
    return _shift_from(a, unit, n) if unit in ("day", "week", "month", "year") else None


def _v_same(m, ctx):
    unit = m["unit"].lower()
    a = ctx.anchor()
    if a is None:
        return None
    if unit == "day":
        return a.isoformat()
    if unit == "week":
        return _iso_week(a)
    if unit == "month":
        return f"{a.year:04d}-{a.month:02d}"
    if unit == "time":
        if ctx.ref is None or m.group(0).lower().startswith("the"):
            return None
        return {"day": a.isoformat(), "week": _iso_week(a), "month": f"{a.year:04d}-{a.month:02d}",
                "quarter": f"{a.year:04d}-Q{(a.month - 1) // 3 + 1}"}.get(ctx.ref_gran, f"{a.year:04d}")
    return f"{a.year:04d}"


def _v_the_day(m, ctx):
    a = ctx.last_day or ctx.dct
    return a.isoformat() if a else None


def _v_same_last_year(m, ctx):
    """"the same period last year", "the same month a year ago": the last date mentioned, a year back."""
    a = ctx.ref if ctx.ref is not None else ctx.dct
    if a is None:
        return None
    unit = m["unit"].lower()
    if unit == "month" or (unit in ("period", "time") and ctx.ref_gran == "month"):
        return f"{a.year - 1:04d}-{a.month:02d}"
    if unit == "quarter" or (unit in ("period", "time") and ctx.ref_gran == "quarter"):
        return f"{a.year - 1:04d}-Q{(a.month - 1) // 3 + 1}"
    if unit == "day":
        return f"{a.year - 1:04d}-{a.month:02d}-{a.day:02d}"
    return f"{a.year - 1:04d}"


def _v_year_earlier(m, ctx):
    return _v_same_last_year(_Fake(m, {"unit": "period"}), ctx)


def _v_weekday(m, ctx):
    wd = WEEKDAYS[m["wd"].lower()]
    rel = (m.groupdict().get("rel") or "").lower() or None
    d = _weekday_date(ctx, wd, m.start(), m.end(), {"this": None, "last": "last", "next": "next", "past": "last",
                                                   "coming": "next"}.get(rel) if rel else None)
    part = (m.groupdict().get("part") or "").lower()
    if d is None:
        v = f"XXXX-WXX-{wd + 1}"
    else:
        v = d.isoformat()
    if part:
        v += "T" + _PART[part]
    return v


def _v_part_day(m, ctx):
    w = m["w"].lower()
    part = m["part"].lower() if m.groupdict().get("part") else "night"
    a = ctx.dct
    if a is None:
        return None
    off = {"yesterday": -1, "last": -1, "tomorrow": 1, "this": 0, "tonight": 0, "today": 0}.get(w, 0)
    if w == "tonight":
        part = "night"
    return (a + dt.timedelta(days=off)).isoformat() + "T" + _PART[part]


def _v_time(m, ctx):
    g = m.groupdict()
    if g.get("word"):
        hh, mm = (12, 0) if g["word"].lower() == "noon" else (0, 0)
        ampm = None
    else:
        ampm = (g.get("ampm") or "").lower().replace(".", "").replace(" ", "")
        if g.get("hhmm"):
            hh, mm = int(g["hhmm"][:2]), int(g["hhmm"][2:])
        else:
            hh, mm = int(g["hh"]), int(g["mm"] or 0)
        if ampm == "pm" and hh < 12:
            hh += 12
        elif ampm == "am" and hh == 12:
            hh = 0
    if hh > 24 or mm > 59:
        return None
    day = None
    dw = (g.get("day") or "").strip().lower()
    if dw:
        if dw in WEEKDAYS:
            d = _weekday_date(ctx, WEEKDAYS[dw], m.start(), m.end())
            day = d.isoformat() if d else None
        elif ctx.dct:
            day = (ctx.dct + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}.get(dw, 0))).isoformat()
    if day is None:
        near = ctx.same_sentence_day(m.start(), m.end()) if hasattr(ctx, "same_sentence_day") else None
        day = near or (ctx.dct.isoformat() if ctx.dct else "XXXX-XX-XX")
    tz = "Z" if re.search(r"UTC|GMT|\bZ\b", g.get("tz") or "") else ""
    return f"{day}T{hh:02d}:{mm:02d}{tz}"


def _v_quarter(m, ctx):
    g = m.groupdict()
    q = _ORD.get(g["q"].lower().rstrip("-")) if not g["q"].upper().startswith("Q") else int(g["q"][1])
    if q is None or q > 4:
        return None
    if g.get("y"):
        return f"{int(g['y'])}-Q{q}"
    rel = (g.get("rel") or "").lower()
    a = ctx.dct
    if a is None:
        return f"XXXX-Q{q}"
    if rel:
        y = a.year + {"last": -1, "previous": -1, "this": 0, "next": 1}[rel]
        return f"{y}-Q{q}"
    cur = (a.month - 1) // 3 + 1
    if g["q"].lower() == "last" and not g.get("y"):
        # "the last quarter": the one before the current
        y, qq = (a.year, cur - 1) if cur > 1 else (a.year - 1, 4)
        return f"{y}-Q{qq}"
    if ctx.future(m.start(), m.end()):
        return f"{a.year if q >= cur else a.year + 1}-Q{q}"
    # no cue: the nearest such quarter (a past one on a tie)
    ahead, back = (q - cur) % 4, (cur - q) % 4
    if back == 0 or back <= ahead:
        return f"{a.year if q <= cur else a.year - 1}-Q{q}"
    return f"{a.year if q >= cur else a.year + 1}-Q{q}"


def _v_half(m, ctx):
    h = 1 if m["h"].lower() in ("first", "1st") else 2
    if m.groupdict().get("y"):
        return f"{int(m['y'])}-H{h}"
    rel = (m.groupdict().get("rel") or "this").lower()
    if ctx.dct is None:
        return f"XXXX-H{h}"
    return f"{ctx.dct.year + {'last': -1, 'this': 0, 'next': 1, 'the': 0}.get(rel, 0)}-H{h}"


def _v_season(m, ctx):
    code = _SEASON[m["s"].lower()]
    if m.groupdict().get("y"):
        return f"{int(m['y'])}-{code}"
    a = ctx.dct
    if a is None:
        return f"XXXX-{code}"
    return f"{a.year}-{code}"


def _v_early_late_month(m, ctx):
    return _v_month(m, ctx)


def _v_week_of_month(m, ctx):
    mo = _month(m["mon"])
    y = int(m["y"]) if m.groupdict().get("y") else (_pick_year(ctx, mo, None, m.start(), m.end()) if ctx.dct else None)
    if y is None:
        return f"XXXX-{mo:02d}"
    last = calendar.monthrange(y, mo)[1]
    which = m["which"].lower()
    d = dt.date(y, mo, 4) if which == "first" else dt.date(y, mo, last - 3)
    return _iso_week(d)


def _v_dur(m, ctx):
    g = m.groupdict()
    n = _num(g["n"]) if g.get("n") and g["n"].lower() not in _VAGUE else None
    if g.get("n") and n is None and g["n"].lower() not in _VAGUE:
        return None
    return _dur(n, g["unit"])


def _v_dur_vague(m, ctx):
    return _dur(None, m["unit"])


def _v_dur_past(m, ctx):
    g = m.groupdict()
    n = _num(g["n"]) if g.get("n") else 1
    if g.get("n") and g["n"].lower() in _VAGUE:
        n = None
    return _dur(n, g["unit"])


def _v_set(m, ctx):
    g = m.groupdict()
    u = (g.get("unit") or "").lower()
    if u in WEEKDAYS:
        return f"XXXX-WXX-{WEEKDAYS[u] + 1}"
    if u in _PART:
        return f"XXXX-XX-XXT{_PART[u]}"
    if u in _SEASON:
        return f"XXXX-{_SEASON[u]}"
    return _dur(1, u)


def _v_adverb_set(m, ctx):
    w = m["w"].lower()
    return {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y", "hourly": "PT1H",
            "nightly": "P1D", "quarterly": "P1Q", "biweekly": "P2W", "biannually": "P6M"}[w]


def _v_holiday(m, ctx):
    h = m["h"].lower()
    md = {"christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25), "new year's eve": (12, 31),
          "new year's day": (1, 1), "boxing day": (12, 26), "halloween": (10, 31), "valentine's day": (2, 14),
          "independence day": (7, 4)}[re.sub(r"\s+", " ", h).replace("’", "'")]
    if m.groupdict().get("y"):
        return f"{int(m['y'])}-{md[0]:02d}-{md[1]:02d}"
    y = _pick_year(ctx, md[0], md[1], m.start(), m.end())
    return f"{y:04d}-{md[0]:02d}-{md[1]:02d}" if y else f"XXXX-{md[0]:02d}-{md[1]:02d}"


def _v_fiscal(m, ctx):
    if m.groupdict().get("y"):
        return f"FY{int(m['y'])}"
    rel = (m.groupdict().get("rel") or "this").lower()
    if ctx.dct is None:
        return "FYXXXX"
    return f"FY{ctx.dct.year + {'last': -1, 'previous': -1, 'this': 0, 'the': 0, 'current': 0, 'next': 1}.get(rel, 0)}"


_WD_OPT = rf"(?:(?P<wd>{_WD}),?\s+)?"
_YEAR_NOT_NUM = r"(?!\s*(?:%|per\s?cent|percent|people|points?|units?|jobs|employees|workers|cars|vehicles|aircraft|planes|km|miles|kilomet|metres|meters|feet|tons?|tonnes|barrels|votes|seats|troops|soldiers|residents|deaths|cases|shares|members|pounds|euros|dollars|yuan|yen|million|billion|m\b|bn\b))"

_RULES_SRC: list[tuple[str, str, str, object, str]] = [
    # (name, type, pattern, value function, prefilter)
    ("iso", "DATE", _L + r"(?P<y>(?:19|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>[0-3]\d)(?!\d)", _v_iso, "digit"),
    ("slash", "DATE", _L + r"(?P<mo>0?[1-9]|1[0-2])/(?P<d>[0-3]?\d)/(?P<y>(?:19|20)?\d\d)(?![\d/])", _v_slash, "digit"),
    ("mdy", "DATE", _L + _WD_OPT + rf"(?P<mon>{_MON})\s+(?P<d>{_DAYN}),?\s+(?P<y>{_YR})(?!\d)", _v_full, "month"),
    ("dmy", "DATE", _L + _WD_OPT + rf"(?:the\s+)?(?P<d>{_DAYN})\s+(?:of\s+)?(?P<mon>{_MON}),?\s+(?P<y>{_YR})(?!\d)", _v_full, "month"),
    ("md", "DATE", _L + _WD_OPT + rf"(?P<mon>{_MON})\s+(?P<d>{_DAYN})(?![\d:,.]\d)(?!\w)", _v_md, "month"),
    ("dm", "DATE", _L + _WD_OPT + rf"(?:the\s+)?(?P<d>{_DAYN})\s+(?:of\s+)?(?P<mon>{_MON})(?!\w)", _v_md, "month"),
    ("my", "DATE", _L + rf"(?:(?:early|mid|late)[- ]|the\s+(?:start|beginning|middle|end)\s+of\s+)?(?P<mon>{_MON})(?:,?\s+|\s+of\s+)(?P<y>{_YR})(?!\d)", _v_my, "month"),
    ("month", "DATE", _L + r"(?:(?P<rel>last|next|this)\s+|(?:early|mid|late)[- ]|the\s+(?:start|beginning|middle|end)\s+of\s+)?"
     r"(?P<mon>January|February|April|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)(?![\w-])(?![ \t]+[A-Z][a-z])", _v_month, "month"),
    ("month_rel_year", "DATE", _L + rf"(?P<mon>{_MON})\s+(?:of\s+)?(?P<rel>last|this|next)\s+year(?!\w)", _v_month_rel_year, "month"),
    ("month_cue", "DATE", r"\b(?:[Ii]n|[Ss]ince|[Uu]ntil|till|by|[Dd]uring|[Ff]rom|through|of|before|after|early|late|mid|last|next|this)\s+"
     r"(?P<t>(?P<mon>March|May))(?![\w-])(?![ \t]+[A-Z][a-z])(?!\s+(?:be|have|not|well|also|never|still|yet|soon|[a-z]+ed)\b)", _v_month, "month"),
    ("month_cue2", "DATE", _L + r"(?P<rel>last|next|this)\s+(?P<mon>March|May)(?![\w-])", _v_month, "month"),
    ("month_early", "DATE", _L + r"(?:early|mid|late)[- ](?P<mon>March|May)(?![\w-])", _v_month, "month"),
    ("week_of_month", "DATE", _L + rf"the\s+(?P<which>first|last|final)\s+week\s+of\s+(?P<mon>{_MON})(?:,?\s+(?P<y>{_YR}))?(?!\w)", _v_week_of_month, "month"),
    ("year_mod", "DATE", _L + rf"(?:(?:early|mid|late)[- ]|the\s+(?:start|beginning|middle|end)\s+of\s+)(?P<y>{_YR})(?![\d,.]\d)(?![\w-])", _v_year, "digit"),
    ("year", "DATE", _L + r"(?P<y>(?:19|20)\d\d)(?![\d,.]\d)(?![\w%-])(?!\s*\))?" + _YEAR_NOT_NUM, _v_year, "digit"),
    ("apos_year", "DATE", r"\b(?:since|in|of|from|until|by|the|to|and)\s+(?P<t>['’](?P<yy>\d\d))(?![\w'’])", _v_apos_year, "digit"),
    ("decade", "DATE", _L + r"(?:(?:early|mid|late)[- ])?(?:(?P<cent>1[6-9]|20)(?P<dec>\d0)|['’]?(?P<dd>\d0))['’]?s(?!\w)", _v_decade, "digit"),
    ("century", "DATE", _L + r"the\s+(?P<n>\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|nineteenth|twentieth|twenty-first)[- ]century(?!\w)", _v_century, "relative"),
    ("quarter", "DATE", _L + r"(?:the\s+)?(?P<q>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?quarter(?:\s+of\s+(?:(?:fiscal\s+)?(?P<y>" + _YR + r")|(?P<rel>this|last|next|the)\s+(?:fiscal\s+)?year))?(?!\w)(?!-\w)", _v_quarter, "relative"),
    ("quarter_y", "DATE", _L + r"(?P<q>Q[1-4])\s*(?P<y>" + _YR + r")(?!\d)", _v_quarter, "digit"),
    ("quarter_adj", "DATE", _L + r"(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)-quarter(?:\s+(?P<y>" + _YR + r"))?(?!\w)", _v_quarter, "relative"),
    ("half", "DATE", _L + r"the\s+(?P<h>first|second|1st|2nd)\s+half\s+of\s+(?:(?P<y>" + _YR + r")|(?P<rel>this|last|next|the)\s+year)(?!\w)", _v_half, "relative"),
    ("season", "DATE", _L + r"(?:(?:early|late|mid)[- ])?(?:the\s+)?(?P<s>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)(?:\s+(?:of\s+)?(?P<y>" + _YR + r"))?(?![\w-])", _v_season, "relative"),
    ("season_fall", "DATE", _L + r"(?:(?:in|this|last|next|the|early|late)\s+)(?P<s>fall)(?:\s+(?:of\s+)?(?P<y>" + _YR + r"))?(?!\w)", _v_season, "relative"),
    ("season_rel", "DATE", _L + r"(?P<rel>last|next|this|past|coming)\s+(?P<unit>spring|summer|autumn|fall|winter)(?!\w)", _v_lastnext, "relative"),
    ("fiscal", "DATE", _L + r"(?:(?:the\s+)?(?P<rel>this|last|next|previous|current|the)\s+)?(?:fiscal|financial)\s+year(?:\s+(?P<y>" + _YR + r"))?(?!\w)", _v_fiscal, "relative"),
    ("fiscal_y", "DATE", _L + r"fiscal\s+(?P<y>" + _YR + r")(?!\d)", _v_fiscal, "digit"),
    ("holiday", "DATE", _L + r"(?P<h>Christmas Eve|Christmas Day|Christmas|New Year['’]s Eve|New Year['’]s Day|Boxing Day|Halloween|Valentine['’]s Day)(?:\s+(?P<y>" + _YR + r"))?(?!\w)", _v_holiday, "month_or_rel"),
    # times
    ("time", "TIME", _L + r"(?:(?P<hh>[01]?\d|2[0-3])(?::(?P<mm>[0-5]\d))?\s*(?P<ampm>[ap]\.\s?m\.|[ap]m\b|[AP]M\b)|(?P<hhmm>[01]\d[0-5]\d|2[0-3][0-5]\d)(?=\s*(?:GMT|UTC|hrs|hours\b))|(?P<hh2>[01]?\d|2[0-3]):(?P<mm2>[0-5]\d)(?!\d)|(?P<word>noon|midnight))"
     r"(?P<tz>\s*\((?:UTC|GMT|Z|[ECMP][SD]T|BST|CET|CEST)(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\)|\s*(?:UTC|GMT|Z|[ECMP][SD]T|BST|CET|CEST)(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?)?(?:\s+(?:on\s+)?(?P<day>today|yesterday|tomorrow|" + _WD + r"))?(?!\w)", None, "digit_or_time"),
    ("part_day", "TIME", _L + r"(?:(?P<w>yesterday|tomorrow|this|last|today)\s+(?P<part>morning|afternoon|evening|night)|(?P<w2>tonight|last night|overnight))(?!\w)", None, "relative"),
    ("weekday_part", "TIME", _L + r"(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<wd>" + _WD + r")\s+(?P<part>morning|afternoon|evening|night)(?!\w)", _v_weekday, "weekday"),
    # deictic and relative dates
    ("deictic", "DATE", _L + r"(?P<w>(?:earlier|later)\s+today|today|yesterday|tomorrow)(?!\w)", _v_deictic, "relative"),
    ("weekday", "DATE", _L + r"(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<wd>" + _WD + r")(?!\w)", _v_weekday, "weekday"),
    ("lastnext", "DATE", _L + r"(?:this\s+)?(?P<rel>last|previous|this|next|coming|current|past)\s+(?P<unit>week|weekend|month|quarter|year|decade|century)(?!\w)(?!-)", _v_lastnext, "relative"),
    ("the_weekend", "DATE", _L + r"(?P<rel>the)\s+(?P<unit>weekend)(?!\w)", _v_part_of, "relative"),
    ("part_of", "DATE", _L + r"(?:(?:earlier|later)\s+(?:this|in\s+the)\s+|(?:the\s+(?:very\s+)?(?:start|beginning|middle|end|rest|remainder)\s+of\s+)(?P<rel>this|last|next|the)\s+)(?P<unit>week|month|year|decade|century)(?!\w)", _v_part_of, "relative"),
    ("part_of2", "DATE", _L + r"(?:earlier|later)\s+(?P<rel>this)\s+(?P<unit>week|month|year|decade)(?!\w)", _v_part_of, "relative"),
    ("ago", "DATE", _L + r"(?:(?:about|around|some|nearly|almost|roughly|more than|less than|over|just|only)\s+)?(?:(?P<n>" + _NUMX + r")\s+)?(?P<unit>" + _UNITS_RX + r")\s+ago(?!\w)", _v_ago, "relative"),
    ("rel_ref", "DATE", _L + r"(?:(?P<n>" + _NUMX + r")\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>later|earlier)(?!\s+than)"
     r"|the\s+(?P<dir2>following|next|previous|preceding|prior)\s+(?P<unit2>day|week|month|year)"
     r"|the\s+(?P<unit3>day|week|month|year)\s+(?P<dir3>before|after|previous|prior|earlier|later))(?!\w)", None, "relative"),
    ("same", "DATE", _L + r"(?:the\s+same|that|the\s+(?:entire|whole|full))\s+(?P<unit>day|week|month|year|time)(?!\w)", _v_same, "relative"),
    ("the_day", "DATE", r"(?:\b(?:end|ended|ending|ends|finish|finished|finishing|for|during|close|closed|closing)\s+|\b(?:later|earlier)\s+in\s+)(?P<t>the\s+day)(?!\w)", _v_the_day, "relative"),
    ("day_part_of", "DATE", _L + r"(?:the\s+(?:start|beginning|end|close)\s+of\s+the\s+day|(?:late|early)\s+in\s+the\s+day)(?!\w)", _v_the_day, "relative"),
    ("same_last_year", "DATE", _L + r"the\s+same\s+(?P<unit>period|month|quarter|time|day|week)\s+(?:of\s+)?(?:last\s+year|the\s+(?:previous|prior|last)\s+year|a\s+year\s+(?:ago|earlier|before))(?!\w)", _v_same_last_year, "relative"),
    ("year_earlier", "DATE", _L + r"(?:a\s+)?year[- ](?:earlier|ago)(?=\s+(?:period|quarter|month|level|figure|result|sales|levels|figures|results|profit|loss|earnings))", _v_year_earlier, "relative"),
    ("present", "DATE", _L + r"(?:(?:right|just|until|till|by|for|from)\s+)?(?P<w>now)(?![\w-])", _v_ref("PRESENT_REF"), "ref"),
    ("present2", "DATE", _L + r"(?:currently|presently|nowadays|at\s+present|these\s+days|the\s+present|the\s+time\s+being|at\s+the\s+moment)(?!\w)", _v_ref("PRESENT_REF"), "ref"),
    ("past", "DATE", _L + r"(?<!most )(?:(?:more|very|until|only|as)\s+)?recent(?:ly)?(?:\s+(?:years|months|weeks|days|decades|times|history))?(?!\w)", _v_ref("PAST_REF"), "ref"),
    ("past2", "DATE", _L + r"the\s+past(?!\s+(?:\d|" + _NW + r"|few|several|decade|century|year|month|week|day|quarter|hour|minute|weekend))(?=\s*[,.;:!?)\"'”]|\s+(?:and|or|but|when|where|that|as)\b)", _v_ref("PAST_REF"), "ref"),
    ("future", "DATE", _L + r"the\s+(?:near\s+|distant\s+|foreseeable\s+)?future(?!\w)", _v_ref("FUTURE_REF"), "ref"),
    # sets
    ("set", "SET", _L + r"(?:every|each|per)\s+(?:other\s+|single\s+)?(?P<unit>second|minute|hour|day|week|month|quarter|year|morning|afternoon|evening|night|" + _WD + r"|spring|summer|autumn|winter)(?!\w)", _v_set, "relative_or_weekday"),
    ("set_freq", "SET", _L + r"(?:once|twice|(?:\d+|" + _NW + r")\s+times)\s+(?:a|an|per|each|every)\s+(?P<unit>second|minute|hour|day|week|month|quarter|year)(?!\w)", _v_set, "relative"),
    ("set_rate", "SET", r"(?<=\d )(?:a|an|per)\s+(?P<unit>day|week|month|year)(?!\w)", _v_set, "relative"),
    ("set_adv", "SET", _L + r"(?P<w>daily|weekly|monthly|yearly|annually|hourly|nightly|quarterly|biweekly|biannually)(?![\w-])", _v_adverb_set, "relative"),
    ("set_weekdays", "SET", _L + r"(?P<unit>Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays)(?!\w)", None, "weekday"),
    # durations
    ("dur_past", "DURATION", _L + r"the\s+(?:past|last|next|coming|previous|first|following|preceding)\s+(?:(?P<n>" + _NUMX + r")\s+)?(?:(?:trading|business|working|straight|consecutive)\s+)?(?P<unit>" + _UNITS_RX + r")(?!\w)(?!-)", _v_dur_past, "relative"),
    ("dur_adj", "DURATION", _L + r"(?P<n>\d+(?:\.\d+)?|" + _NW + r"|half)[- ](?P<unit>second|minute|hour|day|week|month|year|decade|century)(?:-long)?(?!\w)(?![- ]old)", _v_dur, "relative"),
    ("dur", "DURATION", _L + _MOD_PRE + r"(?P<n>" + _NUMX + r")\s+(?:(?:more|straight|consecutive|full|long|short|whole|trading|business|working|calendar|additional|extra|further)\s+)?(?P<unit>" + _UNITS_RX + r")(?!\w)(?![- ]old)(?!\s+old\b)", _v_dur, "relative"),
    ("dur_range", "DURATION", _L + r"(?P<n>\d+|" + _NW + r")(?=\s*(?:-|–|to|and|or)\s*(?:\d+|" + _NW + r")\s+(?P<unit>" + _UNITS_RX + r")\b)", _v_dur, "relative"),
    ("dur_bare", "DURATION", r"\b(?:for|in|within|over|took|take|takes|lasted|last)\s+(?:(?:just|only)\s+)?(?P<t>(?P<unit>days|weeks|months|years|decades|hours|minutes|centuries))(?!\w)(?!\s+(?:of|to|ago|later|earlier|before|after)\b)", _v_dur_vague, "relative"),
    ("dur_years_long", "DURATION", _L + r"(?P<unit>days|weeks|months|years|decades)-long(?!\w)", _v_dur_vague, "relative"),
    ("dur_over_the", "DURATION", r"\b(?:over|through|for|during|in|throughout)\s+(?P<t>the\s+(?P<unit>years|decades|months|centuries))(?!\w)", _v_dur_vague, "relative"),
    ("dur_annual", "DURATION", _L + r"annual(?![\w-])", _v_ref("P1Y"), "relative"),
    ("dur_overnight", "DURATION", _L + r"(?:half\s+an\s+hour|an\s+hour\s+and\s+a\s+half)(?!\w)", None, "relative"),
]
_LOWER_RULES = {"deictic", "lastnext", "part_of", "part_of2", "ago", "rel_ref", "same", "the_day", "day_part_of",
                "same_last_year", "present", "present2", "past", "past2", "future", "dur_past", "dur_adj", "dur",
                "dur_range", "dur_bare", "dur_years_long", "dur_over_the", "dur_annual", "dur_overnight", "set",
                "set_freq", "set_rate", "set_adv", "part_day", "time", "century", "quarter", "quarter_adj", "half",
                "season_rel", "fiscal", "the_weekend", "weekday_part", "weekday", "season_fall", "month"}
_CASELESS = {"deictic", "lastnext", "part_of", "part_of2", "ago", "rel_ref", "same", "the_day", "day_part_of",
             "same_last_year", "present", "present2", "past", "past2", "future", "dur_past", "dur_adj", "dur",
             "dur_range", "dur_bare", "dur_years_long", "dur_over_the", "dur_annual", "dur_overnight", "set",
             "set_freq", "set_rate", "part_day", "century", "quarter", "quarter_adj", "half",
             "season_rel", "fiscal", "the_weekend", "season_fall", "year_earlier"}
_RULES = [(name, typ, re.compile(pat, re.I if name in _CASELESS else 0), fn, pre) for name, typ, pat, fn, pre in _RULES_SRC]

_PRE = {
    "digit": re.compile(r"\d"),
    "month": re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"),
    "weekday": re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"),
    "relative": re.compile(r"(?i)day|week|month|year|quarter|decade|centur|hour|minute|second|night|morning|evening|"
                           r"afternoon|spring|summer|autumn|winter|fall|annual|fiscal|financial|tonight|overnight|today|"
                           r"tomorrow"),
    "ref": re.compile(r"(?i)now|current|present|recent|past|future|moment|time being|these days"),
}


def _prefilter(text: str) -> dict[str, bool]:
    has = {k: bool(rx.search(text)) for k, rx in _PRE.items()}
    has["month_or_rel"] = has["month"] or bool(re.search(r"(?i)christmas|new year|halloween|valentine|boxing day", text))
    has["digit_or_time"] = has["digit"] or bool(re.search(r"(?i)noon|midnight", text))
    has["relative_or_weekday"] = has["relative"] or has["weekday"]
    return has


# The value function of the rules that need to look at more than the match.
def _v_time_entry(m, ctx):
    g = m.groupdict()
    if g.get("hh2") is not None and g.get("hh") is None:
        # 18:00 without am/pm: read from hh2/mm2
        class _G(dict):
            pass
        d = dict(g)
        d["hh"], d["mm"] = g["hh2"], g["mm2"]
        if not (g.get("tz") or g.get("day")):
            # a bare "3:2" score or a ratio is not a time: need a zone, a day, or "at"
            before = ctx.text[max(0, m.start() - 4):m.start()].lower()
            if not before.endswith(("at ", "by ", "to ")) and "until" not in ctx.text[max(0, m.start() - 7):m.start()]:
                return None
        return _v_time(_Fake(m, d), ctx)
    return _v_time(m, ctx)


class _Fake:
    def __init__(self, m, d):
        self._m, self._d = m, d

    def groupdict(self):
        return self._d

    def __getitem__(self, k):
        return self._d[k]

    def start(self):
        return self._m.start()

    def end(self):
        return self._m.end()


def _v_part_day_entry(m, ctx):
    g = m.groupdict()
    if g.get("w2"):
        w2 = re.sub(r"\s+", " ", g["w2"].lower())
        if w2 == "overnight":
            return None
        d = {"w": "tonight" if w2 == "tonight" else "last", "part": "night"}
        return _v_part_day(_Fake(m, d), ctx)
    return _v_part_day(m, ctx)


def _v_rel_ref_entry(m, ctx):
    g = dict(m.groupdict())
    if g.get("dir2"):
        g["dir"] = g["dir2"]
        g["unit"] = g["unit2"]
        g["n"] = None
    elif g.get("dir3"):
        g["dir"] = g["dir3"]
        g["unit"] = g["unit3"]
        g["n"] = None
    if g.get("n") and g["n"].lower() in _VAGUE:
        return "PAST_REF" if g["dir"].lower() == "earlier" else "FUTURE_REF"
    return _v_rel_ref(_Fake(m, g), ctx)


def _v_half_hour(m, ctx):
    return "PT30M" if "half an hour" in m.group(0).lower() else "PT1.5H"


def _v_set_weekdays(m, ctx):
    return f"XXXX-WXX-{WEEKDAYS[m['unit'].lower()[:-1]] + 1}"


_ENTRY = {"time": _v_time_entry, "part_day": _v_part_day_entry, "rel_ref": _v_rel_ref_entry,
          "dur_overnight": _v_half_hour, "set_weekdays": _v_set_weekdays}


def _reject(name: str, m: re.Match, text: str) -> bool:
    """Cheap context checks that regexes do poorly."""
    s, e = m.span()
    before = text[max(0, s - 12):s]
    after = text[e:e + 12]
    if name in ("year", "decade"):
        # a page number, a model, a sum, a count: "No. 2008", "Boeing 2008", "2008 - 2009 km"
        if re.search(r"(?:No\.|no\.|#|Nr\.|page|p\.|Flight|flight|Route|route|Highway|model|\d[,.])\s*$", before):
            return True
        if re.match(r"\s*(?:[-–]\s*\d{2}\b)?\s*(?:per\s?cent|%)", after) and not re.match(r"\s*[-–]\s*\d{2}\b", after):
            return True
    if name in ("dur", "dur_adj") and re.fullmatch(r"(?i)an?\s+second", m.group(0).strip()):
        return True
    if name == "dur" and re.match(r"(?i)\s*(?:of\s+age|-old|\s*old\b)", after):
        return True
    if name in ("weekday", "weekday_part") and re.search(r"(?:Black|Cyber|Easter|Ash|Good|Super|Blue|Bloody|Shrove|Whit|Plough) $", before):
        return True
    if name == "dur" and re.fullmatch(r"(?i)(?:about |around |roughly |some |over |nearly |almost )?an? quarter", m.group(0).strip()):
        return True
    if name == "month" and s > 0 and text[s - 1] == "'":
        return True
    return False


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


_DAY_IN = re.compile(r"\d{4}-\d\d-\d\d")


def timexes(text: str, dct: dt.date | None = None) -> list[Timex]:
    """Every temporal expression of ``text`` (an article body or any passage), left to right,
    non-overlapping, each with its exact offsets, TIMEX3 type and value. Values that need an
    anchor (weekdays, "last week", year-less dates) use ``dct``, the document creation time; with
    none they are written with X placeholders (``XXXX-05-13``) or left out."""
    if not text:
        return []
    has = _prefilter(text)
    if not any(has.values()):
        return []
    cands = []
    for order, (name, typ, rx, fn, pre) in enumerate(_RULES):
        if not has.get(pre, True):
            continue
        for m in rx.finditer(text):
            if m.end() <= m.start() or _reject(name, m, text):
                continue
            s_, e_ = m.span("t") if "t" in rx.groupindex else m.span()
            cands.append((s_, e_, order, name, typ, m, fn))
    # the longest expression wins; among equals, the earlier rule
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    chosen = []
    ctx = _Ctx(text, dct)
    taken: list[tuple[int, int]] = []
    for c in cands:
        if any(_overlaps((c[0], c[1]), t) for t in taken):
            continue
        chosen.append(c)
        taken.append((c[0], c[1]))
    chosen.sort(key=lambda c: c[0])
    # same-sentence day for times ("at 16:15 UTC, June 1st")
    out: list[Timex] = []
    days_by_pos: list[tuple[int, str]] = []

    def same_sentence_day(s, e):
        """The day named nearest to a time in its sentence ("at 16:15 UTC, June 1st")."""
        sent_lo = max(text.rfind(". ", 0, s), text.rfind("\n", 0, s))
        sent_hi_c = [i for i in (text.find(". ", e), text.find("\n", e)) if i != -1]
        sent_hi = min(sent_hi_c) if sent_hi_c else len(text)
        near = [(abs(pos - s), v) for pos, v in days_by_pos if sent_lo < pos < sent_hi]
        return min(near)[1] if near else None
    ctx.same_sentence_day = same_sentence_day
    values: dict[int, str | None] = {}
    for i, (s, e, order, name, typ, m, fn) in enumerate(chosen):
        if name == "time":
            continue                      # after the days of its sentence are known
        f = _ENTRY.get(name, fn)
        values[i] = v = f(m, ctx) if f else None
        if v and typ == "DATE" and _DAY_IN.fullmatch(v):
            days_by_pos.append((s, v))
    for i, (s, e, order, name, typ, m, fn) in enumerate(chosen):
        if name == "time":
            values[i] = _ENTRY[name](m, ctx)
    ctx.ref = ctx.ref_gran = ctx.last_day = None
    for i, (s, e, order, name, typ, m, fn) in enumerate(chosen):
        value = values[i]
        if name in ("same", "rel_ref", "the_day", "day_part_of", "same_last_year"):
            f = _ENTRY.get(name, fn)
            value = f(m, ctx)             # again, now with the reference date of its place
        if value is None:
            continue
        span = text[s:e]
        flag = None
        if name in ("mdy", "dmy") and m.groupdict().get("wd"):
            flag = weekday_conflict(dt.date.fromisoformat(value), WEEKDAYS[m["wd"].lower()])
        elif name in ("md", "dm") and m.groupdict().get("wd") and _DAY_IN.fullmatch(value):
            flag = weekday_conflict(dt.date.fromisoformat(value), WEEKDAYS[m["wd"].lower()])
        if name == "dur" and typ == "DURATION" and m.group(0).lower().startswith(("a ", "an ")) and name == "dur":
            pass
        out.append(Timex(s, e, span, typ, value, name, flag))
        # anaphora: remember the last explicit date
        if typ in ("DATE", "TIME") and name not in ("same", "rel_ref", "present", "present2", "past", "past2", "future", "the_day", "day_part_of"):
            mm = re.match(r"(\d{4})(?:-(\d\d|Q\d|W\d\d))?(?:-(\d\d))?", value)
            if mm and "X" not in value[:4]:
                y = int(mm[1])
                part = mm[2] or ""
                if part.startswith("Q"):
                    ctx.ref, ctx.ref_gran = dt.date(y, (int(part[1]) - 1) * 3 + 1, 1), "quarter"
                elif part.startswith("W"):
                    ctx.ref, ctx.ref_gran = dt.date.fromisocalendar(y, int(part[1:]), 1), "week"
                elif part and mm[3]:
                    ctx.ref, ctx.ref_gran = dt.date(y, int(part), int(mm[3])), "day"
                    ctx.last_day = ctx.ref
                elif part:
                    ctx.ref, ctx.ref_gran = dt.date(y, int(part), 1), "month"
                else:
                    ctx.ref, ctx.ref_gran = dt.date(y, 1, 1), "year"
    return out


def weekday_conflict(d: dt.date, weekday: int) -> str | None:
    """None when ``d`` falls on ``weekday`` (0 = Monday), else a note for the reader:
    "13 May 2025 is a Tuesday, not a Monday"."""
    if d.weekday() == weekday:
        return None
    return (f"{d.day} {calendar.month_name[d.month]} {d.year} is a {calendar.day_name[d.weekday()]}, "
            f"not a {calendar.day_name[weekday]}")


# ---------------------------------------------------------------------------------------------
# Anchors from the text: a publication date for an article whose metadata has none.
# ---------------------------------------------------------------------------------------------

_DL_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DL_PLACE = (r"(?:(?!" + _WD + r")[A-Z][A-Za-z.'’-]*(?:[ -][A-Z][A-Za-z.'’-]*){0,3}"
             r"(?:,\s*(?!" + _WD + r")[A-Z][A-Za-z.'’-]*(?:\s[A-Z][A-Za-z.'’-]*){0,2})?,\s+)")
_DATELINE = [
    # "QUITO, Aug 27 (Reuters) -", "OSLO, Feb. 15 (NTB) --", "WASHINGTON, March 3, 2025 (AP) —"
    re.compile(r"^[ \t]*" + _DL_PLACE + rf"(?:(?P<wd>{_WD}),?\s+)?(?:(?P<mon>{_DL_MON})\s+(?P<d>[0-3]?\d)|(?P<d2>[0-3]?\d)\s+(?P<mon2>{_DL_MON}))"
               rf"(?:,?\s+(?P<y>{_YR}))?\s*(?:\((?P<agency>[^)\n]{{2,40}})\)\s*)?(?:-{{1,2}}|–|—|:)", re.M),
    # "May 10, Anadolu" / "May 10 (Reuters) -" at the start of a line
    re.compile(rf"^[ \t]*(?:(?P<wd>{_WD}),?\s+)?(?P<mon>{_DL_MON})\s+(?P<d>[0-3]?\d)(?:,\s*(?P<y>{_YR}))?"
               r"(?:,\s*(?P<agency>[A-Z][A-Za-z&.]*(?:\s[A-Z][A-Za-z&.]*){0,2})\b(?=\s*(?:[-–—:]|$|\n))|\s*\((?P<agency2>[^)\n]{2,40})\)\s*(?:-{1,2}|–|—))", re.M),
]


def infer_anchor(text: str, today: dt.date | None = None) -> tuple[dt.date, str, str] | None:
    """A publication date read from the article itself, for when its metadata has none:
    a dateline at the head of the text ("QUITO, Aug 27 (Reuters) -", "OSLO, Feb. 15 (NTB) --",
    "May 10, Anadolu"), else the first full date (with a year) in the lede.

    Returns (date, precision, how): ``how`` says what was read and what was inferred, for the
    reader. A dateline without a year takes the most recent such day not after ``today`` (by
    default the current date) on which its weekday, if it names one, falls. None if nothing
    fits."""
    parts = dateline_parts(text)
    if parts:
        mon, day, wd, year, what = parts
        if year:
            try:
                d = dt.date(year, mon, day)
            except ValueError:
                d = None
            if d is not None:
                how = f"inferred from the {what}"
                if wd is not None and weekday_conflict(d, wd):
                    how += f"; {weekday_conflict(d, wd)}"
                return d, "day", how
        else:
            ref = today or dt.date.today()
            y = year_for(mon, day, ref, wd)
            if y is not None:
                note = f"the most recent {calendar.month_name[mon]} {day}" + \
                    (f" that is a {calendar.day_name[wd]}" if wd is not None else "")
                return dt.date(y, mon, day), "day", \
                    f"inferred from the {what}; year inferred: {note} not after {ref.isoformat()}"
    lede = text[:400]
    for t in timexes(lede):
        if t.rule in ("mdy", "dmy", "iso") and _DAY_IN.fullmatch(t.value):
            return dt.date.fromisoformat(t.value), "day", f"inferred from the full date '{t.text}' in the lede"
    return None


def dateline_parts(text: str):
    """(month, day, weekday or None, year or None, what) of a dateline at the head of the text."""
    head = text[:600]
    for rx in _DATELINE:
        m = rx.search(head)
        if not m:
            continue
        g = m.groupdict()
        mon = _month(g.get("mon") or g.get("mon2"))
        day = int(g.get("d") or g.get("d2"))
        wd = WEEKDAYS.get((g.get("wd") or "").lower())
        return mon, day, wd, (int(g["y"]) if g.get("y") else None), f"dateline '{m.group(0).strip()}'"
    return None


def year_for(month: int, day: int, ref: dt.date, weekday: int | None = None, span: int = 28) -> int | None:
    """The year of a year-less day: the most recent one not after ``ref``; with a weekday, the
    most recent one on which the day falls on that weekday (within ``span`` years)."""
    for y in range(ref.year, ref.year - span, -1):
        try:
            d = dt.date(y, month, day)
        except ValueError:
            continue
        if d > ref:
            continue
        if weekday is None or d.weekday() == weekday:
            return y
    return None


def infer_as_of(mentions) -> tuple[dt.date, str] | None:
    """A set-level as-of date from (Mention) dates: the latest explicit date with a year; a
    year-less date counts too when its year is certain from its weekday ("Tuesday, May 13"
    near the latest dated year), or else in the latest dated year. Returns (date, how)."""
    best = None
    how = None
    yearless = []
    for men in mentions:
        if men.kind != "absolute" or men.month is None:
            continue
        if men.year:
            if men.precision not in ("day", "month"):
                continue
            last = calendar.monthrange(men.year, men.month)[1]
            d = dt.date(men.year, men.month, men.day or last)
            if best is None or d > best:
                best, how = d, f"the latest date with a year ('{men.span}')"
        elif men.day:
            yearless.append(men)
    base = best.year if best else None
    for men in yearless:
        y = None
        if men.weekday is not None:
            ref = dt.date((base or dt.date.today().year) + 1, 12, 31)
            y = year_for(men.month, men.day, ref, men.weekday, span=8)
            why = f"its weekday ({calendar.day_name[men.weekday]})"
        elif base is not None:
            y, why = base, "the latest dated year"
        if y is None:
            continue
        try:
            d = dt.date(y, men.month, men.day)
        except ValueError:
            continue
        if best is None or d > best:
            best, how = d, f"'{men.span}', year from {why}"
    return (best, how) if best else None


def value_precision(value: str) -> tuple[str | None, str | None]:
    """(calendar date, precision) that a TIMEX3 value names, or (None, None) for a duration,
    a set or a vague reference: 2025-06-13 -> day, 2025-06-13T17:00 -> time, 2025-W24 -> week,
    2025-06 -> month, 2025-Q2 -> quarter, 2025-SU -> season, 2025 -> year, 199 -> decade."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T.*)?)?|-W(\d\d)(?:-WE)?|-Q([1-4])|-H([12])|-(SP|SU|FA|WI))?", value)
    if m:
        y, mo, d, w, q, h, s = m.groups()
        if d:
            return value[:10], "time" if "T" in value else "day"
        if mo:
            return value[:7], "month"
        if w:
            return value[:8], "week"
        if q:
            return value[:7], "quarter"
        if h:
            return value[:7], "half"
        if s:
            return value[:7], "season"
        return y, "year"
    if re.fullmatch(r"\d{3}", value):
        return value, "decade"
    if re.fullmatch(r"\d{2}", value):
        return value, "century"
    return None, None
