"""Localisation with Babel: dates by precision, numbers, and the labels layouts print.

English labels live here for now; a gettext catalogue per language is the next step
(the layouts issue). Dates are formatted in the locale's own long form for their precision.
"""
from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton

from .errors import BriefingError

LABELS_EN = {
    "briefing": "Briefing",
    "as_of": "As of",
    "issued": "Issued",
    "issued_by": "Issued by",
    "dtg": "DTG",
    "bluf": "Bottom line up front",
    "positions": "Positions by actor",
    "chronology": "Chronology",
    "sources": "Source notes",
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
    "as_written": "as written",
    "cites": "Attributes to",
    "outlet": "Outlets",
    "official": "Officials",
    "anonymous": "Anonymous",
    "other": "Other",
    "no_cites": "No attributions found in the text",
    "items_from": "Items drawn from this article",
    "page": "Page",
    "articles": "articles",
    "article": "article",
    "source_text": "Source text",
    "none": "None",
    "contents": "Contents",
    "positions_count": "positions",
    "actors": "actors",
    "events": "dated events",
    "inferred_title": "title taken from the first sentence",
}


def get_locale(code: str) -> Locale:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise BriefingError(f"unknown locale {code!r}")


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


def labels(locale: Locale) -> dict:
    return dict(LABELS_EN)


def typst_lang(locale: Locale) -> tuple[str, str | None]:
    return locale.language, (locale.territory.lower() if locale.territory else None)
