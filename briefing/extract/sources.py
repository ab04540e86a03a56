"""Source attribution: who an article attributes what to.

Finds "according to X", "X reported", "reported by X", "X, citing Y", "X said/told/confirmed",
"sources familiar with ...", "a U.S. official", "officials said", "X declined to comment",
"state media reported", and gives each cite a kind: outlet, official (a named person or
office), anonymous, other. An article's own outlet never comes from here: bare text has none.
"""
from __future__ import annotations

import re

from ..lazyre import lazy
from dataclasses import dataclass
from functools import lru_cache

from ..text import data_file
from .common import fold

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


_THE = lazy(r"^the\s+")
_POSS = lazy(r"'s$")
_NAME_TOKEN = lazy(r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þa-z][a-zß-öø-ÿ]+)?|[A-Z]\.|al-[A-Z][a-z]+|bin|ben|de|van|von|da|dos|del")


def _okey(s: str) -> str:
    s = fold(s).strip().lower()
    return _THE.sub("", s)


def outlet_name(s: str) -> str | None:
    """The canonical outlet a phrase names, or None."""
    table, suffixes, nots = _outlets()
    k = _okey(s)
    if k in nots:
        return None
    if k in table:
        return table[k]
    words = fold(s).strip().split()
    if 1 < len(words) <= 6 and words[-1] in suffixes and all(w[:1].isupper() or w in ("of", "and", "&") for w in words if w.lower() != "the") \
            and not any(w.endswith(("'s", "’s")) for w in words):
        return re.sub(r"^[Tt]he\s+", "", s.strip())
    return None


_ANON = re.compile(r"\b(?:unnamed|anonymous|unidentified|source|sources|person|people|insiders?|"
                   r"familiar with|speaking on condition|who asked not to be named)\b", re.I)
_OFFICIALS = re.compile(r"\b(?:officials?|diplomats?|aides?|advisers?|advisors?|spokes(?:man|woman|person)|"
                        r"representatives?|envoys?|commanders?|ministers?|lawmakers?|legislators?|"
                        r"negotiators?|military|intelligence|security services)\b", re.I)
_OFFICE = re.compile(r"\b(?:[Oo]ffice|[Mm]inistry|[Gg]overnment|[Pp]residency|[Nn]avy|[Aa]rmy|Department|White House|Kremlin|Pentagon|Government|Cabinet|"
                     r"Embassy|Mission|Council|Agency|Command|Forces|Army|Navy|Presidency|Foreign Office|General Staff|"
                     r"State Department|Defen[cs]e Ministry|Spokesperson|Spokesman|Parliament|Knesset|Senate|Congress)\b")
_MEDIA = re.compile(r"\b(?:state media|state television|state TV|state-run media|state news agency|local media|media reports?)\b", re.I)
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
    pn = person_name(n.split(",")[0])
    if pn and len(pn[0].split()) >= 2 and first not in ("a", "an", "one", "two", "three", "several", "some", "many"):
        return "official"           # "Defence Minister Han Seung-min", "Abdiqani Jama Hirsi, its foreign minister"
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
        core = _POSS.sub("", t)
        if _NAME_TOKEN.fullmatch(core) and core.lower() not in TITLE_WORDS:
            name.insert(0, core)
        else:
            break
    if not (1 <= len(name) <= 4) or not name[-1][:1].isupper():
        return None
    if len(name) == 1 and len(toks) == 1 and not name[0][0].isupper():
        return None
    role_toks = toks[: len(toks) - len(name)]
    # "Ambassador to Japan Richard Coleman": the role's object is not part of the name
    while role_toks and role_toks[-1].lower() in ("to", "of", "for", "in", "at", "on", "from") and len(name) > 1:
        role_toks = role_toks + [name.pop(0)]
    if name[-1] in _INSTITUTION_WORDS or name[-1] in _WEEKDAY_MONTH or name[0] in _WEEKDAY_MONTH:
        return None                  # "The Prime Minister's Office", "Egypt on Monday": not a person
    if role_toks and role_toks[-1].lower() in ("on", "in", "at", "by", "and", "the", "of", "to", "for", "from"):
        return None
    role = " ".join(role_toks).strip() or None
    return " ".join(name), role


_INSTITUTION_WORDS = set("Office Ministry Department Affairs Bureau Council Agency Studies Centre Center Service Forces "
                         "Command Staff Government Commission Committee Assembly Parliament Court Bank Union Institute "
                         "Organisation Organization Association Federation Party Army Navy Police Guard Embassy "
                         "Mission Secretariat Presidency Cabinet Times Post News".split())
_WEEKDAY_MONTH = set("Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June "
                     "July August September October November December".split())
_CLAUSE_IN_NAME = re.compile(r"[\"“”]|\b(?:is|are|was|were|has|have|had|says|said|told|stood|threatens|would|will|"
                             r"could|should|that|come|came|keep|to keep)\b|\.$|^(?:to|it|in|on|at|by|for|with|"
                             r"discussions?|having|this|that|these|those)\b", re.I)


def sane_name(name: str) -> bool:
    """A cite name is a name or a description of a source, never a clause or a date."""
    n = name.strip()
    if not n or len(n.split()) > 12 or _CLAUSE_IN_NAME.search(n) and not re.match(r"^(?:a|an|the|two|three|several|some)\b", n, re.I):
        return False
    if n.split()[-1] in _WEEKDAY_MONTH or n in _WEEKDAY_MONTH:
        return False
    if re.search(r"\b(?:is|are|was|were|has|had|says|said|stood|threatens|would|will)\b", n):
        return False
    return True


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

_SAYS = re.compile(r"\b(?:" + _SAY_STRICT + r"|believe|believes)\b", re.I)
# (cheap test a sentence must pass, pattern): most sentences attribute nothing, and the
# prefilter keeps them from paying for the expensive patterns
_PATTERNS = [
    (re.compile(r"ccording to"), re.compile(r"\b[Aa]ccording to (?:estimates (?:from|by) |a report (?:by|from|in) |reports? (?:by|from|in) |sources cited by )?(?P<x>[^,;]+?)" + _END)),
    (re.compile(r"[Cc]it(?:ing|ed)"), re.compile(r"\b(?:[Cc]iting|which cited|who cited|sources cited by)\s+(?P<x>[^,;]+?)" + _END)),
    (re.compile(r" by "), re.compile(r"\b(?:reported|cited|confirmed|revealed|published|quoted|first reported|broken)\s+by\s+(?P<x>[^,;]+?)" + _END)),
    (_SAYS, re.compile(_NP + r",?\s+(?:has |have |had )?(?:also |previously |first |publicly |earlier |reportedly )?(?:" + _SAY_STRICT + r")\b")),
    (_SAYS, re.compile(_LOWER_NP + r",?\s+(?:have |has |had )?(?:also )?(?:" + _SAY_STRICT + r"|believe|believes)\b", re.I)),
    (re.compile(r"to comment"), re.compile(r"(?P<x>(?:[Tt]he |[Aa]n? )?[A-Z][\w.'-]{0,40}(?:\s+(?:of|the|[A-Z][\w.'-]{0,40})){0,7})\s+(?:declined|refused) to comment")),
    (re.compile(r"(?:directed|referred) (?:inquiries|questions|requests|reporters)"), re.compile(r"(?P<x>(?:[Tt]he |[Aa]n? )?[A-Z][\w.'-]{0,40}(?:\s+(?:of|the|[A-Z][\w.'-]{0,40})){0,7})\s+(?:directed|referred) (?:inquiries|questions|requests|reporters)")),
    (re.compile(r"familiar with"), re.compile(r"(?P<x>(?:(?:two|three|four|several|some|other|multiple|many)\s+)*(?:sources|people|persons|officials) familiar with (?:the |his |her |their )?\w+)", re.I)),
    (re.compile(r"(?:citing|quoting)"), re.compile(_NP + r",\s*(?:citing|quoting)\s+[^,]+,\s+(?:has |have )?(?:" + _SAY_STRICT + r")\b")),
    (re.compile(r", (?:stating|saying|adding|noting|arguing|warning|insisting|claiming|telling)\b"), re.compile(_NP + r"[^,;]{0,100}?,\s+(?:stating|saying|adding|noting|arguing|warning|insisting|claiming|telling)\b")),
    (re.compile(r"[Ss]tate"), re.compile(r"(?P<x>\b(?:state media|state television|state TV|state-run media|state news agency))\s+(?:reported|said|says|quoted)", re.I)),
]

_SKIP = re.compile(r"^(?:the |a |an )?(?:report|reports|reporting|media|the sources.*|sources cited.*|the|a|an|"
                   r"the sources|sources cited|estimates|this|that|it|he|she|they|we|i)$", re.I)


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


PRIMED_MAX = 200_000     # sentences remembered at once (a large set is read article after article)


def prime_article(article) -> None:
    """Remember an article's attributions found by the analysis (``sentence_cites``), for its
    sentences read again by the merge; the article then no longer holds them."""
    found = getattr(article, "sentence_cites", None)
    if found is None:
        return
    if len(_PRIMED) > PRIMED_MAX:
        _PRIMED.clear()
    found = dict(found)              # a mapping, or its (index, cites) pairs packed
    for s in article.sentences:
        _PRIMED[s.text] = found.get(s.index, ())
    article.sentence_cites = None


def cites_in(sentence: str, index: int) -> list[Cite]:
    """The attributions one sentence makes."""
    found = _PRIMED.get(sentence)
    if found is None:
        found = _cites(sentence)
    return [Cite(c.name, c.kind, index, c.role) for c in found]


def sentence_cites(sentences) -> dict[int, tuple]:
    return {s.index: _cites(s.text) for s in sentences if _cites(s.text)}


@lru_cache(maxsize=8192)
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


def _cite_from(att) -> Cite | None:
    """A cite from one attribution of the shared finder: name, kind, role, medium."""
    name = att.speaker
    if att.frame in ("dateline", "told") or att.kind == "outlet":
        o = outlet_name(name) or _outlet_in_phrase(name)
        if o:
            named = outlets_named(name)
            return Cite(named[0][0] if named else _as_written(name, o), "outlet", att.sentence)
        if att.frame in ("dateline", "told"):
            return None
    o = _outlet_in_phrase(name)
    if o:
        named = outlets_named(name)
        return Cite(named[0][0] if named else _as_written(name, o), "outlet", att.sentence)
    if att.resolved_from:
        return None          # "he said", "the official added": the named speaker is already cited
    if att.person and att.kind == "official":
        return Cite(att.person, "official", att.sentence, role=att.role)
    c = _make(_clean(name), att.sentence)
    if c is None:
        return None
    if att.person and c.kind == "official":
        c = Cite(att.person, "official", att.sentence, role=att.role or c.role)
    return c


def _as_written(phrase: str, canonical: str) -> str:
    """The outlet as the article names it ("AFP", "KCNA"), the canonical name when the phrase is longer."""
    p = re.sub(r"^(?:the|The)\s+", "", fold(phrase).strip())
    if outlet_name(p) == canonical and len(p.split()) <= 5:
        return p
    for w in reversed(range(1, 6)):
        tail = " ".join(p.split()[-w:])
        if outlet_name(tail) == canonical:
            return re.sub(r"^(?:the|The)\s+", "", tail)
    return canonical


def canonical_outlet(name: str) -> str:
    return (outlet_name(name) or name).lower()


_DESC = (r"(?:(?:state|state-run|state-owned|official|public|private|national|local|independent|regional|"
         r"pan-Arab|online|daily|weekly|[A-Z][a-z]+(?:an|ian|ese|ish|i|ic|ch))[\s-]+){0,3}"
         r"(?:news agency|press agency|news service|wire service|agency|broadcaster|television(?: channel| station| network)?|"
         r"TV(?: channel| station)?|radio(?: station)?|newspaper|daily|weekly|tabloid|news outlet|news site|news website|"
         r"outlet|channel|network)")
_CAPSEQ = r"(?P<n>[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|de|del|di|da|al|el|en|of)){0,4})"
_OUTLET_FRAMES = [
    # "state news agency KCNA", "the Ecuadorean broadcaster Ecuavisa", "newspaper El Comercio"
    re.compile(r"(?<![\w-])" + _DESC + r"\s+" + _CAPSEQ),
    # "Yonhap news agency", "Turkey's state-run Anadolu news agency", "Somali National Television"
    re.compile(_CAPSEQ + r"\s+(?:(?:state|official)\s+)?(?:news agency|news service|press agency|television|TV|radio|broadcaster|newspaper)\b"),
    # "KCNA, the North's state news agency"
    re.compile(_CAPSEQ + r",\s+(?:the|a|an)\s+(?:[\w'’-]+\s+){0,4}?" + _DESC + r"\b"),
]
_NOT_OUTLET_NAME = re.compile(r"^(?:The|A|An|In|On|At|By|For|From|With|And|But|State|Its|His|Her|Their|This|That|"
                              r"According|Citing|Reuters said)$")


_PRE_DESC = re.compile(r"agency|broadcaster|television|\bTV\b|radio|newspaper|daily|weekly|tabloid|outlet|channel|"
                       r"network|news service|wire service|news site|website", re.I)


def outlets_named(text: str) -> list[tuple[str, str]]:
    """Outlets a sentence names as such: (as written, canonical). Known outlets by name, and
    unknown ones when a descriptor says what they are ("state news agency X", "X news agency")."""
    t = fold(text)
    out = []
    if not _PRE_DESC.search(t):
        return out
    for rx in _OUTLET_FRAMES:
        for m in rx.finditer(t):
            n = re.sub(r"^(?:the|The)\s+", "", m.group("n")).strip(" .,'’")
            n = re.sub(r"(?:'s|’s)$", "", n)
            if not n or _NOT_OUTLET_NAME.match(n):
                continue
            words = n.split()
            # the longest known outlet inside, else the name as written
            known = None
            spans = [" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]
            spans = [x for x in spans if outlet_name(x) and not (len(x.split()) == 1 and x.lower() in _GEO)]
            if spans:
                # the shortest name that is the outlet's ("Yonhap" in "Yonhap news agency")
                known = min(spans, key=lambda x: (len(x.split()), -len(x)))
            if known:
                out.append((known, outlet_name(known)))
            elif len(words) <= 4 and not any(w.lower() in _GEO for w in words) and \
                    not (len(words) == 1 and re.search(r"(?:an|ian|ese|ish|i|ic|ch)$", n)):
                out.append((n, n))
    seen, res = set(), []
    for w, c in out:
        if c.lower() not in seen:
            seen.add(c.lower())
            res.append((w, c))
    return res


_GEO = {"north", "south", "east", "west", "ministry", "government", "president", "minister", "army", "navy"}


def _outlet_in_phrase(x: str) -> str | None:
    """"state news agency Andina", "a BBC report", "the Reuters news agency": the outlet inside."""
    x = fold(x)
    if outlet_name(x):
        return outlet_name(x)
    named = outlets_named(x)
    if named:
        return named[0][1]
    m = re.match(r"^(?:(?:a|an|the)\s+)?(?P<n>[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,3})\s+(?:report|reports|reporting|"
                 r"investigation|broadcast|interview|analysis|story|dispatch)\b", x)
    if m and outlet_name(m.group("n")):
        return outlet_name(m.group("n"))
    return None


def article_cites(sentences) -> list[dict]:
    """Distinct cites of an article: name, kind, role, medium, and the sentences citing them.
    Read from the shared attribution finder (``attribution.py``) and the frames only sources
    use ("declined to comment", "directed inquiries")."""
    from .attribution import analyse
    sentences = list(sentences)
    by: dict[tuple[str, str], dict] = {}

    def add(c: Cite, medium: str | None = None):
        key = (canonical_outlet(c.name) if c.kind == "outlet" else re.sub(r"^(?:the|a|an) ", "", c.name.lower()), c.kind)
        e = by.setdefault(key, {"name": c.name, "kind": c.kind, "role": c.role, "sentences": []})
        if c.role and not e.get("role"):
            e["role"] = c.role
        if medium and not e.get("medium"):
            e["medium"] = medium
        if c.sentence not in e["sentences"]:
            e["sentences"].append(c.sentence)

    for att in analyse(sentences):
        c = _cite_from(att)
        if c is not None:
            add(c, att.medium)
            if att.frame == "dateline" and c.kind == "outlet":
                # a wire credit ("LIMA, May 3 (Reuters) -", "(Xinhua) --"): the article carries that report
                key = (canonical_outlet(c.name), "outlet")
                by[key]["relayed"] = True
        if att.via and outlet_name(att.via):
            add(Cite(att.via, "outlet", att.sentence), "interview" if att.medium == "interview" else None)
    for s in sentences:
        for written, canonical in outlets_named(s.text):
            add(Cite(written, "outlet", s.index))
        for c in cites_in(s.text, s.index):
            if c.kind == "outlet" or not any(c.name.lower() in e["name"].lower() or e["name"].lower() in c.name.lower()
                                             for e in by.values()):
                add(c)
    # a one-word "name" counts only as the short form of a fuller name in the same article
    multi = [e for e in by.values() if e["kind"] == "official" and " " in e["name"]]
    for key, e in list(by.items()):
        if e["kind"] == "official" and " " not in e["name"] and not _OFFICE.search(e["name"]) and \
                any(e["name"] in (m["name"].split()[-1], m["name"].split()[0]) for m in multi):
            del by[key]
            for m in multi:
                if e["name"] in (m["name"].split()[-1], m["name"].split()[0]):
                    m["sentences"] = sorted(set(m["sentences"]) | set(e["sentences"]))
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
    keep = [e for e in keep if sane_name(e["name"]) and (not e.get("role") or sane_name(e["role"]))]
    keep.sort(key=lambda e: (min(e["sentences"]) if e["sentences"] else 0, e["name"]))
    return keep
