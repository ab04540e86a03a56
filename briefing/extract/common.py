"""Clause helpers shared by the extractors: attribution frames, leading adverbials, subjects.

These are rules of news English, not of any story: what a sentence's main clause is, where
its subject ends, which words are reporting verbs.
"""
from __future__ import annotations

import re
from functools import lru_cache
from ..lazyre import lazy

# straight quotes, same length: spans found in the folded text are valid in the original
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2011": "-",
                       "\u2010": "-", "\u2013": "-", "\u00a0": " "})


def fold(s: str) -> str:
    # every character folded is outside ASCII: an ASCII string (most of them) is already folded
    return s if s.isascii() else s.translate(_FOLD)


AUX = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "may", "might", "could",
       "can", "should", "must", "did", "does", "do", "shall", "be", "been"}

SAY = ("said|says|say|told|tells|tell|claimed|claims|claim|confirmed|confirms|confirm|reported|reports|report|"
       "revealed|reveals|noted|notes|stated|states|announced|announces|wrote|writes|added|adds|cautioned|"
       "cautions|warned|warns|stressed|stresses|insisted|insists|argued|argues|acknowledged|acknowledges|"
       "indicated|indicates|suggested|suggests|explained|explains|alleged|alleges|asserted|asserts|"
       "emphasized|emphasised|emphasizes|emphasises|urged|urges|believes|believe|believed|disclosed|"
       "maintained|maintains|admitted|admits|denied|denies|estimated|estimates|predicted|predicts|"
       "declared|declares|described|describes|agreed|agrees|promised|promises|pledged|pledges|vowed|vows")

STANCE = set(SAY.split("|")) | {
    "wants", "want", "wanted", "seeks", "seek", "sought", "called", "calls", "call", "demanded", "demands",
    "refused", "refuses", "rejected", "rejects", "supported", "supports", "backed", "backs", "opposed",
    "opposes", "condemned", "condemns", "welcomed", "welcomes", "threatened", "threatens", "launched",
    "launches", "met", "meets", "plans", "planned", "intends", "voiced", "raised", "raises", "expressed",
    "expresses", "presented", "presents", "responded", "responds", "alerted", "alerts", "continues",
    "continued", "travels", "traveled", "travelled", "visited", "visits", "struck", "strikes", "attacked",
    "attacks", "deployed", "deploys", "boosted", "offered", "offers", "proposed", "proposes", "signed",
    "signs", "approved", "approves", "ordered", "orders", "hinted", "signaled", "signalled", "signals",
    "engaged", "stepped", "explored", "discussed", "discusses", "persuading", "preparing", "seeking",
    "reaffirmed", "reaffirms", "appealed", "appeals", "fought", "killed", "hit", "fired", "advocated",
    "pushed", "make", "makes", "made", "insisting", "agreed", "authorize", "authorized", "aims", "aimed",
    "hopes", "hoped", "fears", "feared", "worries", "worried", "view", "views", "viewed", "pointed",
    "reiterated", "reiterates", "praised", "praises", "criticized", "criticised", "criticizes",
    "speculated", "suspended", "resumed", "recalled", "imposed", "lifted", "sanctioned", "stemmed",
    "stems", "declined", "declines", "began", "begun", "begins", "held", "holds", "went", "came", "took", "takes",
    "gave", "gives", "sent", "sends", "left", "kept", "led", "leads", "ran", "brought", "rose", "fell", "won", "lost",
    "broke", "spoke", "shot", "seized", "detained", "arrested", "fired", "killed", "released", "freed", "signed", "underscore", "underscores", "reflect", "reflects", "complicates", "represents", "marks",
    "aligns", "hinges", "raises", "trace", "comes", "remains", "remain", "faces", "tells", "goes",
    "signals", "reveals", "became", "become", "walked", "drew", "drawn", "prompted", "resulted",
}

PREPS = {"of", "for", "in", "on", "between", "with", "about", "to", "against", "from", "over", "toward",
         "towards", "into", "by", "at", "under", "amid", "among", "after", "before", "during", "than",
         "involving", "regarding", "concerning", "despite", "without", "within", "across", "behind"}

COMMENTARY = lazy(
    r"\b(?:analysts?|experts?|critics?|observers?|commentators?|pundits?|scholars?|supporters?|"
    r"media|outlets?|columnists?|editorials?|the world|(?:international )?community|"
    r"some say|many believe|historians?|economists?|think tanks?|polls?)\b", re.I)

EVALUATIVE_PASSIVE = lazy(
    r"\b(?:is|are|was|were|has been|have been|had been|being|be)\s+(?:\w+ly\s+)?"
    r"(?:praised|criticized|criticised|seen|viewed|interpreted|regarded|considered|perceived|described|"
    r"deemed|questioned|scrutinized|scrutinised|tested|judged|characterized|characterised)\b", re.I)

_LEAD_ATTR = lazy(
    r"^(?:According to|As reported by|Citing)\s+[^,]+?(?:,\s*(?:which|who)\s+cited\s+[^,]+)?(?:,\s*citing\s+[^,]+)?,\s+", re.I)
_OUTLET_FRAME = lazy(
    r"^(?P<who>[A-Z][^,]{0,60}?)(?:,\s*citing\s+[^,]+,)?\s+(?:has |have )?(?:also )?(?:reported|claimed|said|reports|says|claims|revealed|wrote)\s+(?:that\s+)?", re.I)
_TRAIL_ATTR = lazy(
    r",\s*(?:according to|as reported by|reported by|citing|(?:[\w.'-]+\s+){0,4}(?:said|reported|confirmed|told \w+))\b"
    r"[^,;]{0,80}(?:,\s*(?:which|who)\s+cited[^,;]{0,60})?(?=[.!?]?[\"'”’]?$)", re.I)
_LEADERS = lazy(
    r"^(?:(?:yet|still|however|meanwhile|moreover|furthermore|additionally|also|in addition|indeed|"
    r"notably|separately|similarly|likewise|instead|domestically|internationally|publicly|privately|"
    r"in particular|for now|for its part|for his part|for her part|on the other hand|in response|"
    r"in turn|at the same time|in a statement|in recent \w+(?: \w+)?|earlier|later|previously|"
    r"so far|overall|thus|therefore|then|now)\s*,\s*)+", re.I)
_SUBORD = lazy(
    r"^(?:in|on|at|during|after|before|since|while|although|though|as|when|despite|following|amid|"
    r"over|with|without|under|by|if|unless|because|given|just|adding|speaking|asked|in the face of|"
    r"according|for|from|within|throughout|until|upon|once|ahead of|in a|in an|in the)\b", re.I)
_HEDGES = lazy(r"\b(?:reportedly|allegedly|apparently|purportedly|reported(?:ly)? to have)\s+", re.I)


@lru_cache(maxsize=8192)
def strip_lead(sentence: str) -> str:
    """Remove leading discourse words, attribution frames ("According to X, ...", "X, citing Y,
    claimed that ...") and leading adverbial phrases ("During the call, ...")."""
    s = sentence.strip()
    for _ in range(4):
        before = s
        s = _LEADERS.sub("", s)
        s = _LEAD_ATTR.sub("", s)
        m = _OUTLET_FRAME.match(s)
        if m and (_looks_like_source(m.group("who")) or re.search(r",\s*citing\b", m.group(0), re.I)):
            s = s[m.end():]
        if _SUBORD.match(s):
            # skip an introductory phrase up to its comma, if a main clause follows
            depth, cut = 0, -1
            for i, ch in enumerate(s):
                if ch in "([":
                    depth += 1
                elif ch in ")]":
                    depth -= 1
                elif ch == "," and depth == 0:
                    cut = i
                    break
            if 0 < cut < len(s) * 0.8 and len(s[cut + 1:].split()) >= 4:
                s = s[cut + 1:].strip()
        if s == before:
            break
    return s[:1].upper() + s[1:] if s else s


def _looks_like_source(who: str) -> bool:
    from .sources import classify  # local: avoid a cycle
    return classify(who) in ("outlet", "anonymous") or bool(re.search(r"\b(?:reports?|sources?)\b", who, re.I))


def strip_trailing_attribution(s: str) -> str:
    return _TRAIL_ATTR.sub("", s)


_MID_ATTR = lazy(r",\s*(?:as\s+)?(?:first\s+)?(?:reported|confirmed|cited|revealed|quoted)\s+by\s+[^,;]{1,60},", re.I)

STRONG = {"told", "tells", "warned", "warns", "urged", "urges", "refused", "refuses", "rejected", "rejects",
          "supported", "supports", "backed", "insisted", "insists", "called", "calls", "demanded", "demands",
          "wants", "plans", "threatened", "threatens", "agreed", "promised", "pledged", "vowed", "launched",
          "announced", "confirmed", "stated", "stressed", "emphasized", "emphasised", "argued", "persuading",
          "preparing", "seeking", "offered", "proposed", "approved", "ordered", "struck", "attacked",
          "deployed", "alerted", "continues", "voiced", "met", "engaged", "stepped", "indicated", "believes"}


def strength(sentence: str) -> int:
    """How much a sentence states a position: a strong verb of stating, wanting or acting
    scores high; a copula or evaluative passive ("has been a subject of") scores low."""
    main = strip_lead(sentence)
    subj, rest = subject_zone(main)
    words = [re.sub(r"[^\w-]", "", w).lower() for w in rest.split()[:5]]
    score = 0
    if any(w in STRONG for w in words):
        score += 2
    if words and words[0] in ("is", "are", "was", "were") or " ".join(words[:2]) in ("has been", "have been"):
        score -= 2 if not any(w in STRONG for w in words) else 0
    if re.search(r"\b(?:according to|citing|reported|said|told)\b", sentence, re.I):
        score += 1
    return score


# words that are verbs or plural nouns: a verb only when what follows looks like an object
AMBIGUOUS = {"states", "reports", "report", "notes", "claims", "claim", "calls", "call", "views", "view",
             "attacks", "strikes", "plans", "fears", "hopes", "worries", "orders", "signs", "offers", "marks",
             "remains", "remain", "trace", "make", "makes", "made", "signals", "demands", "backs", "meets",
             "visits", "threatens", "supports", "welcomes", "warns", "tells", "comes", "goes", "faces",
             "underscore", "reflect", "want", "seek", "say", "tell", "believe"}
_OBJ_START = {"to", "that", "a", "an", "the", "his", "her", "its", "their", "for", "on", "up", "out",
              "back", "this", "these", "those", "any", "no", "all", "it", "them", "him", "us", "with", "of",
              "as", "amid", "after", "under", "from", "in", "at", "clear"}


_NONWORD = lazy(r"[^\w'-]")


@lru_cache(maxsize=8192)
def subject_zone(clause: str) -> tuple[str, str]:
    """Split a clause into (subject, rest) at its first finite verb (a rough, fast rule)."""
    toks = clause.split()
    for i, t in enumerate(toks):
        w = _NONWORD.sub("", fold(t)).lower()
        if i == 0 or not w:
            continue
        if w in AMBIGUOUS and not t.endswith(","):
            nxt = _NONWORD.sub("", fold(toks[i + 1])).lower() if i + 1 < len(toks) else ""
            if nxt not in _OBJ_START and not nxt.endswith("ly"):
                continue
        elif w in AMBIGUOUS:
            continue
        if w in AUX or w in STANCE:
            # "The plan, confirmed by X," : a participle after a comma is not the main verb
            if toks[i - 1].endswith(",") and w.endswith("ed") and i + 1 < len(toks) and toks[i + 1] == "by":
                continue
            return " ".join(toks[:i]), " ".join(toks[i:])
        if w.endswith("ly"):
            continue
        # a past-tense verb after its subject ("Ethiopia and Somalia opened talks"): not after a
        # determiner, a preposition or a comma, not hyphenated, not a participle before "by"
        prev = _NONWORD.sub("", fold(toks[i - 1])).lower()
        if w.endswith("ed") and len(w) > 4 and "-" not in w and not toks[i - 1].endswith(",") and \
                prev not in _DETS and prev not in PREPS and not (i + 1 < len(toks) and toks[i + 1] == "by") and \
                (toks[i - 1][:1].isupper() or prev in ("and", "officials", "ministry", "government", "forces", "troops")):
            return " ".join(toks[:i]), " ".join(toks[i:])
    return clause, ""


_DETS = {"the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "these", "those", "some", "any",
         "two", "three", "several", "many", "most", "no", "every", "each", "so-called"}


# ---- composing a complete, shorter claim (never cut with "…") ----
_CLAUSE_BREAKS = re.compile(r",\s+(?:(?!including\b|concerning\b|regarding\b)[a-z]+ing\b|which|who|whom|whose|as|while|whereas|although|though|even as|amid|after|before|"
                            r"because|since|adding|saying|noting|citing|according|in a|in an|where|when|following|"
                            r"despite|with)\b|;\s+|\s+[—–]\s+|\s+(?:amid|while|whereas)\s+(?=[a-z])")
MAX_CLAIM_WORDS = 25


def compose_claim(text: str, limit: int = MAX_CLAIM_WORDS) -> str:
    """The clause itself when short; else its main part up to a clause boundary: a subordinate
    or relative clause dropped whole, never words cut mid-clause. Quotes stay balanced."""
    t = re.sub(r"\s+", " ", text).strip().rstrip(",;:")
    if len(t.split()) <= limit:
        return t
    best = None
    for m in _CLAUSE_BREAKS.finditer(t):
        head = t[:m.start()].rstrip(",;: ")
        n = len(head.split())
        if n < 5 or not subject_zone(head)[1]:
            continue
        if head.count("“") != head.count("”") or head.count('"') % 2:
            continue
        if n <= limit:
            best = head
        else:
            break
    if best:
        return best
    return t


