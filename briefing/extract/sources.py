"""Source attribution: who an article attributes what to.

Finds "according to X", "X reported", "reported by X", "X, citing Y", "X said/told/confirmed",
"sources familiar with ...", "a U.S. official", "officials said", "X declined to comment",
"state media reported", and gives each cite a kind: outlet, official (a named person or
office), anonymous, other. An article's own outlet never comes from here: bare text has none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import data_file
from .common import fold
from ..lazyre import lazy

KINDS = ("outlet", "official", "anonymous", "other")


@dataclass
class Cite:
    name: str
    kind: str
    sentence: int          # index of the sentence it was found in
    role: str | None = None


@lru_cache(maxsize=1)
def _outlets():
    d = data_file("outlets.yaml")
    table = {}
    for o in d["outlets"]:
        for n in [o["name"], *(o.get("aliases") or [])]:
            table[_okey(n)] = o["name"]
    return table, set(d["suffixes"]), {_okey(x) for x in d["not_outlets"]}


def _okey(s: str) -> str:
    s = fold(s).strip().lower()
    return re.sub(r"^the\s+", "", s)


def outlet_name(s: str) -> str | None:
    """The canonical outlet a phrase names, or None."""
    table, suffixes, nots = _outlets()
    k = _okey(s)
    if k in nots:
        return None
    if k in table:
        return table[k]
    words = fold(s).strip().split()
    if 1 < len(words) <= 6 and words[-1] in suffixes and all(w[:1].isupper() or w in ("of", "and", "&") for w in words if w.lower() != "the"):
        return re.sub(r"^[Tt]he\s+", "", s.strip())
    return None


_ANON = lazy(r"\b(?:unnamed|anonymous|unidentified|source|sources|person|people|insiders?|"
                   r"familiar with|speaking on condition|who asked not to be named)\b", re.I)
_OFFICIALS = lazy(r"\b(?:officials?|diplomats?|aides?|advisers?|advisors?|spokes(?:man|woman|person)|"
                        r"representatives?|envoys?|commanders?|ministers?|lawmakers?|legislators?|"
                        r"negotiators?|military|intelligence|security services)\b", re.I)
_OFFICE = lazy(r"\b(?:[Oo]ffice|[Mm]inistry|[Gg]overnment|[Pp]residency|[Nn]avy|[Aa]rmy|Department|White House|Kremlin|Pentagon|Government|Cabinet|"
                     r"Embassy|Mission|Council|Agency|Command|Forces|Army|Navy|Presidency|Foreign Office|General Staff|"
                     r"State Department|Defen[cs]e Ministry|Spokesperson|Spokesman|Parliament|Knesset|Senate|Congress)\b")
_MEDIA = lazy(r"\b(?:state media|state television|state TV|state-run media|state news agency|local media|media reports?)\b", re.I)
TITLE_WORDS = {
    "president", "prime", "minister", "secretary", "of", "state", "foreign", "defense", "defence", "general",
    "gen.", "chief", "staff", "commander", "spokesperson", "spokesman", "spokeswoman", "ambassador", "senator",
    "sen.", "rep.", "representative", "envoy", "special", "deputy", "vice", "former", "leader", "supreme",
    "head", "director", "adviser", "advisor", "national", "security", "the", "central", "command", "army",
    "navy", "air", "force", "lt.", "col.", "adm.", "admiral", "king", "crown", "prince", "emir", "sheikh",
    "mr.", "mrs.", "ms.", "dr.", "u.s.", "us", "un", "u.n.", "eu", "nato", "interior", "finance", "treasury",
    "attorney", "justice", "secretary-general", "un", "kremlin", "white", "house", "speaker", "member", "mp", "opposition", "governor", "mayor", "officer", "official",
}


def classify(name: str) -> str:
    n = fold(name).strip()
    if outlet_name(n):
        return "outlet"
    if _MEDIA.search(n):
        return "other"
    if _ANON.search(n):
        return "anonymous"
    first = n.split()[0].lower() if n.split() else ""
    if _OFFICE.search(n) and first not in ("a", "an", "one", "two", "three", "several", "some", "many", "other"):
        return "official"
    if _OFFICIALS.search(n) and (first in ("a", "an", "one", "two", "three", "four", "several", "some", "many",
                                           "other", "senior", "former", "unnamed", "u.s.", "us") or
                                 not re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+$", n)):
        return "anonymous"
    if _OFFICE.search(n):
        return "official"
    if person_name(n):
        return "official"
    return "other"


def person_name(phrase: str) -> tuple[str, str | None] | None:
    """("Marco Rubio", "U.S. Secretary of State") from "U.S. Secretary of State Marco Rubio"."""
    toks = fold(phrase).strip().rstrip(",").split()
    name: list[str] = []
    for t in reversed(toks):
        core = re.sub(r"'s$", "", t)
        if re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.|al-[A-Z][a-z]+|bin|ben|de|van|von", core) and core.lower() not in TITLE_WORDS:
            name.insert(0, core)
        else:
            break
    if not (1 <= len(name) <= 4) or not name[-1][:1].isupper():
        return None
    if len(name) == 1 and len(toks) == 1 and not name[0][0].isupper():
        return None
    role = " ".join(toks[: len(toks) - len(name)]).strip() or None
    return " ".join(name), role


_SAY_STRICT = ("said|says|told|tells|claimed|confirmed|reported|revealed|noted|stated|announced|wrote|"
               "added|cautioned|warned|stressed|insisted|argued|acknowledged|indicated|suggested|explained|"
               "alleged|asserted|emphasized|emphasised|urged|disclosed|maintained|admitted|denied|declared")
_ROLE_LEAD = ("spokesman|spokeswoman|spokesperson|minister|secretary|envoy|ambassador|president|chief|adviser|"
              "advisor|commander|official|negotiator|leader|director|head")
_AFTER_ROLE = "|".join(f"(?<={w} )" for w in _ROLE_LEAD.split("|"))
_NP = r"(?:^|(?<=, )|(?<=; )|" + _AFTER_ROLE + r")(?P<x>(?:[Tt]he |[Aa]n? )?[A-Z][\w.'&-]{0,40}(?:\s+(?:of|and|the|for|on|al|bin|[A-Z][\w.'&-]{0,40})){0,7})"
_LOWER_NP = (r"(?P<x>(?:(?:a|an|one|two|three|four|several|some|many|other|senior|former|unnamed|anonymous|"
             r"current|U\.S\.|US|[A-Z][a-z]+(?:an|i|ish|ese))\s+){0,5}"
             r"(?:[A-Z][\w.-]*(?:'s)?\s+)?(?:foreign |defen[cs]e |interior |finance )?"
             r"(?:officials?|sources?|diplomats?|aides?|people|persons?|insiders?|ministry|government|"
             r"spokes(?:man|woman|person)|presidency|military|army|navy|police|office)"
             r"(?:\s+(?:familiar with (?:the |his |her |their )?\w+|in [A-Z][\w-]+))?)")
_END = r"(?=,|;|\.?[\"']?$| which | who | that | as | on )"

_SAYS = lazy(r"\b(?:" + _SAY_STRICT + r"|believe|believes)\b", re.I)
# (cheap test a sentence must pass, pattern): most sentences attribute nothing, and the
# prefilter keeps them from paying for the expensive patterns
_PATTERNS = [
    (lazy(r"ccording to"), lazy(r"\b[Aa]ccording to (?:estimates (?:from|by) |a report (?:by|from|in) |reports? (?:by|from|in) |sources cited by )?(?P<x>[^,;]+?)" + _END)),
    (lazy(r"[Cc]it(?:ing|ed)"), lazy(r"\b(?:[Cc]iting|which cited|who cited|sources cited by)\s+(?P<x>[^,;]+?)" + _END)),
    (lazy(r" by "), lazy(r"\b(?:reported|cited|confirmed|revealed|published|quoted|first reported|broken)\s+by\s+(?P<x>[^,;]+?)" + _END)),
    (_SAYS, lazy(_NP + r",?\s+(?:has |have |had )?(?:also |previously |first |publicly |earlier |reportedly )?(?:" + _SAY_STRICT + r")\b")),
    (_SAYS, lazy(_LOWER_NP + r",?\s+(?:have |has |had )?(?:also )?(?:" + _SAY_STRICT + r"|believe|believes)\b", re.I)),
    (lazy(r"to comment"), lazy(r"(?P<x>(?:[Tt]he |[Aa]n? )?[A-Z][\w.'-]{0,40}(?:\s+(?:of|the|[A-Z][\w.'-]{0,40})){0,7})\s+(?:declined|refused) to comment")),
    (lazy(r"(?:directed|referred) (?:inquiries|questions|requests|reporters)"), lazy(r"(?P<x>(?:[Tt]he |[Aa]n? )?[A-Z][\w.'-]{0,40}(?:\s+(?:of|the|[A-Z][\w.'-]{0,40})){0,7})\s+(?:directed|referred) (?:inquiries|questions|requests|reporters)")),
    (lazy(r"familiar with"), lazy(r"(?P<x>(?:(?:two|three|four|several|some|other|multiple|many)\s+)*(?:sources|people|persons|officials) familiar with (?:the |his |her |their )?\w+)", re.I)),
    (lazy(r"(?:citing|quoting)"), lazy(_NP + r",\s*(?:citing|quoting)\s+[^,]+,\s+(?:has |have )?(?:" + _SAY_STRICT + r")\b")),
    (lazy(r", (?:stating|saying|adding|noting|arguing|warning|insisting|claiming|telling)\b"), lazy(_NP + r"[^,;]{0,100}?,\s+(?:stating|saying|adding|noting|arguing|warning|insisting|claiming|telling)\b")),
    (lazy(r"[Ss]tate"), lazy(r"(?P<x>\b(?:state media|state television|state TV|state-run media|state news agency))\s+(?:reported|said|says|quoted)", re.I)),
]

_SKIP = lazy(r"^(?:the |a |an )?(?:report|reports|reporting|media|analysts?|experts?|critics?|the sources.*|sources cited.*|the|a|an|"
                   r"observers?|the sources|sources cited|estimates|this|that|it|he|she|they|we|i|"
                   r"some analysts|political analysts|diplomats)$", re.I)


def _clean(x: str) -> str:
    x = fold(x).strip(" ,;:.\"'")
    x = re.sub(r"^(?:(?:both|and|but|while|as|yet|still|however|meanwhile|if|when|whether|although|though|because|since|after|before|unless|in response|in a broader context)\s+)+", "", x, flags=re.I)
    return x.strip()


def _split_and(x: str) -> list[str]:
    """'a U.S. official and two other sources familiar with X' -> both, when each side stands alone."""
    parts = re.split(r"\s+and\s+(?=(?:a|an|one|two|three|several|some|other|the)\b)", x)
    return [p.strip() for p in parts if p.strip()]


_PRIMED: dict[str, tuple] = {}


def prime(sentence: str, cites: tuple) -> None:
    """Remember a sentence's attributions found earlier (in a worker, or a cached run)."""
    _PRIMED[sentence] = cites


def cites_in(sentence: str, index: int) -> list[Cite]:
    """The attributions one sentence makes."""
    found = _PRIMED.get(sentence)
    if found is None:
        found = _cites(sentence)
    return [Cite(c.name, c.kind, index, c.role) for c in found]


def sentence_cites(sentences) -> dict[int, tuple]:
    return {s.index: _cites(s.text) for s in sentences if _cites(s.text)}


@lru_cache(maxsize=65536)
def _cites(sentence: str) -> tuple[Cite, ...]:
    s = fold(sentence)
    out: list[Cite] = []
    for pre, rx in _PATTERNS:
        if not pre.search(s):
            continue
        for m in rx.finditer(s):
            for part in _split_and(_clean(m.group("x"))):
                c = _make(part, 0)
                if c:
                    out.append(c)
    return tuple(out)


def _make(x: str, index: int) -> Cite | None:
    if not x or len(x) > 90 or _SKIP.match(x):
        return None
    words = x.split()
    if len(words) > 12:
        return None
    kind = classify(x)
    if kind == "outlet":
        return Cite(outlet_name(x) or x, "outlet", index)
    if kind == "official":
        pn = person_name(x)
        if pn and not _OFFICE.search(x):
            return Cite(pn[0], "official", index, role=pn[1])
        return Cite(re.sub(r"^[Tt]he\s+", "", x), "official", index)
    if kind == "other" and not _MEDIA.search(x):
        # a bare capitalised word that is neither outlet, office nor person: only from
        # strong frames, and not sentence-initial pronoun-like words
        if len(words) == 1 and not x[:1].isupper():
            return None
        if not any(w[:1].isupper() for w in words):
            return None
    return Cite(x, kind, index)


def article_cites(sentences) -> list[dict]:
    """Distinct cites of an article: name, kind, role, and the sentences citing them."""
    by: dict[tuple[str, str], dict] = {}
    for s in sentences:
        for c in cites_in(s.text, s.index):
            key = (re.sub(r"^(?:the|a|an) ", "", c.name.lower()), c.kind)
            e = by.setdefault(key, {"name": c.name, "kind": c.kind, "role": c.role, "sentences": []})
            if c.sentence not in e["sentences"]:
                e["sentences"].append(c.sentence)
    # a one-word "name" counts only as the short form of a fuller name in the same article
    multi = [e for e in by.values() if e["kind"] == "official" and " " in e["name"]]
    for key, e in list(by.items()):
        if e["kind"] == "official" and " " not in e["name"] and not _OFFICE.search(e["name"]) and \
                not any(m["name"].split()[-1] == e["name"] for m in multi):
            del by[key]
    # drop a name that is part of a longer one of the same kind ("Rubio" within "Marco Rubio")
    names = list(by.values())
    keep = []
    for e in names:
        if any(o is not e and o["kind"] == e["kind"] and e["name"].lower() in o["name"].lower().split()
               and len(o["name"]) > len(e["name"]) for o in names):
            for o in names:
                if o is not e and e["name"].lower() in o["name"].lower().split():
                    o["sentences"] = sorted(set(o["sentences"]) | set(e["sentences"]))
            continue
        keep.append(e)
    return keep
