"""Assembly: articles + extracted items -> a Briefing (the briefing/1 document, a plain dict).

Merges near-duplicate positions across articles (the first source holds the quote, the rest
corroborate), ranks them, writes each item's sourcing line, and picks the bottom line up front.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys

from . import __version__
from .articles import Packed
from .config import Actor, Project
from .extract.common import strength
from .extract import chronology as _chronology
from .extract.chronology import (Events, NearDuplicates, add_support, article_mentions, content_words,
                                 infer_anchor, redate_from_datelines)
from .extract.positions import ActorMatcher, positions_in
from .extract.sources import article_cites, cites_in
from .extract.common import compose_claim
from .issues import discover as discover_issues
from .text import short_words

SCHEMA = "briefing/1"


def _outlets_in(quote: str, known: set[str] | None) -> list[str]:
    return [c.name for c in cites_in(quote, 0) if c.kind == "outlet" and (known is None or c.name.lower() in known)]


def credits(quote: str, known: set[str] | None = None) -> tuple[list[str], list[str]]:
    """(outlets, other sources) the sentence credits, in order, without repeats."""
    cites = [c for c in cites_in(quote, 0) if known is None or c.name.lower() in known]
    outlets = list(dict.fromkeys(c.name for c in cites if c.kind == "outlet"))
    others = list(dict.fromkeys(c.name for c in cites if c.kind != "outlet"))
    return outlets, others


def sourcing_line(quote: str, sources: list[str], known: set[str] | None = None, reports: int | None = None) -> str:
    """"NBC News, citing anonymous sources · 2 articles, 1 report": who the sentence credits, and
    how many articles carry the item (and how many independent reports, when articles relay the
    same outlet's report). ``known``: the cite names kept for the article (filters noise)."""
    outlets, others = credits(quote, known)
    parts = []
    if outlets:
        parts.append(", ".join(dict.fromkeys(outlets)) + (f", citing {', '.join(dict.fromkeys(others))}" if others else ""))
    elif others:
        parts.append(", ".join(dict.fromkeys(others)))
    else:
        parts.append("the article's own reporting")
    n = len(dict.fromkeys(sources))
    count = f"{n} article{'s' if n != 1 else ''}"
    if reports is not None and reports < n:
        count += f", {reports} report{'s' if reports != 1 else ''}"
    parts.append(count)
    return " · ".join(parts)


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:24] or "x"


def item_id(prefix: str, *parts: str) -> str:
    """A stable id: the same claim (actor, stance, its words) gives the same id in any run."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]
    return f"{prefix}-{h}"


def _same_claim(a: frozenset, b: frozenset) -> bool:
    """The same proposition, not merely shared words: most of both claims' content words agree."""
    if not a or not b:
        return False
    shared = len(a & b)
    return shared >= 3 and shared / min(len(a), len(b)) >= 0.7 and shared / max(len(a), len(b)) >= 0.5


_STANCE_FAMILY = {"says": "say", "denies": "deny", "decides": "say", "agrees": "agree", "appeals": "urge",
                  "urges": "urge", "demands": "urge", "pledges": "pledge", "proposes": "pledge", "supports": "support",
                  "opposes": "oppose", "accuses": "oppose", "condemns": "oppose", "protests": "oppose",
                  "refuses": "refuse", "rejects": "refuse", "threatens": "warn", "warns": "warn"}


def report_key(article: str, quote: str, known: dict, relays: dict) -> tuple:
    """What makes a report independent: the outlet a sentence credits, else the wire the article
    carries (its dateline credit), else the article itself."""
    outs = _outlets_in(quote, known.get(article))
    if outs:
        return ("outlet", outs[0].lower())
    if relays.get(article):
        return ("outlet", relays[article][0])
    return ("article", article)


POSITIONS_CAP = 100   # claims kept per actor (ranked); the rest are counted in ``omitted``


class PositionMerger:
    """One actor's claims merged as they come: the same actor making the same claim in several
    articles becomes one item, each source with its own sentence in ``support`` (at most
    ``SUPPORT_CAP`` listed, every one counted); claims sharing words but not the proposition stay
    apart. ``result`` ranks them and keeps the ``cap`` best."""

    def __init__(self, actor: str, known: dict, relays: dict, cap: int | None = None):
        self.actor, self.known, self.relays = actor, known, relays
        self.cap = POSITIONS_CAP if cap is None else cap
        self.merged: list[dict] = []
        self.index = NearDuplicates()
        self.omitted = 0

    def add(self, p) -> None:
        merged = self.merged
        ws = content_words(p.claim or p.summary)
        fam = _STANCE_FAMILY.get(p.stance, p.stance)
        rk = report_key(p.article, p.quote, self.known, self.relays)
        j = self.index.find(ws, 0.7, accept=lambda i: p.article not in merged[i]["_srcset"] and merged[i]["_fam"] == fam
                            and _same_claim(ws, merged[i]["_words"]))
        if j is not None:
            m = merged[j]
            m["_srcset"].add(p.article)
            m["_allkeys"].add(rk)
            add_support(m, p.article, p.quote, rk, _chronology.SUPPORT_CAP)
            return
        merged.append({"id": item_id("c", self.actor, p.stance, " ".join(sorted(ws))),
                       "summary": p.summary, "quote": p.quote, "speaker": p.speaker or self.actor,
                       "stance": p.stance, "claim": p.claim or p.summary, "hedge": p.hedge,
                       **({"role": p.role} if p.role else {}),
                       "sources": [p.article], "support": [{"article": p.article, "quote": p.quote}],
                       "_srcset": {p.article}, "_fam": fam, "_words": ws, "_rkeys": [rk], "_allkeys": {rk},
                       "_order": (p.article, p.sentence), "_strength": strength(p.quote)})
        self.index.add(len(merged) - 1, ws)

    def result(self) -> list[dict]:
        merged = self.merged
        merged.sort(key=lambda m: (-len(m["_srcset"]), -m["_strength"], m["_order"], m["id"]))
        if len(merged) > self.cap:
            self.omitted = len(merged) - self.cap
            merged = merged[:self.cap]
        known = self.known
        seen: set[str] = set()
        for m in merged:
            while m["id"] in seen:
                m["id"] += "x"
            seen.add(m["id"])
            # articles relaying the same outlet's report count as one report
            every = sorted(m["_srcset"]) if len(m["_srcset"]) > len(m["sources"]) else m["sources"]
            m["corroboration"] = {"articles": len(m["_srcset"]), "reports": len(m["_allkeys"])}
            outs, oth = credits(m["quote"], known.get(m["sources"][0]))
            m["credits"] = {"outlets": outs, "others": oth}
            m["sourcing"] = sourcing_line(m["quote"], every, known.get(m["sources"][0]), len(m["_allkeys"]))
            m["short"] = compose_claim(m["summary"], 14)
            for k in ("_order", "_strength", "_srcset", "_fam", "_words", "_rkeys", "_allkeys"):
                del m[k]
        self.merged, self.index = [], NearDuplicates()
        return merged


DAY_CAP = 8             # events kept per day (the best corroborated)
CHRONOLOGY_CAP = 1000   # dated events kept in all
UNDATED_CAP = 60        # undated events kept
AHEAD_CAP = 60          # scheduled events kept
ARTICLES_CAP = 5000     # past this many articles, only those an item cites are listed


def _n_sources(e: dict) -> int:
    return len(e.get("_all_sources") or e["sources"])


def bound_events(chronology: list[dict], ahead: list[dict]) -> tuple[list, list, int, int]:
    """What a briefing can use of a very large chronology: per day the ``DAY_CAP`` best
    corroborated events, at most ``CHRONOLOGY_CAP`` dated (the best corroborated, then the most
    recent) and ``UNDATED_CAP`` undated ones, ``AHEAD_CAP`` scheduled; the order is kept.
    Returns (chronology, ahead, events left out, scheduled left out)."""
    dated = [i for i, e in enumerate(chronology) if e.get("date")]
    undated = [i for i, e in enumerate(chronology) if not e.get("date")]
    by_day: dict[str, list[int]] = {}
    for i in dated:
        by_day.setdefault(str(chronology[i]["date"]), []).append(i)
    keep = []
    for idx in by_day.values():
        keep += sorted(idx, key=lambda i: (-_n_sources(chronology[i]), i))[:DAY_CAP]
    keep = sorted(keep, key=lambda i: (-_n_sources(chronology[i]), [-ord(c) for c in str(chronology[i]["date"])], i))[:CHRONOLOGY_CAP]
    keep += undated[:UNDATED_CAP]
    kept = [chronology[i] for i in sorted(keep)]
    return kept, ahead[:AHEAD_CAP], len(chronology) - len(kept), max(0, len(ahead) - AHEAD_CAP)


def bound_articles(doc: dict) -> int:
    """Past ``ARTICLES_CAP`` articles, list only those an item, a point or an event cites (the
    others are counted); returns how many were left out."""
    arts = doc["articles"]
    if len(arts) <= ARTICLES_CAP:
        return 0
    used: set[str] = set()
    for a in doc["actors"]:
        for p in a["positions"]:
            used.update(p["sources"])
    for e in [*doc["chronology"], *doc.get("ahead", [])]:
        used.update(e["sources"])
    for b in doc["bluf"]:
        used.update(b.get("sources") or [])
    doc["articles"] = [a for a in arts if a["id"] in used]
    return len(arts) - len(doc["articles"])


def _short(text: str, words: int = 32) -> str:
    return short_words(text, words)


def _count(item: dict) -> int:
    """How many articles carry an item (all of them, also past the sources listed)."""
    return (item.get("corroboration") or {}).get("articles") or len(item["sources"])


def _bluf(actors: list[dict], chronology: list[dict], as_of: dt.date | None, limit: int = 5) -> list[dict]:
    """Three to five complete points, each citing: the latest development first (the most recent
    dated events, by how many reports carry them), then the best-corroborated claims of the
    actors. Points refer to items by id (``ref``), so deleting an item removes its point."""
    points = []
    dated = [e for e in chronology if e.get("date") and "anomaly" not in e["flags"] and e["precision"] == "day"
             and (as_of is None or str(e["date"]) <= as_of.isoformat())]
    if dated:
        latest = max(str(e["date"])[:10] for e in dated)
        recent = [e for e in dated if as_of is None or
                  (as_of - dt.date.fromisoformat((str(e["date"]) + "-15")[:10])).days <= 7 or str(e["date"])[:10] == latest]
        recent.sort(key=lambda e: (-_count(e), -len(str(e["date"])), [-ord(c) for c in str(e["date"])], e["id"]))
        for e in recent[:2]:
            points.append({"text": e["summary"], "ref": e["id"], "date": e["date"], "sources": list(e["sources"])})
    ranked = sorted((a for a in actors if a["positions"]),
                    key=lambda a: (-_count(a["positions"][0]), -strength(a["positions"][0]["quote"]),
                                   -len(a["positions"]), a["name"]))
    for a in ranked:
        if len(points) >= limit:
            break
        p = a["positions"][0]
        points.append({"text": p["summary"], "ref": p["id"], "actor": a["name"], "sources": list(p["sources"])})
    return points[:limit]


def assemble(articles, project: Project, as_of: dt.date | None = None, log=None, items_fn=None) -> dict:
    """Build the briefing/1 document from loaded articles.

    ``items_fn(articles, actors, as_of)``: how per-article claims and event mentions are found,
    yielding (positions, mentions) article after article in the order of ``articles`` (the
    pipeline passes a cached, parallel one); by default one article after the other."""
    log = log or (lambda msg: None)
    redate_from_datelines(articles, as_of or project.as_of)      # year-less datelines: year from the set
    anchor, anchor_source = as_of or project.as_of, "as_of"
    if anchor is None and not any(a.published for a in articles):
        anchor = infer_anchor(articles)
        anchor_source = "inferred"
        if anchor:
            log(f"as-of date inferred from the articles: {anchor.isoformat()} (latest explicit date)")
    if anchor is None:
        anchor = max((a.published for a in articles if a.published), default=None)
        anchor_source = "published" if anchor else "none"
    if anchor is not None:
        # datelines without a year: the most recent such day not after the as-of date
        from .extract.dates import year_for
        for a in articles:
            part = getattr(a, "published_partial", None)
            if a.published is None and part:
                mon, day, wd, _, what = part
                y = year_for(mon, day, anchor, wd)
                if y is not None:
                    a.published = dt.date(y, mon, day)
                    a.published_inferred = (f"inferred from the {what}; year inferred: the most recent "
                                            f"{a.published.strftime('%B')} {day} not after {anchor.isoformat()}")
    from .actors import complete_actors, learn_people, pick_actors
    if project.actors:
        actors_cfg: list[Actor] = complete_actors(project.actors)
    else:
        actors_cfg = pick_actors(articles)
        log("no actors in the project file; picked from the articles: "
            + (", ".join(a.name for a in actors_cfg) or "none found"))
    actors_cfg = learn_people(articles, actors_cfg)
    from .extract.sources import canonical_outlet, classify, prime_article, sane_name
    from .outlets import lookup as outlet_info
    cites: dict[str, list] = {}
    known: dict[str, set[str]] = {}
    relays: dict[str, list[str]] = {}
    mergers = {a.name: PositionMerger(a.name, known, relays) for a in actors_cfg}
    # while reading, each date holds at least four times what the briefing keeps of it
    events = Events(anchor, report_of=lambda art, quote: report_key(art, quote, known, relays),
                    group_keep=max(_chronology.GROUP_KEEP, 4 * DAY_CAP),
                    undated_keep=max(_chronology.UNDATED_KEEP, 2 * UNDATED_CAP))
    if items_fn is None:
        matcher = ActorMatcher(actors_cfg)
        ev_matcher = matcher if actors_cfg else None
        stream = ((positions_in(art, matcher), article_mentions(art, anchor, matcher=ev_matcher)) for art in articles)
    else:
        stream = items_fn(articles, actors_cfg, anchor)
    # article after article (a large set is never held as a whole): its claims and event mentions
    # go to the mergers as soon as its sources are known
    for art, (positions, raw) in zip(articles, stream):
        prime_article(art)
        positions = sorted(positions, key=lambda p: p.sentence)
        for p in positions:
            p.article = art.id              # one string for the article's id, not one per item
        for e in raw:
            e["sources"] = [art.id]
        cs = list(art.cites) if art.cites is not None else article_cites(art.sentences)
        if art.outlet:
            # an article does not cite itself: its own wire credit or dateline is its publisher
            own = canonical_outlet(art.outlet)
            cs = [c for c in cs if not (c["kind"] == "outlet" and canonical_outlet(c["name"]) == own)]
        # the speaker of every claim is a source of its article ("The Israeli government has long argued")
        for p in positions:
            spk = (p.speaker or "").strip()
            if not spk or not sane_name(spk) or len(spk.split()) > 8 or re.match(r"(?i)^(?:he|she|they|it|we|i)\b", spk) or "," in spk:
                continue
            if not any(spk.lower() in c["name"].lower() or c["name"].lower() in spk.lower() for c in cs):
                cs.append({"name": spk, "kind": classify(spk), "sentences": [p.sentence]})
        # outlets: what kind of organisation and where from (general data, never guessed)
        for c in cs:
            if c["kind"] == "outlet":
                info = outlet_info(c["name"])
                if info:
                    c["type"], c["country"] = info["type"], info["country"]
        relays[art.id] = sorted(canonical_outlet(c["name"]) for c in cs if c.get("relayed"))
        known[art.id] = frozenset(sys.intern(c["name"].lower()) for c in cs)
        cites[art.id] = Packed(cs)          # read again only for the articles the file lists
        if items_fn is not None:
            art.cites = cites[art.id]       # the pipeline's articles: one packed copy, not two
        for p in positions:
            mergers[p.actor].add(p)
        events.add(raw)
    actors = [{"name": a.name, "aliases": list(a.aliases), "positions": mergers[a.name].result()} for a in actors_cfg]
    omitted = {"positions": {n: m.omitted for n, m in mergers.items() if m.omitted}}
    chronology, ahead = events.result()
    chronology, ahead, omitted["chronology"], omitted["ahead"] = bound_events(chronology, ahead)
    omitted["chronology"] += events.past.evicted        # let go while reading
    omitted["ahead"] += events.coming.evicted
    for e in chronology:
        every = e.pop("_all_sources", None) or e["sources"]
        e["id"] = item_id("e", str(e.get("date")), " ".join(sorted(content_words(e.get("quote") or e["summary"]))))
        e.setdefault("support", [{"article": e["sources"][0], "quote": e.get("quote") or e["summary"]}])
        e["sourcing"] = sourcing_line(e.get("quote") or "", every, known.get(e["sources"][0]))
        outs, oth = credits(e.get("quote") or "", known.get(e["sources"][0]))
        e["credits"] = {"outlets": outs, "others": oth}
        e["corroboration"] = {"articles": len(every),
                              "reports": len({report_key(s_, e.get("quote") or "", known, relays) for s_ in every})}
    for e in ahead:
        e.pop("_all_sources", None)
    doc = {
        "schema": SCHEMA,
        "title": project.title,
        "as_of": anchor.isoformat() if anchor else None,
        "as_of_source": anchor_source,
        "organisation": project.organisation,
        "marking": project.marking,
        "generator": f"briefing {__version__}",
        "bluf": _bluf(actors, [e for e in chronology if "scheduled" not in e["flags"]], anchor),
        "articles": [{
            "id": a.id,
            "title": a.title,
            "title_inferred": a.title_inferred,
            "outlet": a.outlet,
            **({"outlet_type": outlet_info(a.outlet)["type"], "outlet_country": outlet_info(a.outlet)["country"]}
               if a.outlet and outlet_info(a.outlet) else {}),
            "published": a.published.isoformat() if a.published else None,
            **({"published_inferred": a.published_inferred} if getattr(a, "published_inferred", None) else {}),
            "url": a.url,
            "author": a.author,
            "cites": [{k: v for k, v in c.items() if k != "sentences" and v is not None} for c in cites[a.id]],
        } for a in articles],
        "actors": actors,
        "issues": discover_issues(actors),
        "chronology": chronology,
    }
    doc["ahead"] = ahead
    omitted["articles"] = bound_articles(doc)
    if omitted["positions"] or omitted["chronology"] or omitted["ahead"] or omitted["articles"]:
        # a set too large to list whole: what was left out, counted (sources counted per item
        # in ``corroboration``)
        doc["omitted"] = {k: v for k, v in omitted.items() if v}
    # the one-line form of each event for the key-events and ahead lists (a complete clause)
    from .extract.chronology import one_line
    for e in [*doc["chronology"], *ahead]:
        e["line"] = one_line(e.get("event") or e.get("summary", ""))
    return doc
