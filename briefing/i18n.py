"""Localisation with Babel: dates by precision, numbers, and every label the layouts print.

Labels come from gettext catalogues (``briefing/locales/LANG/LC_MESSAGES/briefing.po``), the
format translators' tools read and write; the English text is the msgid. ``messages.pot`` is the
template (regenerate it with ``python -m briefing.i18n``). Dates are formatted in the locale's
own long form for their precision: a day, a month or a year.
"""
from __future__ import annotations

import datetime as dt
import difflib
import io
from functools import lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton
from babel.localedata import locale_identifiers
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .errors import BriefingError

DOMAIN = "briefing"

# key -> English text (the msgid). Layouts read them as d.labels.KEY.
LABELS_EN = {
    "briefing": "Briefing",
    "default_title": "Situation Briefing",
    "as_of": "As of",
    "issued_by": "Issued by",
    "dtg": "DTG",
    "page": "Page",
    "bluf": "Bottom line up front",
    "positions": "Positions by actor",
    "glance": "Positions at a glance",
    "timeline": "Key events",
    "chronology": "Chronology",
    "sources": "Source notes",
    "actor": "Actor",
    "key_positions": "Best-sourced positions",
    "no_position": "No stated position in the sources",
    "undated": "undated",
    "unknown_outlet": "unknown outlet",
    "date": "Date",
    "precision": "Precision",
    "event": "Event",
    "refs": "Sources",
    "day": "day",
    "month": "month",
    "year": "year",
    "inferred": "inferred",
    "inferred_note": "Dates marked † had no year (or only a weekday) in the text; the year was inferred as noted.",
    "undated_mentions": "Relative mentions that could not be dated",
    "anomaly": "Anomaly",
    "cites": "Attributes to",
    "outlet": "Outlets",
    "official": "Officials",
    "anonymous": "Anonymous",
    "other": "Other",
    "no_cites": "No attributions found in the text",
    "items_from": "Items drawn from this article",
    "source_text": "Source text",
    "none": "None",
    "own_reporting": "the article's own reporting",
    "matrix": "Positions by issue",
    "issue": "Issue",
    "other_claims": "Other statements",
    "each_source": "Each source's own sentence",
    "type_wire": "wire agency",
    "type_state_agency": "state news agency",
    "type_broadcaster": "broadcaster",
    "type_newspaper": "newspaper",
    "type_online": "online outlet",
    "type_magazine": "magazine",
    "ahead": "Ahead",
    "key_events": "Key events",
    # recurring editions (editions.py) and source grading (grading.py)
    "what_changed": "What changed",
    "change_new": "NEW",
    "change_updated": "UPDATED",
    "change_dropped": "DROPPED",
    "no_changes": "Nothing new, changed or dropped since the previous edition.",
    "since_first": "First edition: no earlier edition to compare with",
    "grading": "Source grading",
    "grade": "Grade",
    "grading_note": "Each item is graded as a letter and a digit (B2): the reliability of its source, from the desk's reliability file (F when the file does not rate the outlet), and the credibility of the information, computed from its sources.",
    "reliability": "Source reliability",
    "credibility": "Information credibility",
    "rel_A": "Completely reliable",
    "rel_B": "Usually reliable",
    "rel_C": "Fairly reliable",
    "rel_D": "Not usually reliable",
    "rel_E": "Unreliable",
    "rel_F": "Reliability cannot be judged",
    "cred_1": "Confirmed: independent reports from different outlets, not relaying the same wire",
    "cred_2": "Probably true: one on-record, named source",
    "cred_3": "Possibly true: a single report",
    "cred_4": "Doubtful: contradicted by another source in the set",
    "cred_5": "Improbable (never assigned automatically)",
    "cred_6": "Cannot be judged: anonymous sourcing only",
    "contradictions": "Contradictions in the set",
    "contradictions_note": "Opposite accounts of the same thing, listed and not resolved: each side keeps its own sources and is graded 4.",
    "no_contradictions": "No opposite accounts found in the set.",
    "contra_denial": "one denies what the other asserts",
    "contra_stance": "one supports what the other rejects",
    "contra_negation": "one says the opposite of the other",
    "stance_says": "says",
    "stance_denies": "denies",
    "stance_decides": "decides",
    "stance_agrees": "agrees",
    "stance_appeals": "appeals",
    "stance_urges": "urges",
    "stance_pledges": "pledges",
    "stance_proposes": "proposes",
    "stance_supports": "supports",
    "stance_demands": "demands",
    "stance_opposes": "opposes",
    "stance_accuses": "accuses",
    "stance_condemns": "condemns",
    "stance_refuses": "refuses",
    "stance_rejects": "rejects",
    "stance_threatens": "threatens",
    "stance_warns": "warns",
    "stance_protests": "protests",
}

# messages with placeholders (str.format) or plurals, used to build sentences
MESSAGES = {
    "citing": "{outlets}, citing {others}",
    "counts": "{articles} · {actors} · {positions} · {events}",
    "more": "{n} more in the briefing file",
    "more_entries": "{n} more entries in the briefing file",
    "more_counted": "{n} more counted, not listed: a set this large keeps the best-sourced",
    "inferred_past": "year inferred: most recent date not after the {anchor} ({date})",
    "inferred_future": "year inferred: next date on or after the {anchor} ({date})",
    "inferred_relative": "resolved from the article's publication date ({date})",
    "anchor_published": "article's publication date",
    "anchor_as_of": "briefing's as-of date",
    "undated_no_publication": "relative to an unknown publication date",
    "undated_another_event": "relative to another event",
    "undated_no_anchor": "no year given and no anchor date known",
    "anomaly_future": "the sentence speaks of the future, but the date is more than a year before the as-of date ({ref}); kept as written",
    "anomaly_far": "far from every other date in the set (median year {ref}); kept as written",
    "timeline_range": "{start} – {end}",
    "carries": "carries {wires}",
    "sources_glance": "{articles} from {outlets} ({wire} wire, {state} state media); {anon} of items rest on anonymous sourcing only",
    "since_edition": "Since the edition of {date}",
    "change_counts": "{new} new · {updated} updated · {dropped} dropped",
    "stance_moved": "{old} → {new} {claim}",
    "date_corrected": "date corrected: {old} → {new}",
    "more_changes": "{n} more changes in the briefing file",
}
PLURALS = {
    "articles": ("{n} article", "{n} articles"),
    "reports": ("{n} report", "{n} reports"),
    "actors": ("{n} actor", "{n} actors"),
    "positions_n": ("{n} position", "{n} positions"),
    "events": ("{n} dated event", "{n} dated events"),
    "outlets_n": ("{n} outlet", "{n} outlets"),
    "sources_added": ("{n} new source", "{n} new sources"),
    "sources_removed": ("{n} source gone", "{n} sources gone"),
}

# locales that ship a catalogue; Babel formats dates and numbers for any locale it knows
SHIPPED = ("en", "fr", "de", "es", "ar")


def get_locale(code: str) -> Locale:
    code = (code or "en").strip()
    known = sorted(set(SHIPPED) | set(locale_identifiers()))
    try:
        loc = Locale.parse(code.replace("-", "_"))
        # Babel quietly swaps an unknown territory for the default one (fr_ZZ -> fr_FR): refuse it
        if str(loc) not in known or ("_" in code.replace("-", "_") and str(loc).lower() != code.replace("-", "_").lower()
                                     and not code.lower().startswith(str(loc).lower())):
            raise UnknownLocaleError(code)
        return loc
    except (UnknownLocaleError, ValueError, TypeError):
        raise BriefingError(f"unknown locale {code!r}{_suggest(code, known)} (labels are translated for "
                            f"{', '.join(SHIPPED)}; any locale Babel knows formats dates and numbers)")


def _suggest(code: str, known: list[str]) -> str:
    """'; did you mean ...?' only for a plausible slip: a known language with a wrong region
    (fr_ZZ -> fr), or a near miss of a shipped locale; never a language merely
    spelt alike ('xx' is not a typo for Xhosa)."""
    norm = code.replace("-", "_")
    lang = norm.split("_")[0].lower()
    if lang in {k.split("_")[0].lower() for k in known} and "_" in norm:
        close = [lang]
    else:
        close = difflib.get_close_matches(norm.lower(), list(SHIPPED), n=3, cutoff=0.75)
    return f"; did you mean {', '.join(close)}?" if close else ""


@lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    po = resources.files("briefing").joinpath("locales", language, "LC_MESSAGES", f"{DOMAIN}.po")
    if not po.is_file():
        return NullTranslations()
    from babel.messages.mofile import write_mo      # only for a shipped catalogue (not English)
    from babel.messages.pofile import read_po
    try:
        with po.open("rb") as f:
            catalog = read_po(f, locale=language, domain=DOMAIN)
    except (FileNotFoundError, OSError):
        return NullTranslations()
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def has_catalogue(loc: Locale) -> bool:
    return loc.language == "en" or isinstance(translations(loc.language), Translations)


class Localizer:
    """Everything a layout prints, for one locale."""

    def __init__(self, code: str):
        self.locale = get_locale(code)
        self.t = translations(self.locale.language)

    def _(self, text: str) -> str:
        return self.t.gettext(text)

    def msg(self, key: str, **kw) -> str:
        return self._(MESSAGES[key]).format(**kw)

    def plural(self, key: str, n: int) -> str:
        one, many = PLURALS[key]
        return self.t.ngettext(one, many, n).format(n=self.number(n))

    def labels(self) -> dict:
        return {k: self._(v) for k, v in LABELS_EN.items()}

    def number(self, n) -> str:
        return format_decimal(n, locale=self.locale)

    def date(self, value: str | None, precision: str = "day") -> str:
        return format_by_precision(value, precision, self.locale)

    def date_range(self, start: str, end: str) -> str:
        return format_range(start, end, self.locale)

    def typst_lang(self) -> tuple[str, str | None]:
        return typst_lang(self.locale)

    @property
    def rtl(self) -> bool:
        return self.locale.character_order == "right-to-left"


def format_by_precision(value: str | None, precision: str, locale: Locale) -> str:
    if not value:
        return ""
    parts = [int(x) for x in str(value).split("-")]
    d = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    if precision == "year" or len(parts) == 1:
        return format_skeleton("y", d, locale=locale)
    if precision == "month" or len(parts) == 2:
        return format_skeleton("yMMMM", d, locale=locale)
    return format_date(d, "long", locale=locale)


def format_range(start: str, end: str, locale: Locale) -> str:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return format_interval(a, b, "yMMMMd", locale=locale)


def typst_lang(locale: Locale) -> tuple[str, str | None]:
    return locale.language, (locale.territory.lower() if locale.territory else None)


def write_template(path) -> None:
    """Write messages.pot: every msgid the layouts use."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    cat = Catalog(project="briefing", domain=DOMAIN)
    for v in LABELS_EN.values():
        cat.add(v)
    for v in MESSAGES.values():
        cat.add(v, flags=("python-brace-format",))
    for one, many in PLURALS.values():
        cat.add((one, many), flags=("python-brace-format",))
    with open(path, "wb") as f:
        write_po(f, cat, omit_header=False, width=100)


if __name__ == "__main__":  # regenerate the template
    import sys
    from pathlib import Path
    out = Path(__file__).parent / "locales" / "messages.pot"
    out.parent.mkdir(exist_ok=True)
    write_template(out)
    print(f"wrote {out}", file=sys.stderr)
