"""Rendering: the only module that imports typst.

The layout receives the whole briefing as JSON data in ``sys.inputs.data``, already localised
(dates formatted, labels translated, citation numbers assigned). Article text is never spliced
into Typst markup, so a quote containing ``#``, ``$``, ``*``, ``<``, ``@`` or ``=`` prints as
written and can read no file. The layout's files are compiled from a private build folder
(so a layout can read only its own files), with the shared partials as the local package
``@local/briefing:0.1.0`` and the shipped fonts only (no system fonts: the same PDF everywhere).
Output is written atomically, after compilation has succeeded.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections import Counter
import os
import re
import shutil
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import typst

from .config import DEFAULTS
from .errors import LayoutError, RenderError
from .glyphs import clean_view
from .i18n import Localizer
from .editions import edition_view, item_marks
from .layouts import Layout, base_dir, check_imports
from .formats import OUTPUT_FORMATS
from .model import write_atomic
from .text import short_words

MONTHS_MIL = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DEFAULT_STANDARDS = ["a-2b", "ua-1"]
FORMATS = OUTPUT_FORMATS
DEFAULT_TITLE = DEFAULTS["title"]          # the title when the project file gives none: translated
TLP_COLORS = {"TLP:CLEAR": "#3d4450", "TLP:WHITE": "#3d4450", "TLP:GREEN": "#2e7d32",
              "TLP:AMBER": "#a35c00", "TLP:AMBER+STRICT": "#a35c00", "TLP:RED": "#b3261e"}


def dtg(d: dt.date) -> str:
    """A military date-time group for the issue date (time fixed at 0000Z for reproducibility)."""
    return f"{d.day:02d}0000Z {MONTHS_MIL[d.month - 1]} {d.year % 100:02d}"


def _shorten(text: str, n: int) -> str:
    """The running title: the title, or its part before a colon or dash when that is short
    enough; never a cut word or a "…"."""
    if len(text) <= n:
        return text
    for sep in (": ", " — ", " – ", " - ", ", "):
        head = text.split(sep)[0].strip()
        if 0 < len(head) <= n:
            return head
    return text


def _differs(summary: str, quote: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()
    return norm(summary) != norm(quote)


def isolate(s: str, rtl: bool) -> str:
    """Article text (English names) inside right-to-left text: a Unicode isolate (FSI ... PDI), so
    that a list of names keeps its order and its punctuation across lines."""
    return f"\u2068{s}\u2069" if rtl and s else s


def _sourcing(item: dict, L: Localizer) -> str:
    """The sourcing line in the reader's language, from structured fields when present."""
    cr, co = item.get("credits"), item.get("corroboration")
    if not isinstance(cr, dict) or not isinstance(co, dict):
        return isolate(item.get("sourcing") or "", L.rtl)
    outlets = [isolate(x, L.rtl) for x in cr.get("outlets") or []]
    others = [isolate(x, L.rtl) for x in cr.get("others") or []]
    if outlets and others:
        who = L.msg("citing", outlets=", ".join(outlets), others=", ".join(others))
    elif outlets or others:
        who = ", ".join(outlets or others)
    else:
        who = L._("the article's own reporting")
    n = int(co.get("articles") or len(item.get("sources") or []))
    count = L.plural("articles", n)
    r = co.get("reports")
    if isinstance(r, int) and r < n:
        count += ", " + L.plural("reports", r)
    return f"{who} · {count}"


def _position_view(p: dict, refs, num: dict, L: Localizer) -> dict:
    """One claim as the layout prints it: the composed summary, its citation marks and sourcing
    line, and each source's own sentence (so every counted source can be checked)."""
    support = [s for s in (p.get("support") or []) if isinstance(s, dict) and s.get("article") in num]
    if not support:
        support = [{"article": (p.get("sources") or [""])[0], "quote": p["quote"]}] if p.get("sources") else []
    return {"id": p.get("id") or "", "summary": p["summary"], "quote": p["quote"],
            "short": short_words(p["summary"], 18),
            "show_quote": len(support) > 1 or _differs(p["summary"], p["quote"]),
            "support": [{"n": num.get(s["article"], "?"), "id": s["article"], "quote": s["quote"]} for s in support],
            "sourcing": _sourcing(p, L), "refs": refs(p.get("sources")), **item_marks(p)}


def _group_by_issue(views: list[dict], items: list[dict], issues: list[dict], lab: dict) -> None:
    """Each printed claim gets the label of the issue it concerns (or 'Other statements')."""
    of, order = {}, {}
    for k, iss in enumerate(i for i in issues if isinstance(i, dict)):
        for c in iss.get("claims") or []:
            of[c], order[c] = iss.get("label", ""), k
    for v, p in zip(views, items):
        v["issue"] = of.get(p.get("id"), lab["other_claims"])
        v["_k"] = order.get(p.get("id"), len(issues))
    # claims listed under their issues (in the issues' order), best-sourced first within each
    views.sort(key=lambda v: v["_k"])
    for v in views:
        del v["_k"]


def _matrix(doc: dict, refs, limit: int, words: int = 14) -> dict:
    """Actors x issues, one short stance line per cell (the actor's best-sourced claim on it)."""
    ids = {p.get("id") for a in doc.get("actors") or [] for p in a.get("positions") or []}
    issues = [i for i in (doc.get("issues") or []) if isinstance(i, dict) and any(c in ids for c in i.get("claims") or [])]
    issues = issues[:limit]
    rows = []
    for a in doc.get("actors") or []:
        by_id = {p.get("id"): p for p in a.get("positions") or []}
        cells = []
        for iss in issues:
            mine = sorted((by_id[c] for c in iss.get("claims") or [] if c in by_id),
                          key=lambda p: (-len(p.get("sources") or []), p.get("id") or ""))
            if mine:
                line = mine[0].get("short") or mine[0]["summary"]
                cells.append({"line": line, "refs": refs(mine[0].get("sources")), "more": len(mine) - 1,
                              **item_marks(mine[0])})
            else:
                cells.append(None)
        if any(cells):
            rows.append({"actor": a["name"], "cells": cells})
    return {"issues": [i["label"] for i in issues], "rows": rows}


def _country(code, L: Localizer) -> str:
    if not isinstance(code, str) or len(code) != 2:
        return ""
    return L.locale.territories.get(code.upper(), "")


def _count(v) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 0


def more_line(L: Localizer, key: str, in_file: int, counted: int) -> str:
    """"12 more entries in the briefing file; 940 more counted, not listed: ...": what a layout
    left out of the file's items, and what a very large set left out of the file itself."""
    parts = [L.msg(key, n=L.number(in_file))] if in_file > 0 else []
    if counted > 0:
        parts.append(L.msg("more_counted", n=L.number(counted)))
    return "; ".join(parts)


def n_articles(doc: dict) -> int:
    """How many articles the briefing was built from (a very large set lists only those cited)."""
    om = doc.get("omitted") if isinstance(doc.get("omitted"), dict) else {}
    more = om.get("articles")
    return len(doc.get("articles") or []) + (more if isinstance(more, int) and more > 0 else 0)


def sources_glance(doc: dict, L: Localizer) -> str:
    """"12 articles from 9 outlets (3 wire, 2 state media); 8 % of items rest on anonymous sourcing
    only": what the briefing stands on, in one line."""
    arts = doc.get("articles") or []
    outlets = {(a.get("outlet") or "").lower(): a for a in arts if a.get("outlet")}
    wire = sum(1 for a in outlets.values() if a.get("outlet_type") == "wire")
    state = sum(1 for a in outlets.values() if a.get("outlet_type") == "state_agency")
    # relayed wires count as wire sources too
    wires_relayed = {c["name"].lower() for a in arts for c in a.get("cites") or [] if c.get("relayed")}
    wire += len(wires_relayed - set(outlets))
    items = [p for a in doc.get("actors") or [] for p in a.get("positions") or []]
    anon = sum(1 for p in items if p.get("hedge") == "anonymous")
    pct = f"{L.number(round(100 * anon / len(items)))} %" if items else "0 %"
    return L.msg("sources_glance", articles=L.plural("articles", n_articles(doc)),
                 outlets=L.plural("outlets_n", len(outlets)), wire=L.number(wire), state=L.number(state), anon=pct)


def _inferred(e: dict, L: Localizer) -> str:
    b = e.get("basis")
    if not isinstance(b, dict):
        return e.get("inferred") or ""
    rule = b.get("rule")
    if rule in ("past", "future"):
        anchor = L.msg("anchor_published" if b.get("anchor") == "published" else "anchor_as_of")
        return L.msg("inferred_past" if rule == "past" else "inferred_future", anchor=anchor, date=L.date(b.get("date")))
    if rule == "relative":
        return L.msg("inferred_relative", date=L.date(b.get("date")))
    return {"no_publication_date": L.msg("undated_no_publication"), "another_event": L.msg("undated_another_event"),
            "no_anchor": L.msg("undated_no_anchor")}.get(rule, e.get("inferred") or "")


def _anomaly(e: dict, L: Localizer) -> str:
    b = e.get("anomaly_basis")
    if isinstance(b, dict) and b.get("kind") == "future_before_as_of":
        return L.msg("anomaly_future", ref=L.date(b.get("ref")))
    if isinstance(b, dict) and b.get("kind") == "far_from_set":
        return L.msg("anomaly_far", ref=b.get("ref"))
    return e.get("anomaly") or ""


def _timeline(chron: list[dict], L: Localizer, limit: int) -> dict:
    """Key events placed on an axis, with labels in lanes so that they do not collide."""
    evs = [e for e in chron if e.get("date") and e.get("precision") in ("day", "month") and "anomaly" not in (e.get("flags") or [])]
    if not evs:
        return {"events": [], "ticks": [], "lanes_above": 0, "lanes_below": 0, "range": ""}
    # prefer the best-sourced, then the most recent
    evs = sorted(evs, key=lambda e: (-len(e.get("sources") or []), str(e["date"])), reverse=False)[:limit]
    evs.sort(key=lambda e: str(e["date"]))

    def as_date(s):
        p = [int(x) for x in str(s).split("-")]
        return dt.date(p[0], p[1], p[2] if len(p) > 2 else 15)
    d0, d1 = as_date(evs[0]["date"]), as_date(evs[-1]["date"])
    span = max((d1 - d0).days, 1)
    pad = 0.06
    width = 0.21
    lanes = 4                                   # lanes 0,1 above the axis; 2,3 below
    last_end = [-1.0] * lanes
    out = []
    for e in evs:
        x = pad + (1 - 2 * pad) * ((as_date(e["date"]) - d0).days / span) if len(evs) > 1 else 0.5
        start = max(0.0, min(x - width / 2, 1 - width))
        order = [1, 2, 0, 3]                    # nearest the axis first, alternating sides
        lane = next((ln for ln in order if last_end[ln] <= start - 0.01), min(order, key=lambda ln: last_end[ln]))
        last_end[lane] = start + width
        out.append({"x": round(x, 4), "side": "above" if lane < 2 else "below", "level": 2 if lane in (0, 3) else 1,
                    "width": width, "anomaly": False,
                    "date": L.date(e["date"], e["precision"]), "label": short_words(e.get("summary", ""), 8)})
    ticks = []
    months = (d1.year - d0.year) * 12 + d1.month - d0.month
    step = 1 if months <= 24 else 12
    y, m = d0.year, d0.month
    while (y, m) <= (d1.year, d1.month):
        t = dt.date(y, m, 1)
        if d0 <= t <= d1 and (step == 1 or m == 1):
            ticks.append({"x": round(pad + (1 - 2 * pad) * ((t - d0).days / span), 4),
                          "label": str(y) if m == 1 else ""})
        m += 1
        if m > 12:
            y, m = y + 1, 1
    if L.rtl:                                   # time runs from right to left, as the text does
        for e in out:
            e["x"] = round(1 - e["x"], 4)
        for t in ticks:
            t["x"] = round(1 - t["x"], 4)
    above = max((e["level"] for e in out if e["side"] == "above"), default=0)
    below = max((e["level"] for e in out if e["side"] == "below"), default=0)
    return {"events": out, "ticks": ticks, "lanes_above": above, "lanes_below": below,
            "range": L.msg("timeline_range", start=L.date(evs[0]["date"], evs[0]["precision"]),
                           end=L.date(evs[-1]["date"], evs[-1]["precision"]))}


def _one_line(text: str, words: int = 16) -> str:
    """The one-line form of an event, for files written before events carried their `line`."""
    from .extract.chronology import one_line
    return one_line(text, words)


def chronology_extras(doc: dict, L: Localizer, settings: dict, cite) -> dict:
    """What the layouts print besides the chronology table: the key events of the executive page
    (a dated list, at most ``limits.key_events`` lines, whole clauses) and what is coming up
    (``ahead``: scheduled events after the as-of date, ``limits.ahead`` at most)."""
    limits = settings.get("limits") or {}
    sections = settings.get("sections") or ["bluf", "positions", "chronology", "sources"]
    printed = "chronology" in sections or "key_events" in sections
    if not printed:
        return {"key_events": [], "ahead": [], "ahead_more": ""}
    chron = [e for e in doc.get("chronology") or [] if isinstance(e, dict)] if "key_events" in sections else []
    evs = [e for e in chron if e.get("date") and e.get("precision") in ("day", "month")
           and not {"anomaly", "scheduled", "undated"} & set(e.get("flags") or [])]
    n_key = limits.get("key_events", 6)
    # the best-sourced events, the most recent first among equals; printed in date order
    ranked = sorted(evs, key=lambda e: (-len(e.get("sources") or []), [-ord(c) for c in str(e["date"])]))
    key, seen = [], set()
    for e in ranked:                          # one line per happening ("on Thursday and Friday")
        words = frozenset(re.findall(r"\w+", (e.get("event") or e.get("summary") or "").lower()))
        if words in seen:
            continue
        seen.add(words)
        key.append(e)
        if len(key) >= n_key:
            break
    key.sort(key=lambda e: str(e["date"]))

    def item(e):
        display = L.date(e.get("date"), e.get("precision", "day"))
        if e.get("until") and e.get("precision") == "day":
            display = L.date_range(e["date"], e["until"])
        return {"date": e.get("date"), "display": display,
                "line": e.get("line") or _one_line(e.get("event") or e.get("summary", "")),
                "summary": e.get("summary", ""), "span": e.get("span", ""),
                "year_inferred": bool(e.get("year_inferred")), "refs": cite(e.get("sources"))}
    ahead_all = sorted((e for e in doc.get("ahead") or [] if isinstance(e, dict) and e.get("date")),
                       key=lambda e: str(e["date"]))
    n_ahead = limits.get("ahead")
    ahead = ahead_all if n_ahead is None else ahead_all[:n_ahead]
    more = len(ahead_all) - len(ahead)
    counted = _count((doc.get("omitted") or {}).get("ahead") if isinstance(doc.get("omitted"), dict) else 0)
    return {"key_events": [item(e) for e in key], "ahead": [item(e) for e in ahead],
            "ahead_more": more_line(L, "more_entries", more, counted)}


def present(doc: dict, layout: Layout, locale_code: str = "en") -> dict:
    """The view-model the layout reads: the briefing plus display strings and citation numbers."""
    L = Localizer(locale_code)
    lab = L.labels()
    settings = dict(layout.settings)
    limits = settings.get("limits") or {}
    arts = doc.get("articles") or []
    num = {a["id"]: i + 1 for i, a in enumerate(arts)}
    used: Counter = Counter()

    pending: list[tuple[list, list]] = []

    def refs(sources):
        """Citation marks of a printed item, filled in once the printed source notes are known."""
        uniq = [x for x in dict.fromkeys(sources or []) if x in num]
        used.update(uniq)                      # printed items drawn from each article
        marks: list = []
        pending.append((marks, uniq))
        return marks

    as_of = doc.get("as_of")
    as_of_d = dt.date.fromisoformat(as_of) if as_of else None
    sections = settings.get("sections") or ["bluf", "positions", "chronology", "sources"]
    per_actor = limits.get("positions_per_actor")
    glance = limits.get("glance_per_actor", 2) if "glance" in (settings.get("sections") or []) else 0
    actors = []
    left_out = doc.get("omitted") if isinstance(doc.get("omitted"), dict) else {}
    for a in doc.get("actors") or []:
        allp = a.get("positions") or []
        # the layout gets only what it can print (the YAML keeps every item)
        keep = (len(allp) if per_actor is None else per_actor) if "positions" in sections else 0
        keep = max(keep, glance)
        poss = [_position_view(p, refs, num, L) for p in allp[:keep]]
        _group_by_issue(poss, allp[:keep], doc.get("issues") or [], lab)
        hidden = max(0, len(allp) - (per_actor if per_actor is not None else len(allp)))
        counted = _count((left_out.get("positions") or {}).get(a["name"]))      # a very large set's
        actors.append({"name": a["name"], "positions": poss, "more": more_line(L, "more", hidden, counted)})
    matrix_view = _matrix(doc, refs, limits.get("issues", 5)) if "matrix" in sections else {"issues": [], "rows": []}
    all_chron = doc.get("chronology") or []
    dated_idx = [i for i, e in enumerate(all_chron) if e.get("date")]
    undated_idx = [i for i, e in enumerate(all_chron) if not e.get("date")]
    cap = limits.get("chronology") if "chronology" in sections else 0
    chron_more = max(0, len(dated_idx) - cap) if cap is not None else 0
    chron_counted = _count(left_out.get("chronology")) if "chronology" in sections else 0
    if cap is not None and chron_more:
        # keep the best-sourced entries, then the most recent, shown in date order
        dated_idx = sorted(sorted(dated_idx, key=lambda i: (-len(all_chron[i].get("sources") or []), -i))[:cap])
    ucap = limits.get("undated") if "chronology" in sections else 0
    undated_more = max(0, len(undated_idx) - ucap) if ucap is not None else 0
    if ucap is not None:
        undated_idx = undated_idx[:ucap]

    def chron_item(e):
        display = L.date(e.get("date"), e.get("precision", "day"))
        if e.get("until") and e.get("date") and e.get("precision") == "day":
            display = L.date_range(e["date"], e["until"])
        item = {"date": e.get("date"), "display": display,
                "precision": lab.get(e.get("precision", ""), e.get("precision", "")),
                "year_inferred": bool(e.get("year_inferred")), "span": e.get("span", ""),
                "summary": e.get("summary", ""), "inferred": _inferred(e, L),
                "sourcing": _sourcing(e, L),
                "anomaly": "anomaly" in (e.get("flags") or []), "anomaly_reason": _anomaly(e, L),
                "refs": refs(e.get("sources")), **item_marks(e)}
        item["group"] = L.date(str(e["date"])[:7], "month") if e.get("date") and len(str(e["date"])) >= 7 else \
            (L.date(str(e["date"])[:4], "year") if e.get("date") else "")
        return item
    chron = [chron_item(all_chron[i]) for i in dated_idx]
    undated = [chron_item(all_chron[i]) for i in undated_idx]
    bluf_limit = limits.get("bluf")
    bluf = [{"text": b["text"], "refs": refs(b.get("sources"))} for b in (doc.get("bluf") or [])[:bluf_limit]]
    extras = chronology_extras(doc, L, settings, refs)       # key events and what is ahead
    # which source notes the layout prints: every article, or only the cited ones (layout
    # setting, or when there are more than the layout's cap), most-used first when capped;
    # only those are formatted (a set of 10,000 articles prints a few hundred at most)
    scap = limits.get("sources")
    shown_ids = [a["id"] for a in arts if used[a["id"]] > 0 or not settings.get("cited_sources_only")]
    sources_more = sources_counted = 0
    if scap is not None and len(shown_ids) > scap:
        shown_ids = [i for i in shown_ids if used[i] > 0]
        if len(shown_ids) > scap:
            keep = set(sorted(shown_ids, key=lambda i: -used[i])[:scap])
            shown_ids = [i for i in shown_ids if i in keep]
        sources_more = len(arts) - len(shown_ids)
    if "sources" in sections:
        sources_counted = n_articles(doc) - len(arts)
    shown_set = set(shown_ids)
    # a citation mark only for a source note the layout prints: with capped notes (executive)
    # or no notes at all, an item cites only what the reader can look up
    markable = shown_set if "sources" in sections else set()
    for marks, uniq in pending:
        vis = [x for x in uniq if x in markable]
        marks.extend({"n": num[x], "id": x} for x in vis[:6])
        if len(vis) > 6:
            marks.append({"n": f"+{len(vis) - 6}", "id": ""})
    sources = []
    for a in arts:
        if a["id"] not in shown_set:
            continue
        groups: dict[str, list[str]] = {}
        for c in a.get("cites") or []:
            groups.setdefault(c["kind"], []).append(isolate(c["name"] + (f" ({c['role']})" if c.get("role") else ""), L.rtl))
        kind_line = ", ".join(x for x in (lab.get("type_" + str(a.get("outlet_type")), ""),
                                          _country(a.get("outlet_country"), L)) if x)
        relayed = [c["name"] for c in a.get("cites") or [] if c.get("relayed")]
        sources.append({
            "n": num[a["id"]], "id": a["id"], "title": a.get("title") or a["id"],
            "outlet": a.get("outlet") or lab["unknown_outlet"], "outlet_known": bool(a.get("outlet")),
            "outlet_kind": kind_line,
            "carries": L.msg("carries", wires=", ".join(relayed)) if relayed else "",
            "published": L.date(a.get("published"), "day") if a.get("published") else lab["undated"],
            "cites": [{"kind": lab[k], "names": groups[k]} for k in ("outlet", "official", "anonymous", "other") if k in groups],
            "items": used[a["id"]], "items_display": L.number(used[a["id"]]), "url": a.get("url") or "",
        })
    lang, region = L.typst_lang()
    fonts = (settings.get("fonts") or {}).get("body") or ["Libertinus Serif", "Amiri"]
    if L.rtl:
        fonts = ["Amiri"] + [f for f in fonts if f != "Amiri"]
    # an audience's layout may carry its own handling marking; else the project's; else TLP:CLEAR
    marking = settings.get("marking") or doc.get("marking") or "TLP:CLEAR"
    actor_names = [a["name"] for a in doc.get("actors") or []]
    n_pos = sum(len(a["positions"]) for a in actors)
    title = doc.get("title") or DEFAULT_TITLE
    if title == DEFAULT_TITLE:             # the default, not the user's words: in the reader's language
        title = L._(DEFAULT_TITLE)
    view = {
        "title": title,
        "short_title": _shorten(title, 48),
        "subject": f"{lab['briefing']}: {', '.join(actor_names)}" if actor_names else lab["briefing"],
        "organisation": doc.get("organisation") or "",
        "marking": marking,
        "marking_color": settings.get("marking_color") or TLP_COLORS.get(marking.upper(), "#3d4450"),
        "as_of": L.date(as_of, "day") if as_of else lab["undated"],
        "as_of_inferred": doc.get("as_of_source") == "inferred",
        "dtg": dtg(as_of_d) if as_of_d else "",
        "keywords": actor_names,
        "lang": lang, "region": region, "rtl": L.rtl, "fonts": fonts,
        "labels": lab,
        "bluf": bluf, "actors": actors, "chronology": chron, "undated": undated, "sources": sources,
        "chronology_more": more_line(L, "more_entries", chron_more, chron_counted),
        "undated_more": L.msg("more_entries", n=L.number(undated_more)) if undated_more else "",
        "group_months": len(chron) > 12,
        "timeline": _timeline(doc.get("chronology") or [], L, limits.get("timeline", 7)),
        "matrix": matrix_view,
        "sources_glance": sources_glance(doc, L),
        **extras,
        "counts_line": L.msg("counts", articles=L.plural("articles", n_articles(doc)), actors=L.plural("actors", len(actors)),
                             positions=L.plural("positions_n", n_pos), events=L.plural("events", len(chron))),
        "settings": {k: v for k, v in settings.items() if k != "logo"},
    }
    edition_view(view, doc, L, limits)      # with --since: "What changed"; the grading page
    if settings.get("logo"):
        view["settings"]["logo_file"] = "logo" + Path(settings["logo"]).suffix.lower()
    # source notes printed: every article, or only the cited ones (layout setting, or when there
    # are more than the layout's cap), most-used first when capped
    view["cited_ids"] = shown_ids
    view["sources"] = sources
    view["sources_more"] = more_line(L, "more_entries", sources_more, sources_counted)
    view["link_sources"] = "sources" in (settings.get("sections") or ["sources"])
    return view


def _typst_error(e: Exception, layout: Layout, files: dict[str, Path]) -> LayoutError:
    msg = getattr(e, "message", None) or str(e)
    diag = getattr(e, "diagnostic", "") or ""
    hints = getattr(e, "hints", None) or []
    where = str(layout.main)
    m = re.search(r"┌─ (\S+?):(\d+):(\d+)", diag)
    if m:
        f = m.group(1)
        name = Path(f).name
        if f.startswith("@local/briefing"):
            src = base_dir() / "packages" / "local" / "briefing" / "0.1.0" / name
        else:
            src = files.get(name, layout.folder / name)
        where = f"{src}:{m.group(2)}:{m.group(3)}"
    hint = ("; hint: " + "; ".join(hints)) if hints else ""
    if "download package" in msg:
        return LayoutError(f"layout '{layout.name}' imports a package Typst would download; rendering never uses "
                           "the network and layouts may use only @local/briefing: copy what you need into the "
                           "layout's .typ files", where)
    return LayoutError(f"Typst error in layout '{layout.name}': {msg.strip()}{hint}", where)


def timestamp_for(as_of: str | None) -> dt.datetime | None:
    """SOURCE_DATE_EPOCH when set, else midnight UTC of the as-of date: reproducible output."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.strip().isdigit():
        return dt.datetime.fromtimestamp(int(sde), tz=dt.timezone.utc)
    if as_of:
        return dt.datetime.fromisoformat(as_of).replace(tzinfo=dt.timezone.utc)
    return dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)


@lru_cache(maxsize=8)
def _fonts(dirs: tuple[tuple[str, int], ...]) -> "typst.Fonts":
    """One font book per set of font folders for the whole process: scanning the fonts was most
    of a small compile (a folder's modification time is in the key, so an added font is seen)."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[d for d, _ in dirs])


def fonts_for(font_dirs: list[str]) -> "typst.Fonts":
    return _fonts(tuple((d, os.stat(d).st_mtime_ns) for d in font_dirs))


_PROXIES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy")


@contextlib.contextmanager
def _offline():
    """While Typst compiles, any package download it might still attempt (an import spelt so that
    `check_imports` cannot see it) goes to a closed local port: rendering never uses the network."""
    saved = {k: os.environ.get(k) for k in _PROXIES}
    for k in _PROXIES:
        os.environ[k] = "" if "no_proxy" in k.lower() else "http://127.0.0.1:9"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def compile_layout(view: dict, layout: Layout, fmt: str = "pdf", standards: list[str] | None = None,
                   timestamp: dt.datetime | None = None, ppi: float = 144) -> tuple[list[bytes], list[str]]:
    """Compile the layout with the view-model: (pages or [pdf], warnings)."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    # pictographs no shipped font draws would print as boxes and break PDF/A: left out (glyphs.py)
    data = json.dumps(clean_view(view), ensure_ascii=False)
    files = layout.files()
    check_imports(files)
    font_dirs = [str(p) for p in [base_dir() / "fonts", *layout.font_dirs()] if p.is_dir()]
    with tempfile.TemporaryDirectory(prefix="briefing-") as tmp, _offline():
        (Path(tmp) / "src").mkdir()
        (Path(tmp) / "no-packages").mkdir()
        for name, src in files.items():
            shutil.copy(src, Path(tmp) / "src" / name)
        try:
            # an empty package cache: only the shipped @local/briefing is found, nothing else
            compiler = typst.Compiler(str(Path(tmp) / "src" / "main.typ"), root=str(Path(tmp) / "src"),
                                      font_paths=fonts_for(font_dirs), ignore_system_fonts=True, sys_inputs={"data": data},
                                      package_path=str(base_dir() / "packages"),
                                      package_cache_path=str(Path(tmp) / "no-packages"))
            kw = {"format": fmt, "timestamp": timestamp}
            if fmt == "pdf":
                kw["pdf_standards"] = list(standards or [])
            if fmt == "png":
                kw["ppi"] = ppi
            extra = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    out, warns = compiler.compile_with_warnings(**kw)
                except typst.TypstError as e:
                    msg = getattr(e, "message", "") or str(e)
                    if not kw.get("pdf_standards") or "could not be displayed with font" not in msg:
                        raise
                    # text in a script no shipped font covers: PDF/A would be broken, so build a
                    # plain PDF rather than none, and say so
                    kw["pdf_standards"] = []
                    out, warns = compiler.compile_with_warnings(**kw)
                    ch = re.search(r"the text `?\"?(.{1,8}?)\"?`? could not", msg)
                    extra.append(f"PDF/A and PDF/UA dropped: some text ({ch.group(1) if ch else 'a character'}) "
                                 "is in a script none of the fonts covers; add a font that covers it to the "
                                 "layout's fonts/ folder to keep the standards")
        except (typst.TypstError, RuntimeError) as e:
            raise _typst_error(e, layout, files) from None
    pages = out if isinstance(out, list) else [out]
    return pages, extra + [getattr(w, "message", str(w)) for w in warns]


def count_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def output_paths(out: Path, fmt: str, n: int) -> list[Path]:
    if fmt == "pdf":
        return [out]
    stem = out.with_suffix("") if out.suffix.lower() in (".pdf", ".png", ".svg") else out
    return [stem.with_name(f"{stem.name}-{i}.{fmt}") for i in range(1, n + 1)]


def _tighter(limits: dict):
    """Ever tighter caps for a layout with a page budget."""
    steps = [{"sources": 4, "changes": 4}, {"sources": 3, "issues": 3, "key_events": 5, "ahead": 2, "changes": 3},
             {"sources": 2, "issues": 3, "key_events": 4, "ahead": 1, "changes": 2, "bluf": 3},
             {"sources": 0, "issues": 2, "key_events": 3, "ahead": 0, "changes": 2, "bluf": 3}]
    for st in steps:
        yield {**limits, **{k: min(v, limits.get(k, v)) if isinstance(limits.get(k), int) else v for k, v in st.items()}}


def render_to_file(doc: dict, layout: Layout, out: Path, locale: str = "en", fmt: str = "pdf",
                   standards: list[str] | None = None) -> dict:
    view = present(doc, layout, locale)
    if standards is None:
        standards = layout.settings.get("pdf_standards", DEFAULT_STANDARDS)
    pages, warns = compile_layout(view, layout, fmt, standards, timestamp_for(doc.get("as_of")))
    budget = layout.settings.get("max_pages")
    if isinstance(budget, int) and fmt == "pdf":
        # the page budget the layout promises: print less (fewer source notes, issues, key events,
        # changes, bottom-line points) until it fits; the YAML keeps everything
        for limits in _tighter(layout.settings.get("limits") or {}):
            if count_pages(pages[0]) <= budget:
                break
            import dataclasses
            tight = dataclasses.replace(layout, settings={**layout.settings, "limits": limits})
            view = present(doc, tight, locale)
            pages, warns = compile_layout(view, layout, fmt, standards, timestamp_for(doc.get("as_of")))
    paths = output_paths(Path(out), fmt, len(pages))
    try:
        for p, data in zip(paths, pages):
            write_atomic(p, data)
    except OSError as e:
        raise RenderError(f"cannot write output ({e.strerror or e})", out)
    n = count_pages(pages[0]) if fmt == "pdf" else len(pages)
    dropped = any(w.startswith("PDF/A and PDF/UA dropped") for w in warns)
    return {"pages": n, "bytes": sum(len(p) for p in pages), "warnings": warns, "files": [str(p) for p in paths],
            "standards": standards if fmt == "pdf" and not dropped else []}
