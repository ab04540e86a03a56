"""Source grading, Admiralty (NATO) style: every item gets a source-reliability letter A-F and an
information-credibility digit 1-6, printed together ("B2").

Credibility is computed from the item's own support, in this order:

* 6 cannot be judged: every source of the item is anonymous;
* 4 doubtful: another item of the set gives the opposite account (see ``contradictions``);
* 1 confirmed: independent reports from different outlets (articles relaying the same outlet or
  wire, as credited in the sentence, count as one report; so do two articles of one outlet);
* 2 probably true: one on-record, named source (a named speaker, official or body);
* 3 possibly true: a single report.

5 (improbable) is never assigned automatically.

Reliability comes only from a user-editable file mapping outlets to letters (``reliability:`` in
the project file, or ``--reliability FILE``); an outlet it does not list is F (cannot be
judged): the tool never invents reliability. An item takes the best letter of the outlets its
reports come from (the outlet credited in the sentence, else the article's publisher).

Contradictions (two actors or outlets giving opposite accounts of the same thing: one denies
what the other asserts, one supports what the other rejects, one negates what the other says)
are listed in the document's ``contradictions``, not resolved.

This module reads only the briefing document (no extractor is imported): it runs on every build,
from the cache or not, so that an edited reliability file takes effect at once.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml

from .errors import BriefingError

LETTERS = "ABCDEF"
CREDIBILITY = (1, 2, 3, 4, 5, 6)
# why an item got its credibility (the key; layouts print it translated)
REASONS = {1: "confirmed", 2: "named", 3: "single", 4: "contradicted", 6: "anonymous"}

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2011": "-",
                       "\u2010": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_ANON = re.compile(r"\b(?:unnamed|anonymous|anonymity|unidentified|sources?|insiders?|familiar with|"
                   r"not authori[sz]ed to|asked not to be (?:named|identified)|declined to be (?:named|identified)|"
                   r"people close to|person close to|one person|two people|several people|people briefed)\b", re.I)
_SAID = re.compile(r"\b(?:said|say|says|told|tell|according|believe|believed|reported)\b", re.I)
_PRONOUN = re.compile(r"(?i)^(?:he|she|they|it|we|i|its|his|her|their)\b")
_STOP = set("""a an the and or but of to in on at by for from with as is are was were be been being has have had
will would could should may might can must do does did not no nor never this that these those it its they them
their he she his her we our you your i me my said says say told tell according also than then there here which who
whom whose what when where why how all any some more most other such only own same so very just into over under
about after before during against between through again further once if while because until up down out off
reported reports report statement added adding""".split())
_NEG = re.compile(r"\b(?:not|no|never|nor|none|nothing|n't|denied|denies|deny|false|untrue|baseless|refuted)\b|n't\b", re.I)
_ASSERT = {"says", "decides", "accuses", "agrees", "pledges", "proposes", "supports", "threatens", "warns",
           "urges", "demands", "appeals"}
_FOR = {"supports", "agrees", "pledges", "proposes"}
_AGAINST = {"opposes", "rejects", "refuses", "condemns", "protests"}


def fold(s: str) -> str:
    s = s or ""
    return s if s.isascii() else s.translate(_FOLD)


def words(text: str) -> frozenset:
    """Content words of a claim (lower case, no stop words, no negation)."""
    return frozenset(w for w in re.findall(r"[a-z0-9][a-z0-9'-]+", fold(text).lower())
                     if w not in _STOP and len(w) > 2 and not _NEG.fullmatch(w))


def _key(name: str) -> str:
    s = " ".join(fold(name).split()).casefold()
    return re.sub(r"^the\s+", "", s)


@cache
def _aliases() -> dict[str, str]:
    """alias key -> canonical outlet key, from the general outlet list (Reuters, AP, AFP...)."""
    from .text import data_file
    out: dict[str, str] = {}
    try:
        table = data_file("outlets.yaml")["outlets"]
    except (OSError, KeyError, TypeError):
        return out
    for o in table:
        if isinstance(o, dict) and isinstance(o.get("name"), str):
            for n in [o["name"], *(o.get("aliases") or [])]:
                if isinstance(n, str):
                    out.setdefault(_key(n), _key(o["name"]))
    return out


@lru_cache(maxsize=65536)
def outlet_key(name: str | None) -> str | None:
    """The canonical key of an outlet name ("the AP" and "Associated Press" alike)."""
    if not isinstance(name, str) or not name.strip():
        return None
    k = _key(name)
    return _aliases().get(k, k)


# ---------------------------------------------------------------- the reliability file

class ReliabilityError(BriefingError):
    """A reliability file that does not validate: every problem with its line."""


def load_reliability(path) -> dict[str, str]:
    """Read a reliability file: outlet names mapped to a letter A-F, at the top level or under
    ``outlets:``. Returns {outlet key: letter}. Every problem is reported at once, with its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReliabilityError("reliability file not found", path)
    except (OSError, UnicodeDecodeError) as e:
        raise ReliabilityError(f"cannot read the reliability file ({e})", path)
    from .text import safe_yaml
    try:
        safe_yaml(text)                         # anchors and aliases refused, as in every file we read
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ReliabilityError(f"{where}not valid YAML ({getattr(e, 'problem', None) or e})", path)
    if root is None:
        return {}
    if isinstance(root, yaml.MappingNode) and len(root.value) == 1 and \
            isinstance(root.value[0][0], yaml.ScalarNode) and root.value[0][0].value == "outlets":
        root = root.value[0][1]
        if isinstance(root, yaml.ScalarNode) and root.value in ("", "~", "null"):
            return {}
    if not isinstance(root, yaml.MappingNode):
        raise ReliabilityError(f"line {root.start_mark.line + 1}: expected a mapping of outlet names to a "
                               "letter A-F, e.g. `Reuters: B`", path)
    problems: list[str] = []
    table: dict[str, str] = {}
    lines: dict[str, tuple[int, str, str]] = {}
    for kn, vn in root.value:
        line = kn.start_mark.line + 1
        if not isinstance(kn, yaml.ScalarNode) or not kn.value.strip():
            problems.append(f"line {line}: expected an outlet name")
            continue
        name = kn.value.strip()
        if not isinstance(vn, yaml.ScalarNode) or vn.value.strip().upper() not in LETTERS or len(vn.value.strip()) != 1:
            got = vn.value if isinstance(vn, yaml.ScalarNode) else "a " + ("list" if isinstance(vn, yaml.SequenceNode) else "mapping")
            problems.append(f"line {vn.start_mark.line + 1}: {name!r}: expected a letter A to F "
                            f"(A completely reliable ... F cannot be judged), got {got!r}")
            continue
        letter = vn.value.strip().upper()
        k = outlet_key(name)
        if k in lines and lines[k][2] != letter:
            problems.append(f"line {line}: {name!r} is {letter}, but line {lines[k][0]} gives "
                            f"{lines[k][1]!r} (the same outlet) {lines[k][2]}")
            continue
        lines.setdefault(k, (line, name, letter))
        table[k] = letter
    if problems:
        raise ReliabilityError("invalid reliability file:\n  " + "\n  ".join(problems), path)
    return table


def reliability_path(project, option=None) -> Path | None:
    """``--reliability FILE``, else the project file's ``reliability:`` (relative to it), else None."""
    if option:
        return Path(option)
    rel = getattr(project, "reliability", None)
    if rel:
        p = Path(rel)
        return p if p.is_absolute() or not getattr(project, "base", None) else project.base / p
    return None


# ---------------------------------------------------------------- grading

def _cited(quote: str, cites: list[dict], kinds: tuple[str, ...]) -> list[str]:
    names = tuple((c.get("name"), c.get("kind")) for c in cites or [] if isinstance(c, dict))
    return list(_cited_in(quote, names, kinds))


@lru_cache(maxsize=65536)
def _cited_in(quote: str, names: tuple, kinds: tuple[str, ...]) -> tuple[str, ...]:
    q = fold(quote).casefold()
    out = []
    for name, kind in names:
        if isinstance(name, str) and kind in kinds and len(name) > 1:
            n = fold(name).casefold()
            if n in q and re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", q):
                out.append(name)
    return tuple(out)


def _supports(item: dict) -> list[dict]:
    """Every source of the item with its sentence (None when only the article is known)."""
    sup = [s for s in item.get("support") or [] if isinstance(s, dict) and s.get("article")]
    have = {s["article"] for s in sup}
    if not sup and item.get("sources"):
        sup = [{"article": item["sources"][0], "quote": item.get("quote") or item.get("summary") or ""}]
        have = {item["sources"][0]}
    return sup + [{"article": a, "quote": None} for a in dict.fromkeys(item.get("sources") or []) if a not in have]


def _report(s: dict, item: dict, first: bool, arts: dict, relayed: list[str]) -> dict:
    """One source of an item: which report it is (outlet credited in the sentence, else the
    article's outlet), whether it is anonymous, whether a named source speaks on the record."""
    art = arts.get(s["article"]) or {}
    quote = s.get("quote") or ""
    cites = art.get("cites") or []
    credited = _cited(quote, cites, ("outlet",)) if quote else []
    if not quote:
        # a source known only by its article (a near-duplicate of the item's sentence): it relays
        # the outlet the item's sentence credits when it cites that outlet too
        mine = {outlet_key(c.get("name")) for c in cites if isinstance(c, dict) and c.get("kind") == "outlet"}
        credited = [o for o in relayed if outlet_key(o) in mine]
    if first and not credited:
        credited = [o for o in ((item.get("credits") or {}).get("outlets") or []) if isinstance(o, str)]
    outlet = credited[0] if credited else art.get("outlet")
    key = outlet_key(outlet)
    if quote:
        anon = bool(_ANON.search(fold(quote)) and _SAID.search(quote))
        if first and item.get("hedge") == "anonymous":
            anon = True
        if "stance" in item:                    # a statement: its speaker, or an official it names
            named_cite = bool(_cited(quote, cites, ("official",)))
        else:                                   # an event: an official the sentence credits
            named_cite = first and bool((item.get("credits") or {}).get("others"))
        spk = (item.get("speaker") or "").strip() if first else ""
        on_record = not (first and item.get("hedge") in ("reported", "alleged"))
        named = not anon and on_record and (named_cite or bool(item.get("role") and first) or
                              (bool(spk) and not _PRONOUN.match(spk) and bool(re.search(r"[A-Z]", spk))))
    else:
        anon, named = False, False
    return {"key": key or f"article:{s['article']}", "outlet": outlet, "known": key is not None,
            "anonymous": anon, "named": named}


def grade_item(item: dict, arts: dict, table: dict[str, str], contradicted: bool) -> dict:
    sup = _supports(item)
    relayed = _cited(sup[0].get("quote") or "", (arts.get(sup[0]["article"]) or {}).get("cites") or [],
                     ("outlet",)) if sup else []
    reports = [_report(s, item, i == 0, arts, relayed) for i, s in enumerate(sup)]
    letters = [table.get(r["key"], "F") if r["known"] else "F" for r in reports] or ["F"]
    letter = min(letters)
    # independent reports: distinct known outlets (relays of one outlet or wire count once)
    outlets = {r["key"] for r in reports if r["known"] and not r["anonymous"]}
    if reports and all(r["anonymous"] for r in reports):
        cred = 6
    elif contradicted:
        cred = 4
    elif len(outlets) >= 2:
        cred = 1
    elif any(r["named"] for r in reports):
        cred = 2
    else:
        cred = 3
    return {"code": f"{letter}{cred}", "reliability": letter, "credibility": cred, "reason": REASONS[cred],
            "reports": max(len(outlets), 1 if reports else 0)}


def _opposed(a: dict, b: dict) -> str | None:
    """Why two items give opposite accounts, or None."""
    sa, sb = a.get("stance") or "says", b.get("stance") or "says"     # an event asserts
    if sa and sb:
        if (sa == "denies") != (sb == "denies") and ({sa, sb} - {"denies"}) <= _ASSERT:
            return "denial"
        if (sa in _FOR and sb in _AGAINST) or (sb in _FOR and sa in _AGAINST):
            return "stance"
    ta, tb = a.get("claim") or a.get("summary") or "", b.get("claim") or b.get("summary") or ""
    wa, wb = words(ta), words(tb)
    close = len(wa & wb) >= 3 and len(wa & wb) / max(len(wa), len(wb)) >= 0.6
    if close and bool(_NEG.search(fold(ta))) != bool(_NEG.search(fold(tb))) and "denies" not in (sa, sb):
        return "negation"
    return None


def _same_thing(wa: frozenset, wb: frozenset) -> bool:
    shared = len(wa & wb)
    if not shared:
        return False
    small = min(len(wa), len(wb))
    return (shared >= 3 and shared / small >= 0.6 and shared / max(len(wa), len(wb)) >= 0.4) or \
        (shared >= 2 and small <= 3 and shared / small >= 0.66)


def contradictions(doc: dict, arts: dict | None = None) -> list[dict]:
    """Pairs of items giving opposite accounts of the same thing, from different actors or
    different outlets: [{items: [id, id], kind: denial|stance|negation}]."""
    arts = arts if arts is not None else {a.get("id"): a for a in doc.get("articles") or [] if isinstance(a, dict)}
    entries = []
    for a in doc.get("actors") or []:
        for p in a.get("positions") or []:
            if isinstance(p, dict) and p.get("id"):
                entries.append((a.get("name"), p, words(p.get("claim") or p.get("summary") or "")))
    for e in doc.get("chronology") or []:
        if isinstance(e, dict) and e.get("id"):
            entries.append((None, e, words(e.get("summary") or "")))
    index: dict[str, list[int]] = {}
    for i, (_, _, ws) in enumerate(entries):
        for w in ws:
            index.setdefault(w, []).append(i)
    out, seen = [], set()
    common = min(300, max(40, len(entries) // 50))
    for i, (actor, item, ws) in enumerate(entries):
        cands: dict[int, int] = {}
        for w in ws:
            hits = index[w]
            if len(hits) > common:              # a word in very many items says nothing
                continue
            for j in hits:
                if j > i:
                    cands[j] = cands.get(j, 0) + 1
        for j in sorted(cands):
            if cands[j] < 2:
                continue
            actor2, other, ws2 = entries[j]
            if actor is None and actor2 is not None or actor2 is None and actor is not None:
                # an event and a position: only a denial of the event counts
                pos = item if actor is not None else other
                if pos.get("stance") != "denies":
                    continue
            if not _same_thing(ws, ws2):
                continue
            keys1 = {outlet_key((arts.get(s) or {}).get("outlet")) or s for s in item.get("sources") or []}
            keys2 = {outlet_key((arts.get(s) or {}).get("outlet")) or s for s in other.get("sources") or []}
            if actor == actor2 and keys1 == keys2:
                continue                        # one actor, the same outlets: not two accounts
            why = _opposed(item, other)
            if why is None:
                continue
            pair = (item["id"], other["id"])
            if pair in seen:
                continue
            seen.add(pair)
            out.append({"items": list(pair), "kind": why})
    return out


def grade(doc: dict, table: dict[str, str] | None = None) -> dict:
    """Give every position and chronology entry its ``grade`` and list ``contradictions``."""
    table = table or {}
    arts = {a.get("id"): a for a in doc.get("articles") or [] if isinstance(a, dict)}
    found = contradictions(doc, arts)
    contra = {i for c in found for i in c["items"]}
    for a in doc.get("actors") or []:
        for p in a.get("positions") or []:
            if isinstance(p, dict):
                p["grade"] = grade_item(p, arts, table, p.get("id") in contra)
    for e in doc.get("chronology") or []:
        if isinstance(e, dict):
            e["grade"] = grade_item(e, arts, table, e.get("id") in contra)
    doc["contradictions"] = found
    return doc


def validate(doc: dict) -> list[str]:
    """Problems in the grading fields of a briefing/1 document (hand-edited files)."""
    p: list[str] = []

    def check(where, g):
        if not isinstance(g, dict):
            p.append(f"{where}.grade: expected a mapping with reliability (A-F) and credibility (1-6)")
            return
        if g.get("reliability") not in tuple(LETTERS):
            p.append(f"{where}.grade.reliability: expected a letter A to F, got {g.get('reliability')!r}")
        if g.get("credibility") not in CREDIBILITY:
            p.append(f"{where}.grade.credibility: expected 1 to 6, got {g.get('credibility')!r}")
    for i, a in enumerate(doc.get("actors") or []):
        for j, x in enumerate((a.get("positions") or []) if isinstance(a, dict) else []):
            if isinstance(x, dict) and "grade" in x:
                check(f"actors[{i}].positions[{j}]", x["grade"])
    for i, e in enumerate(doc.get("chronology") or []):
        if isinstance(e, dict) and "grade" in e:
            check(f"chronology[{i}]", e["grade"])
    c = doc.get("contradictions", [])
    if not isinstance(c, list) or not all(isinstance(x, dict) and isinstance(x.get("items"), list) for x in c):
        p.append("contradictions: expected a list of {items: [id, id], kind}")
    return p


def legend_view(doc: dict, L, refs) -> dict:
    """The grading page of a layout: the two scales, and each contradiction with both sides."""
    lab = L.labels()
    rtl = L.rtl
    iso = (lambda s: f"\u2068{s}\u2069" if rtl and s else s)
    byid = {}
    for a in doc.get("actors") or []:
        for p in (a.get("positions") or []) if isinstance(a, dict) else []:
            if isinstance(p, dict) and p.get("id"):
                byid[p["id"]] = (a.get("name") or "", p)
    for e in doc.get("chronology") or []:
        if isinstance(e, dict) and e.get("id"):
            byid[e["id"]] = ("", e)
    arts = {a.get("id"): a for a in doc.get("articles") or [] if isinstance(a, dict)}
    out = []
    for c in doc.get("contradictions") or []:
        if not isinstance(c, dict):
            continue
        sides = []
        for i in c.get("items") or []:
            if i not in byid:
                continue
            who, item = byid[i]
            if not who:                         # an event: the outlets that report it
                who = ", ".join(dict.fromkeys(iso((arts.get(s) or {}).get("outlet") or s) for s in item.get("sources") or []))
            g = item.get("grade")
            sides.append({"who": iso(who), "text": item.get("summary") or "", "refs": refs(item.get("sources")),
                          "grade": g.get("code", "") if isinstance(g, dict) else ""})
        if len(sides) == 2:
            out.append({"why": lab.get(f"contra_{c.get('kind')}", lab["contradictions"]), "sides": sides})
    return {"reliability": [{"code": x, "label": lab[f"rel_{x}"]} for x in LETTERS],
            "credibility": [{"code": str(n), "label": lab[f"cred_{n}"]} for n in CREDIBILITY],
            "contradictions": out}
