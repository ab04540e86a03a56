"""Recurring editions: what is new, what changed and what dropped out since an earlier edition.

``compare(doc, previous)`` matches the items of this edition with those of the previous one:

1. by id (the same actor, stance and claim words, or the same date and event words);
2. else by identity: the same source sentence in the same article, or (positions) the same
   actor making the claim in much the same words with any stance, or (events) the same event in
   much the same words on any date.

A matched item keeps the previous edition's id (so an id names one item across a series, when
an article is reworded, a stance moves or a date is corrected) and gets ``change: unchanged``
or ``change: updated`` with ``was`` saying what moved (``stance``, ``date``, ``sources_added``,
``sources_removed``); an unmatched item is ``change: new``. Items of the previous edition that
nothing matches are listed in ``dropped``. The document gets ``since`` (the previous edition's
as-of date and title).

This module reads briefing documents only; it imports no extractor and no Typst.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .errors import BriefingError
from .grading import words

CHANGES = ("new", "updated", "unchanged")
ANNOTATIONS = ("change", "was")                 # per item
DOC_ANNOTATIONS = ("since", "dropped")          # per document


# ---------------------------------------------------------------- the previous edition

def _as_of_of(path: Path) -> str | None:
    """The as_of of a briefing/1 file, read from its head (no need to parse a whole edition)."""
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(4096)
    except (OSError, UnicodeDecodeError):
        return None
    if not re.search(r"(?m)^schema:\s*['\"]?briefing/1", head):
        return None
    m = re.search(r"(?m)^as_of:\s*['\"]?(\d{4}-\d{2}-\d{2})", head)
    return m.group(1) if m else ""


def find_previous(path, as_of: str | None) -> Path | None:
    """``--since PATH``: the file itself, or in a folder of editions the latest briefing/1 file
    whose as-of date is before ``as_of`` (the latest of all when this edition has none)."""
    p = Path(path)
    if p.is_file():
        return p
    if not p.exists():
        raise BriefingError("no such edition file or folder (--since)", p)
    cands = []
    for f in sorted(p.iterdir()):
        if f.suffix.lower() in (".yaml", ".yml") and f.is_file():
            d = _as_of_of(f)
            if d is None:
                continue
            if as_of and d and d >= as_of:
                continue
            cands.append((d or "", f.name, f))
    return max(cands)[2] if cands else None


def load_previous(path, as_of: str | None, log=None) -> dict | None:
    from .model import load_briefing
    f = find_previous(path, as_of)
    if f is None:
        if log:
            log(f"note: no earlier edition in {path} (before {as_of or 'this one'}); every item is new")
        return {"schema": "briefing/1", "title": "", "as_of": None, "articles": [], "actors": [],
                "chronology": [], "_empty": True}
    prev = load_briefing(f)
    prev["_file"] = f.name
    return prev


# ---------------------------------------------------------------- matching

def _entries(doc: dict) -> list[dict]:
    """Every item of a document with what identifies it."""
    out = []
    for a in doc.get("actors") or []:
        if not isinstance(a, dict):
            continue
        for p in a.get("positions") or []:
            if isinstance(p, dict) and p.get("id"):
                out.append({"kind": "position", "actor": a.get("name"), "item": p,
                            "words": words(p.get("claim") or p.get("summary") or ""),
                            "quotes": _quotes(p)})
    for e in doc.get("chronology") or []:
        if isinstance(e, dict) and e.get("id"):
            out.append({"kind": "event", "actor": None, "item": e,
                        "words": words(e.get("event") or e.get("summary") or ""), "quotes": _quotes(e)})
    return out


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s or "").strip().lower()


def _quotes(item: dict) -> set[tuple[str, str]]:
    qs = {(s.get("article"), _norm(s.get("quote"))) for s in item.get("support") or [] if isinstance(s, dict)}
    if item.get("sources") and item.get("quote"):
        qs.add((item["sources"][0], _norm(item["quote"])))
    return qs


def _similar(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _match(prev: list[dict], cur: list[dict]) -> dict[int, int]:
    """cur index -> prev index."""
    out: dict[int, int] = {}
    by_id = {}
    for i, p in enumerate(prev):
        by_id.setdefault((p["kind"], p["item"]["id"]), i)
    used = set()
    for j, c in enumerate(cur):
        i = by_id.get((c["kind"], c["item"]["id"]))
        if i is not None and i not in used:
            out[j] = i
            used.add(i)
    pairs = []
    # candidates share a word; an index keeps this linear for large sets
    index: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(prev):
        if i in used:
            continue
        for w in p["words"]:
            index.setdefault((p["kind"], w), []).append(i)
        for q in p["quotes"]:
            index.setdefault((p["kind"], "\0" + q[0] + "\0" + q[1]), []).append(i)
    for j, c in enumerate(cur):
        if j in out:
            continue
        cands = set()
        for w in c["words"]:
            hits = index.get((c["kind"], w), [])
            if len(hits) <= 300:
                cands.update(hits)
        for q in c["quotes"]:
            cands.update(index.get((c["kind"], "\0" + q[0] + "\0" + q[1]), []))
        for i in cands:
            p = prev[i]
            if p["kind"] == "position" and p["actor"] != c["actor"]:
                continue
            shared_quote = bool(p["quotes"] & c["quotes"])
            sim = _similar(p["words"], c["words"])
            same_article = bool(set(p["item"].get("sources") or []) & set(c["item"].get("sources") or []))
            if shared_quote:
                score = 2 + sim
            elif sim >= 0.6 or (same_article and sim >= 0.45):
                score = sim
            else:
                continue
            pairs.append((-score, j, i))
    for _, j, i in sorted(pairs):
        if j in out or i in used:
            continue
        out[j] = i
        used.add(i)
    return out


def _what_changed(p: dict, c: dict, kind: str) -> dict:
    was: dict = {}
    if kind == "position" and p.get("stance") and c.get("stance") and p["stance"] != c["stance"]:
        was["stance"] = p["stance"]
    if kind == "event" and (p.get("date") != c.get("date") or p.get("precision") != c.get("precision")):
        was["date"] = p.get("date")
        was["precision"] = p.get("precision")
    ps, cs = list(dict.fromkeys(p.get("sources") or [])), list(dict.fromkeys(c.get("sources") or []))
    added = [s for s in cs if s not in ps]
    removed = [s for s in ps if s not in cs]
    if added:
        was["sources_added"] = added
    if removed:
        was["sources_removed"] = removed
    return was


def strip(doc: dict) -> dict:
    """The document without edition annotations (in place)."""
    for k in DOC_ANNOTATIONS:
        doc.pop(k, None)
    for e in _entries(doc):
        for k in ANNOTATIONS:
            e["item"].pop(k, None)
    return doc


def compare(doc: dict, previous: dict) -> dict:
    """Annotate ``doc`` (in place) against the previous edition; see the module's docstring."""
    strip(doc)
    prev = _entries(previous)
    cur = _entries(doc)
    m = _match(prev, cur)
    renamed: dict[str, str] = {}
    taken = {c["item"]["id"] for c in cur}
    for j, c in enumerate(cur):
        item = c["item"]
        if j not in m:
            item["change"] = "new"
            continue
        p = prev[m[j]]["item"]
        was = _what_changed(p, item, c["kind"])
        if p["id"] != item["id"] and p["id"] not in taken:
            renamed[item["id"]] = p["id"]       # the same item keeps its id across editions
            item["id"] = p["id"]
            taken.add(p["id"])
        item["change"] = "updated" if was else "unchanged"
        if was:
            item["was"] = was
    if renamed:
        for b in doc.get("bluf") or []:
            if isinstance(b, dict) and b.get("ref") in renamed:
                b["ref"] = renamed[b["ref"]]
        for iss in doc.get("issues") or []:
            if isinstance(iss, dict) and isinstance(iss.get("claims"), list):
                iss["claims"] = [renamed.get(x, x) for x in iss["claims"]]
        for c in doc.get("contradictions") or []:
            if isinstance(c, dict) and isinstance(c.get("items"), list):
                c["items"] = [renamed.get(x, x) for x in c["items"]]
    matched = set(m.values())
    doc["since"] = {"as_of": previous.get("as_of"), "title": previous.get("title") or ""}
    if previous.get("_file"):
        doc["since"]["file"] = previous["_file"]
    doc["dropped"] = [{"id": p["item"]["id"], "kind": p["kind"], "summary": p["item"].get("summary") or "",
                       **({"actor": p["actor"]} if p["actor"] else {}),
                       **({"date": p["item"]["date"]} if p["kind"] == "event" and p["item"].get("date") else {})}
                      for i, p in enumerate(prev) if i not in matched]
    return doc


def validate(doc: dict) -> list[str]:
    """Problems in the edition fields of a briefing/1 document (hand-edited files)."""
    p: list[str] = []
    for i, a in enumerate(doc.get("actors") or []):
        for j, x in enumerate((a.get("positions") or []) if isinstance(a, dict) else []):
            if isinstance(x, dict) and "change" in x and x["change"] not in CHANGES:
                p.append(f"actors[{i}].positions[{j}].change: expected one of {', '.join(CHANGES)}, got {x['change']!r}")
    for i, e in enumerate(doc.get("chronology") or []):
        if isinstance(e, dict) and "change" in e and e["change"] not in CHANGES:
            p.append(f"chronology[{i}].change: expected one of {', '.join(CHANGES)}, got {e['change']!r}")
    d = doc.get("dropped", [])
    if not isinstance(d, list):
        p.append("dropped: expected a list of {id, summary}")
    else:
        for i, x in enumerate(d):
            if not isinstance(x, dict) or not isinstance(x.get("id"), str) or not isinstance(x.get("summary"), str):
                p.append(f"dropped[{i}]: expected {{id, summary}}")
    s = doc.get("since")
    if s is not None and not isinstance(s, dict):
        p.append("since: expected a mapping with the previous edition's as_of and title")
    return p


# ---------------------------------------------------------------- what the reader sees

_RANK = {"stance": 0, "new": 1, "date": 2, "sources": 3, "dropped": 4}


def change_lines(doc: dict, L, refs=None, limit: int | None = None) -> dict | None:
    """The "What changed" list, in the reader's language: None without ``since``. Each line:
    {mark (NEW / UPDATED / DROPPED), kind, actor, group (actor or the chronology's label), issue,
    text, detail, refs}. ``limit``: the most important lines only (stance moves first, then new
    items best-sourced first, corrected dates, new sources, dropped items), with a "more" line."""
    since = doc.get("since")
    if not isinstance(since, dict):
        return None
    lab = L.labels()
    refs = refs or (lambda s: [])
    issue_of = {}
    for iss in doc.get("issues") or []:
        if isinstance(iss, dict):
            for c in iss.get("claims") or []:
                issue_of.setdefault(c, iss.get("label") or "")
    lines = []
    n = {"new": 0, "updated": 0}
    order = 0
    for e in _entries(doc):
        item, ch = e["item"], e["item"].get("change")
        if ch not in ("new", "updated"):
            continue
        n[ch] += 1
        order += 1
        was = item.get("was") or {}
        summary = item.get("short") or item.get("summary") or ""
        detail, rank = "", _RANK["new"] if ch == "new" else _RANK["sources"]
        plain = None
        if e["kind"] == "position" and was.get("stance"):
            rank = _RANK["stance"]
            claim = item.get("claim") or item.get("summary") or ""
            text = L.msg("stance_moved", old=stance_label(was["stance"], L), new=stance_label(item.get("stance"), L),
                         claim=_iso(_short(claim, 16), L))
        else:
            text = _iso(_short(summary, 24), L)
            plain = summary
        if e["kind"] == "event" and "date" in was:
            rank = min(rank, _RANK["date"])
            old = L.date(was.get("date"), was.get("precision") or "day") if was.get("date") else lab["undated"]
            new = L.date(item.get("date"), item.get("precision") or "day") if item.get("date") else lab["undated"]
            detail = L.msg("date_corrected", old=old, new=new)
        elif e["kind"] == "event" and ch == "new" and item.get("date"):
            text = f"{L.date(item.get('date'), item.get('precision') or 'day')}: {text}"
            plain = None
        added, removed = len(was.get("sources_added") or []), len(was.get("sources_removed") or [])
        extra = ([L.plural("sources_added", added)] if added else []) + \
                ([L.plural("sources_removed", removed)] if removed else [])
        if extra:
            detail = " · ".join(([detail] if detail else []) + extra)
        grade = (item.get("grade") or {}).get("code", "") if isinstance(item.get("grade"), dict) else ""
        lines.append({"mark": lab["change_new"] if ch == "new" else lab["change_updated"], "change": ch,
                      "kind": e["kind"], "actor": e["actor"] or "",
                      "group": e["actor"] or lab["chronology"],
                      "issue": issue_of.get(item.get("id"), lab["other_claims"]) if e["kind"] == "position" else "",
                      "text": text, "detail": detail, "grade": grade,
                      "_rank": (rank, -len(item.get("sources") or []), order), "refs": None, "_src": item.get("sources"),
                      **({"_plain": plain} if plain else {})})
    for d in doc.get("dropped") or []:
        if not isinstance(d, dict):
            continue
        order += 1
        text = _short(d.get("summary") or "", 24)
        if d.get("kind") == "event" and d.get("date"):
            text = f"{L.date(str(d['date']), _precision(str(d['date'])))}: {text}"
        lines.append({"mark": lab["change_dropped"], "change": "dropped", "kind": d.get("kind") or "",
                      "actor": d.get("actor") or "", "group": d.get("actor") or lab["chronology"],
                      "issue": "", "text": text, "detail": "", "grade": "",
                      "_rank": (_RANK["dropped"], 0, order), "refs": None, "_src": []})
    total = len(lines)
    if limit is not None and total > limit:
        lines = sorted(lines, key=lambda x: x["_rank"])[:limit]
        for x in lines:                         # the short list: a line each, as far as possible
            x["text"] = _iso(_short(x.pop("_plain"), 12), L) if "_plain" in x else x["text"]
    else:
        # all of them, grouped: by actor (in the document's order), then issue; events; dropped
        groups = list(dict.fromkeys([x["group"] for x in lines if x["kind"] == "position"] +
                                    [lab["chronology"]] + [x["group"] for x in lines]))
        lines.sort(key=lambda x: (x["change"] == "dropped", groups.index(x["group"]), x["issue"], x["_rank"][2]))
    for x in lines:
        x["refs"] = refs(x.pop("_src"))
        x.pop("_plain", None)
        del x["_rank"]
    more = total - len(lines)
    as_of = since.get("as_of")
    return {
        "since": L.msg("since_edition", date=L.date(as_of, "day")) if as_of else lab["since_first"],
        "counts": L.msg("change_counts", new=L.number(n["new"]), updated=L.number(n["updated"]),
                        dropped=L.number(len(doc.get("dropped") or []))),
        "lines": lines, "grouped": limit is None or total <= limit,
        "more": L.msg("more_changes", n=L.number(more)) if more else "",
        "empty": total == 0,
    }


def _iso(s: str, L) -> str:
    """Article text inside a right-to-left line: a Unicode isolate (as render.isolate)."""
    return f"\u2068{s}\u2069" if L.rtl and s else s


def _precision(d: str) -> str:
    return {4: "year", 7: "month"}.get(len(d), "day")


def _short(text: str, n: int) -> str:
    from .text import short_words
    return short_words(text, n)


def stance_label(stance: str | None, L) -> str:
    """A stance of the closed vocabulary, in the reader's language."""
    if not stance:
        return ""
    key = f"stance_{stance}"
    lab = L.labels()
    return lab.get(key, stance)


def email_sections(doc: dict, L, limit: int = 10) -> tuple[list[str], str]:
    """The "What changed" list for the message bodies: (text lines, HTML), empty without
    ``since``. Everything from the briefing is HTML-escaped."""
    import html
    ch = change_lines(doc, L, limit=limit)
    if ch is None:
        return [], ""
    lab = L.labels()
    e = html.escape
    text = [lab["what_changed"].upper(), ch["since"] + " — " + ch["counts"], ""]
    items = []
    for x in ch["lines"]:
        who = f"{x['actor']}: " if x["actor"] else ""
        line = f"[{x['mark']}] {who}{x['text']}" + (f" ({x['detail']})" if x["detail"] else "")
        text.append(f"- {line}")
        items.append(f"<li><strong>{e(x['mark'])}</strong> {e(who)}{e(x['text'])}"
                     + (f" <em>({e(x['detail'])})</em>" if x["detail"] else "") + "</li>")
    if ch["empty"]:
        text.append(lab["no_changes"])
    if ch["more"]:
        text.append(ch["more"])
    text.append("")
    h = (f"<h2>{e(lab['what_changed'])}</h2><p>{e(ch['since'])} — {e(ch['counts'])}</p>"
         + (f"<ul>{''.join(items)}</ul>" if items else f"<p>{e(lab['no_changes'])}</p>")
         + (f"<p><em>{e(ch['more'])}</em></p>" if ch["more"] else ""))
    return text, h


# ---------------------------------------------------------------- distribute's memory

def fingerprint(doc: dict) -> str:
    """What an extraction gave, before grading and comparison: the same articles and project give
    the same fingerprint (taken before ``compare``, which may carry ids over)."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def memory_dir(dist) -> Path:
    """Where ``distribute`` keeps the last edition sent to each audience: next to its ledger."""
    return dist.outbox.parent / f"{dist.outbox.name}.editions"


def _memory_files(dist, audience: str) -> tuple[Path, Path, Path]:
    from .distribute import outbox_file
    stem = outbox_file(audience)[:-4]
    d = memory_dir(dist)
    return d / f"{stem}.yaml", d / f"{stem}.base.yaml", d / f"{stem}.json"


def remembered(dist, audience: str, raw_fingerprint: str) -> dict | None:
    """The edition to compare with for an audience: the last one sent to it; or, when this
    edition is that same edition again (unchanged articles), what that one was compared with,
    so that the same edition is built byte for byte (and the ledger sends nothing again)."""
    from .model import load_briefing
    last, base, meta = _memory_files(dist, audience)
    if not last.is_file():
        return None
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    try:
        if isinstance(info, dict) and info.get("fingerprint") == raw_fingerprint:
            return load_briefing(base) if base.is_file() else None
        return load_briefing(last)
    except BriefingError:
        return None


def remember(dist, audience: str, doc: dict, base: dict | None, raw_fingerprint: str) -> None:
    """Record the edition an audience has now received in full (and what it was compared with)."""
    import copy
    from .model import dump_yaml, write_atomic
    last, base_file, meta = _memory_files(dist, audience)
    last.parent.mkdir(parents=True, exist_ok=True)
    if base is not None:
        b = copy.deepcopy(base)
        for k in ("_file", "_empty"):
            b.pop(k, None)
        write_atomic(base_file, dump_yaml(b).encode("utf-8"))
    elif base_file.exists():
        base_file.unlink()
    write_atomic(last, dump_yaml(doc).encode("utf-8"))
    write_atomic(meta, json.dumps({"fingerprint": raw_fingerprint, "as_of": doc.get("as_of")}).encode("utf-8"))


# ---------------------------------------------------------------- the layouts' view-model

def item_marks(item: dict) -> dict:
    """What a printed item carries for the layouts: its edition mark and its grade ("B2")."""
    g = item.get("grade")
    return {"change": item.get("change") if item.get("change") in ("new", "updated") else "",
            "grade": g.get("code", "") if isinstance(g, dict) and isinstance(g.get("code"), str) else ""}


def edition_view(view: dict, doc: dict, L, limits: dict) -> dict:
    """Add to the layouts' view-model: ``changes`` (the "What changed" list, None without
    ``since``; ``limits.changes`` caps it), the marks of the bottom-line points, and ``grading``
    (the legend and the contradictions). Citation marks only for the source notes printed."""
    from .grading import legend_view
    num = {s["id"]: s["n"] for s in view.get("sources") or []} \
        if "sources" in ((view.get("settings") or {}).get("sections") or ["sources"]) else {}

    def refs(sources):
        uniq = [x for x in dict.fromkeys(sources or []) if x in num]
        return [{"n": num[x], "id": x} for x in uniq[:6]] + ([{"n": f"+{len(uniq) - 6}", "id": ""}] if len(uniq) > 6 else [])
    cap = limits.get("changes") if isinstance(limits, dict) else None
    view["changes"] = change_lines(doc, L, refs, limit=cap)
    byid = {e["item"]["id"]: e["item"] for e in _entries(doc)}
    for v, b in zip(view.get("bluf") or [], doc.get("bluf") or []):
        v.update(item_marks(byid.get(b.get("ref"), {})) if isinstance(b, dict) else {})
    view["grading"] = legend_view(doc, L, refs)
    return view


def remember_sent(dist, docs: dict, result) -> None:
    """After a send: each audience whose every recipient now has its edition (sent, or already
    sent) remembers it, as the edition its next one is compared with. ``docs``: audience name ->
    (document, the edition it was compared with, key, fingerprint of the extraction)."""
    by_audience: dict[str, list[str]] = {}
    for o in result:
        by_audience.setdefault(o.audience, []).append(o.status)
    for name, (doc, prev, _key, raw) in docs.items():
        states = by_audience.get(name)
        if states and all(s in ("sent", "already sent") for s in states) and raw:
            try:
                remember(dist, name, doc, prev, raw)
            except (OSError, BriefingError):
                pass                            # the memory is a convenience: a send never fails on it
