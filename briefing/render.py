"""Rendering: the only module that imports typst.

The layout receives the whole briefing as JSON data in ``sys.inputs.data``, already localised
(dates formatted, labels translated, citation numbers assigned). Article text is never spliced
into Typst markup, so a quote containing ``#``, ``$``, ``*``, ``<``, ``@`` or ``=`` prints as
written and can read no file. Output is written atomically.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import warnings
from pathlib import Path

import typst

from .errors import LayoutError, RenderError
from .i18n import format_by_precision, format_range, get_locale, labels, typst_lang
from .layouts import Layout
from .model import write_atomic

MONTHS_MIL = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def dtg(d: dt.date) -> str:
    """A military date-time group for the issue date (time fixed at 0000Z for reproducibility)."""
    return f"{d.day:02d}0000Z {MONTHS_MIL[d.month - 1]} {d.year % 100:02d}"


def present(doc: dict, layout: Layout, locale_code: str = "en") -> dict:
    """The view-model the layout reads: the briefing plus display strings and citation numbers."""
    loc = get_locale(locale_code)
    lab = labels(loc)
    arts = doc.get("articles") or []
    num = {a["id"]: i + 1 for i, a in enumerate(arts)}
    used: dict[str, int] = {a["id"]: 0 for a in arts}

    def refs(sources):
        out = []
        for s in dict.fromkeys(sources or []):
            if s in num:
                used[s] += 1
                out.append({"n": num[s], "id": s})
        return out

    as_of = doc.get("as_of")
    as_of_d = dt.date.fromisoformat(as_of) if as_of else None
    actors = []
    for a in doc.get("actors") or []:
        poss = []
        for p in a.get("positions") or []:
            poss.append({"summary": p["summary"], "quote": p["quote"],
                         "show_quote": _differs(p["summary"], p["quote"]),
                         "sourcing": p.get("sourcing") or "", "refs": refs(p.get("sources"))})
        actors.append({"name": a["name"], "positions": poss})
    chron, undated = [], []
    for e in doc.get("chronology") or []:
        display = format_by_precision(e.get("date"), e.get("precision", "day"), loc)
        if e.get("until") and e.get("date") and e.get("precision") == "day":
            display = format_range(e["date"], e["until"], loc)
        item = {"date": e.get("date"), "display": display,
                "precision": lab.get(e.get("precision", ""), e.get("precision", "")),
                "year_inferred": bool(e.get("year_inferred")), "span": e.get("span", ""),
                "summary": e.get("summary", ""), "inferred": e.get("inferred") or "",
                "sourcing": e.get("sourcing") or "",
                "anomaly": "anomaly" in (e.get("flags") or []), "anomaly_reason": e.get("anomaly") or "",
                "refs": refs(e.get("sources"))}
        (chron if e.get("date") else undated).append(item)
    bluf = [{"text": b["text"], "refs": refs(b.get("sources"))} for b in doc.get("bluf") or []]
    sources = []
    for a in arts:
        groups = {}
        for c in a.get("cites") or []:
            groups.setdefault(c["kind"], []).append(c["name"] + (f" ({c['role']})" if c.get("role") else ""))
        sources.append({
            "n": num[a["id"]], "id": a["id"], "title": a.get("title") or a["id"],
            "outlet": a.get("outlet") or lab["unknown_outlet"], "outlet_known": bool(a.get("outlet")),
            "published": format_by_precision(a.get("published"), "day", loc) if a.get("published") else lab["undated"],
            "cites": [{"kind": lab[k], "names": groups[k]} for k in ("outlet", "official", "anonymous", "other") if k in groups],
            "items": used[a["id"]], "url": a.get("url") or "",
        })
    lang, region = typst_lang(loc)
    settings = dict(layout.settings)
    org = doc.get("organisation") or ""
    keywords = [a["name"] for a in doc.get("actors") or []]
    return {
        "title": doc.get("title") or "Briefing",
        "short_title": _shorten(doc.get("title") or "Briefing", 48),
        "organisation": org,
        "marking": settings.get("marking") if doc.get("marking") in (None, "") else doc.get("marking"),
        "as_of": format_by_precision(as_of, "day", loc) if as_of else lab["undated"],
        "as_of_inferred": doc.get("as_of_source") == "inferred",
        "dtg": dtg(as_of_d) if as_of_d else "",
        "keywords": keywords,
        "lang": lang, "region": region,
        "labels": lab,
        "bluf": bluf, "actors": actors, "chronology": chron, "undated": undated, "sources": sources,
        "counts": {"articles": len(arts), "actors": len(actors),
                   "positions": sum(len(a["positions"]) for a in actors), "events": len(chron)},
        "settings": settings,
    }


def _shorten(text: str, n: int) -> str:
    if len(text) <= n:
        return text
    cut = text[:n].rsplit(" ", 1)[0].rstrip(" ,;:—–-")
    return cut + "…"


def _differs(summary: str, quote: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()
    return norm(summary) != norm(quote)


def _typst_error(e: Exception, layout: Layout) -> LayoutError:
    msg = getattr(e, "message", None) or str(e)
    diag = getattr(e, "diagnostic", "") or ""
    hints = getattr(e, "hints", None) or []
    where = str(layout.main)
    m = re.search(r"┌─ (\S+?):(\d+):(\d+)", diag)
    if m:
        f = m.group(1)
        cand = Path(os.path.normpath(layout.folder.parent / f)) if not Path(f).is_absolute() else Path(f)
        if not cand.is_file():
            rooted = Path(os.path.normpath("/" + f))
            cand = rooted if rooted.is_file() else layout.folder / Path(f).name
        where = f"{cand}:{m.group(2)}:{m.group(3)}"
    hint = ("; hint: " + "; ".join(hints)) if hints else ""
    return LayoutError(f"Typst error in layout '{layout.name}': {msg.strip()}{hint}", where)


def compile_pdf(view: dict, layout: Layout, timestamp: dt.datetime | None = None) -> tuple[bytes, list[str]]:
    """Compile the layout with the view-model; (pdf bytes, warnings)."""
    data = json.dumps(view, ensure_ascii=False)
    fonts = [str(p) for p in (layout.folder / "fonts", layout.folder.parent / "_base" / "fonts") if p.is_dir()]
    try:
        compiler = typst.Compiler(str(layout.main), root=str(layout.folder.parent), font_paths=fonts,
                                  ignore_system_fonts=True, sys_inputs={"data": data})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pdf, warns = compiler.compile_with_warnings(format="pdf", timestamp=timestamp)
    except typst.TypstError as e:
        raise _typst_error(e, layout) from None
    except RuntimeError as e:
        raise _typst_error(e, layout) from None
    return pdf, [getattr(w, "message", str(w)) for w in warns]


def count_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def render_to_file(doc: dict, layout: Layout, out: Path, locale: str = "en") -> dict:
    view = present(doc, layout, locale)
    as_of = doc.get("as_of")
    ts = dt.datetime.fromisoformat(as_of).replace(tzinfo=dt.timezone.utc) if as_of else None
    pdf, warns = compile_pdf(view, layout, ts)
    try:
        write_atomic(Path(out), pdf)
    except OSError as e:
        raise RenderError(f"cannot write output ({e.strerror or e})", out)
    return {"pages": count_pages(pdf), "bytes": len(pdf), "warnings": warns}
