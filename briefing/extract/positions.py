"""Claims: what an actor says, demands, warns, pledges, denies, supports, opposes...

A claim has a speaker (the person or body who said it, with role when the text gives it), a
stance from a closed vocabulary (``attribution.STANCES``), the proposition in a complete
clause, the hedge the text puts on it, and the source's own sentence.

Rules of news English, not of any story:

* the speaker comes from the attribution frame (``attribution.py``): "X said ...",
  "“...,” X said", "according to X", a quote continued after its speaker, "he said";
* the speaker stands for an actor when the actor heads the speaker's phrase ("Peru", "Lima",
  "Peru's foreign ministry", "Peruvian officials", "the foreign ministry of Peru", a person
  learnt for the actor) — not when the actor is only its possessor or adjective of a
  non-official noun ("Ethiopia's neighbours", "Peruvian fishermen") or inside a preposition;
* an outlet or anonymous source passes the claim to the subject of what it reports
  ("according to two diplomats, Chile wants ...": Chile's, hedged as anonymous);
* commentary speakers (analysts, experts, residents...) and third parties that are not actors
  make nobody's position: "X and Y agreed to a ceasefire, the mediator announced" is the
  mediator's statement;
* with no frame, an actor heading the main clause's subject states a position only through a
  verb of stance (demands, warns, rejects, wants, plans...); an action ("the navy seized two
  vessels") belongs in the chronology, and a mention is nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Actor
from .attribution import (COMMENTARY_SPEAKER, _CUE_STANCE, _REPORTING_SET, _HEDGE_WORDS, Attribution, analyse, hedge_of,
                          strip_dateline)
from .common import COMMENTARY, EVALUATIVE_PASSIVE, PREPS, fold, strip_lead, subject_zone


@dataclass
class Position:
    actor: str
    article: str
    sentence: int
    quote: str                    # the source's own sentence, verbatim
    summary: str                  # speaker + stance + claim, complete
    speaker: str | None = None
    role: str | None = None
    stance: str = "says"
    claim: str = ""
    hedge: str = "none"
    via: str | None = None        # the outlet or anonymous source the claim comes through


class ActorMatcher:
    """Find actor mentions by alias; case-sensitive for proper nouns, word-bounded."""

    def __init__(self, actors: list[Actor]):
        self.actors = actors
        terms = []
        for a in actors:
            for t in a.terms:
                terms.append((fold(t), a.name))
        terms.sort(key=lambda x: (-len(x[0]), x[0]))
        self._alias = {t: n for t, n in terms}
        alts = "|".join(re.escape(t) for t, _ in terms)
        # aliases may be followed by a possessive or a hyphenated compound ("U.S.-brokered")
        self._rx = re.compile(r"(?<![\w.])(" + alts + r")(?='s\b|(?![\w]))") if terms else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if not self._rx:
            return []
        return [(m.start(), m.end(), self._alias[m.group(1)]) for m in self._rx.finditer(fold(text))]


# nouns through which a state speaks: "Peru's foreign ministry", "Peruvian officials"
OFFICIAL_NOUNS = set("""government governments ministry ministries minister ministers president presidency premier
prime chancellor cabinet officials official spokesperson spokesman spokeswoman spokespeople embassy ambassador
ambassadors envoy envoys delegation delegations delegate delegates negotiator negotiators army navy military
forces force troops coast guard police authorities authority administration leader leaders leadership
parliament senate congress assembly foreign defence defense interior office diplomats diplomat diplomacy
mission representative representatives secretary secretariat council command commander commanders chief chiefs
general staff junta regime state department agency agencies side counterpart king queen emir sheikh sultan
crown prince monarch head heads presidential king's mfa ministerial cabinet's commission""".split())
_TITLES = set("vice deputy acting foreign defence defense interior finance cabinet chief general admiral rear lt gen adm "
              "colonel col major senator sen rep representative ambassador envoy special undersecretary under-secretary "
              "secretary-general state mr mrs ms dr professor prof".split())
# what an actor says through: "Lavrov's comments suggested"
SPEECH_NOUNS = set("comments comment remarks remark statement statements words letter speech message readout "
                   "response reply position stance view views".split())
_SPEECH_VERBS = {"suggested", "suggests", "indicated", "indicates", "signalled", "signaled", "signals", "said", "says",
                 "called", "calls", "urged", "urges", "warned", "warns", "stated", "states", "rejected", "made",
                 "demanded", "demands", "insisted", "affirmed", "stressed"}
# verbs of stance when the actor is the subject (no reporting frame)
_STANCE_DIRECT = dict(_CUE_STANCE)
for _w, _s in {"want": "demands", "wants": "demands", "wanted": "demands", "seek": "demands", "seeks": "demands",
               "sought": "demands", "insist": "says", "plan": "pledges", "plans": "pledges", "planned": "pledges",
               "intend": "pledges", "intends": "pledges", "intended": "pledges", "aim": "pledges", "aims": "pledges",
               "hope": "says", "hopes": "says", "hoped": "says", "fear": "warns", "fears": "warns", "feared": "warns",
               "expect": "says", "expects": "says", "expected": "says", "prefer": "says", "prefers": "says",
               "preferred": "says", "consider": "says", "considers": "says", "considered": "says", "view": "says",
               "views": "says", "viewed": "says", "regard": "says", "regards": "says", "deem": "says", "deems": "says",
               "deemed": "says", "see": "says", "sees": "says", "accept": "agrees", "accepts": "agrees",
               "accepted": "agrees", "recognise": "supports", "recognises": "supports", "recognised": "supports",
               "recognize": "supports", "recognizes": "supports", "recognized": "supports", "thank": "supports",
               "thanked": "supports", "thanks": "supports", "appreciate": "supports", "appreciated": "supports",
               "congratulated": "supports", "assure": "pledges", "assured": "pledges", "assures": "pledges",
               "reassured": "pledges", "inform": "says", "informed": "says", "notify": "says", "notified": "says",
               "alert": "warns", "alerted": "warns", "persuade": "urges", "persuading": "urges", "lobby": "urges",
               "lobbied": "urges", "pushed": "urges", "push": "urges", "pushes": "urges", "pressing": "urges",
               "preparing": "pledges", "seeking": "demands", "calling": "urges", "threatening": "threatens",
               "insisting": "says", "refusing": "refuses", "demanding": "demands", "urging": "urges",
               "warning": "warns", "vowing": "pledges", "rejecting": "rejects", "opposing": "opposes",
               "presented": "says", "present": "says", "presents": "says", "summoned": "protests",
               "summons": "protests", "summon": "protests", "recalled": "protests", "recall": "protests",
               "expelled": "protests", "expels": "protests", "expel": "protests",
               "reaffirmed": "says", "reaffirms": "says", "renewed": "says", "has": None,
               "condemned": "condemns", "welcomed": "supports", "demands": "demands"}.items():
    if _s:
        _STANCE_DIRECT[_w] = _s
# "made clear", "made it clear": stance; other "made" is an action
_SKIP_ADVERB = re.compile(r"^(?:also|again|now|later|earlier|previously|still|repeatedly|publicly|privately|"
                          r"reportedly|allegedly|apparently|formally|officially|firmly|strongly|flatly|swiftly|"
                          r"immediately|quickly|already|long|consistently|has|have|had|is|are|was|were|would|will|"
                          r"could|may|might|did|does|do|not|never|been|being|continued|continues|continue|to|"
                          r"yet|once|further|then|in|turn|for|its|part|his|her|their|own|\w+ly)$", re.I)


_PASSIVE_FUTURE = re.compile(r"^(?:is|are|was|were|had been|has been|have been)\s+(?:\w+ly\s+)?(?:expected|set|scheduled|due|slated|poised|"
                             r"planned|going|about|likely|unlikely|certain|bound)\s+to\b", re.I)
_HEARSAY = re.compile(r"^(?:is|are|was|were)\s+(?:said|believed|reported|understood|thought|alleged|rumou?red)\s+to\s+(?:have\s+)?", re.I)


def _first_verb(rest: str) -> tuple[str | None, int]:
    """The first content verb of a predicate, skipping auxiliaries and adverbs: ('demanded', i)."""
    if _PASSIVE_FUTURE.match(rest):
        return None, -1                 # "is expected to announce": a scheduled event, not a stance
    rest = _HEARSAY.sub("", rest)       # "is said to have demanded": the hedge stays in the quote
    toks = rest.split()
    for i, t in enumerate(toks[:8]):
        w = re.sub(r"[^\w'-]", "", fold(t)).lower()
        if not w:
            continue
        if w in ("outright", "openly", "jointly", "unanimously", "even", "effectively", "quietly", "sharply"):
            continue
        if w in ("made", "make", "makes") and i + 1 < len(toks) and re.match(r"(?:it )?clear", " ".join(toks[i + 1:i + 3]).lower()):
            return "says", i
        if w in ("not", "never") and i + 1 < len(toks) and \
                re.sub(r"\W", "", toks[i + 1].lower()) in ("respond", "responded", "comment", "commented", "say", "said",
                                                           "react", "reacted", "reply", "replied", "confirm", "confirmed"):
            return None, -1           # "did not respond", "would not comment": no stance
        if w == "yet" and i + 1 < len(toks) and toks[i + 1].lower() == "to":
            return None, -1           # "has yet to comment"
        if w == "immediately" and i > 0:
            continue
        if w in ("has", "have", "had") and i + 2 < len(toks) and toks[i + 1].lower() in ("not", "yet", "never") and \
                re.sub(r"\W", "", toks[i + 2].lower()) in ("yet", "responded", "commented", "said", "reacted", "replied"):
            return None, -1           # "has not yet responded": no stance
        if w in ("is", "are", "was", "were", "be") and i + 2 < len(toks) and \
                re.match(r"(?:ready|willing|prepared|determined|open|committed|opposed|against|keen|eager|unwilling|reluctant)\b",
                         toks[i + 1].lower()):
            return ("opposes" if toks[i + 1].lower().startswith(("opposed", "against", "unwilling", "reluctant")) else "pledges"), i
        if _SKIP_ADVERB.match(w) and w not in _STANCE_DIRECT:
            continue
        return w, i
    return None, -1


def _verb_stance(rest: str) -> str | None:
    v, _ = _first_verb(rest)
    if v is None:
        return None
    if v in STANCE_NAMES:
        return v
    return _STANCE_DIRECT.get(v)


from .attribution import STANCES as _ST  # noqa: E402
STANCE_NAMES = set(_ST)


class Resolver:
    """Which actor a speaker's phrase or a clause's subject stands for."""

    def __init__(self, matcher: ActorMatcher):
        self.m = matcher

    def actors(self, phrase: str, subject: bool = False) -> list[str]:
        out: list[str] = []
        p = fold(phrase)
        for s, e, name in self.m.find(p):
            before = p[:s].lower().split()
            after = p[e:]
            if before and not after.strip(" ,.") and len(p[s:e].split()) >= 2 and name not in out:
                out.append(name)          # a named person at the head of the phrase
                continue
            pi = max((i for i, w in enumerate(before) if w.strip(",") in PREPS), default=-1)
            if pi >= 0:
                # "the foreign ministry of Norway", "officials from both the U.S. and Israel": an
                # official head before the preposition; else the actor sits in a prepositional phrase
                head = [w.strip(",").lower().removesuffix("'s") for w in before[:pi]][-6:]
                between = before[pi + 1:]
                if not (before[pi].strip(",") in ("of", "for", "in", "from", "at") and
                        any(w in OFFICIAL_NOUNS or w in SPEECH_NOUNS for w in head) and
                        all(w.strip(",") in ("the", "both", "and", "its", "a") or w[:1].isupper() or
                            (w.strip(",") in PREPS or w in OFFICIAL_NOUNS) for w in between)):
                    continue
            toks_before = p[:s].split()
            prev_tok = toks_before[-1] if len(toks_before) >= 2 else ""
            if prev_tok[:1].isupper() and prev_tok not in ("The", "the") and prev_tok.lower().strip(".") not in OFFICIAL_NOUNS \
                    and prev_tok.lower().strip(".") not in _TITLES and not prev_tok.endswith((",", ".")) and \
                    not re.match(r"(?:'s|’s)?\s*(?:" + "|".join(sorted(OFFICIAL_NOUNS)) + r")\b", after, re.I):
                continue           # "The Northern Chile Industrial Fishing Association": a name, not the state
            nxt = re.match(r"(?:'s|’s)?\s*((?:[\w.-]+\s*){0,4})", after)
            words = [w.lower().strip(".,") for w in (nxt.group(1).split() if nxt else [])]
            possessive = after.startswith(("'s", "’s"))
            demonym = p[s:e][:1].isupper() and re.search(r"(?:an|ian|ese|ish|i|ic|ch)$", p[s:e]) and words and \
                not after.startswith((",", " and ", " said", " says"))
            if (possessive or demonym) and words:
                # "Peru's foreign ministry" speaks for Peru; "Ethiopia's neighbours" do not
                rest_words = words[:4]
                if not any(w in OFFICIAL_NOUNS or w in SPEECH_NOUNS for w in rest_words) and not (nxt.group(1)[:1].isupper() and not demonym):
                    if demonym and nxt.group(1)[:1].isupper():
                        pass      # "Peruvian Foreign Minister Ana Silva"
                    else:
                        continue
            if name not in out:
                out.append(name)
        return out


_PRONOUN = re.compile(r"^(?:he|she|his|her|it|they)\b", re.I)
_COPULA_NP = re.compile(r"^(?:is|are|was|were)\s+(?:(?:a|an|the|one|its|their|his|her|also|still|now|not)\b|[A-Z][\w'’]*(?:'s|’s)?\s)")
_PARTICIPIAL = re.compile(r"^(?:Having|Being|After|Following|Despite|Amid|Speaking|Asked|Responding|Reacting|Citing|"
                          r"Seeking|Hoping|Fearing|Facing|Pressed|Backed|Buoyed|Stung|Angered|[A-Z][a-z]+ing)\b[^,]{0,140},\s+")
_HEADLINE = re.compile(r"^[A-Z0-9 :📌•\-–—]{4,}:\s*")


_RELATIVE = re.compile(r",\s+(?:which|who|whose|where)\s+[^,\"“”]{3,140},\s+(?=(?:\w+ly\s+)?(?:has|have|had|is|are|was|were|"
                       r"will|would|could|can|did|does|do|[a-z]+(?:ed|s))\b)")


def _main_clause(text: str) -> str:
    s = strip_dateline(text)
    s = _RELATIVE.sub(" ", s)
    s = _HEADLINE.sub("", s)
    for _ in range(2):
        m = _PARTICIPIAL.match(s)
        if m and not s.startswith("According") and len(s[m.end():].split()) >= 4:
            s = s[m.end():]
    return strip_lead(s)


from .common import compose_claim  # noqa: E402


def _sentence_end(s: str) -> str:
    s = s.strip()
    if not s:
        return s
    closing = ""
    if s[-1] in "\"”’'" and len(s) > 1 and s[-2] in ".!?":
        return s
    if s[-1] in "\"”’'":
        closing, s = s[-1], s[:-1]
    if s[-1] not in ".!?":
        s = s.rstrip(",;:") + "."
    return s + closing


_PAST = {"says": "said", "warns": "warned", "threatens": "threatened", "urges": "urged", "appeals": "appealed",
         "demands": "demanded", "denies": "denied", "pledges": "pledged", "proposes": "proposed",
         "supports": "supported", "opposes": "opposed", "condemns": "condemned", "accuses": "accused",
         "rejects": "rejected", "refuses": "refused", "agrees": "agreed", "decides": "decided", "protests": "protested"}


def _display_speaker(speaker: str, role: str | None) -> str:
    s = speaker.strip()
    if role and role not in s:
        return f"{s} ({role})" if len(role.split()) <= 6 else s
    return s[:1].upper() + s[1:]


def summary_for(att: Attribution | None, actor_phrase: str, stance: str, claim: str, quote: str,
                cue: str | None = None) -> str:
    """Speaker + stance + claim, hedges kept, complete."""
    claim = compose_claim(claim)
    hedge = _HEDGE_WORDS.search(fold(quote))
    if att is not None and att.frame in ("lead", "trail", "continuation"):
        last = att.cue.split()[-1] if att.cue else "said"
        verb = last if last in _REPORTING_SET and last not in ("told", "tells") else "said"
        if att.cue.split()[-1] in ("for", "on") and len(att.cue.split()) >= 2:
            verb = " ".join(att.cue.split()[-2:])
        hedge_adv = re.search(r"\b(reportedly|allegedly|apparently)\b", att.cue or "")
        if hedge_adv:
            verb = hedge_adv.group(1) + " " + verb
        spk = _display_speaker(att.speaker, att.role)
        if att.frame == "continuation" or (quote.strip()[:1] in "\"“" and att.frame == "trail"):
            text = f"{spk} {verb}: “{_sentence_end(claim.strip(chr(34) + '“”'))}”"
        else:
            first = claim.split()[0] if claim.split() else ""
            if first.lower() in _FUNCTION_WORDS and first != "I":
                claim = claim[:1].lower() + claim[1:]
            text = f"{spk} {verb} {claim}"
            text = _sentence_end(text)
    elif att is not None and att.frame in ("according", "by"):
        text = _sentence_end(f"{claim.rstrip('.')}, according to {att.speaker}")
    else:
        text = _sentence_end(claim)
    if hedge and not _HEDGE_WORDS.search(fold(text)):
        text = "Reportedly, " + (text[:1].lower() + text[1:] if text.split()[0].lower() in _FUNCTION_WORDS else text)
    return text[:1].upper() + text[1:]


_FUNCTION_WORDS = {"the", "a", "an", "it", "this", "that", "these", "those", "there", "we", "our", "they", "he", "she",
                   "its", "their", "his", "her", "any", "all", "no", "some", "both", "such", "if", "when", "while",
                   "as", "one", "two", "three", "several", "many", "most", "none", "nothing", "every", "each", "you",
                   "your", "my", "us", "them", "what", "how", "why", "whether", "only", "more", "further", "talks"}


_REPORT_FRAME = re.compile(r"\b(?:reports?|reporting|word|indications|signs)\s+(?:\w+\s+)?that\s+", re.I)
_SUB_CLAUSE = re.compile(r"(?:^|,\s+|\s+)(?:as|while|whereas|with|when|where|although|though)\s+(?=\S)", re.I)


_ANON_PLURAL = re.compile(r"\b(?:sources?|people|persons?|insiders?|officials|diplomats|familiar|anonymity|unnamed|"
                          r"anonymous|aides|advisers|advisors)\b", re.I)


def _is_label(text: str) -> bool:
    """A headline, entry title or label inside the text ("14:05 GMT — Ecuador says its boats were
    harassed", "KEY POINTS:"): short, and no sentence end."""
    t = text.strip()
    return bool(t) and t[-1] not in ".!?\"”’'" and len(t.split()) <= 16


_ITS_OFFICIAL = re.compile(r"^(?:its|their)\s+(?:[\w.-]+\s+){0,2}(?P<noun>[\w.-]+)$", re.I)
_IN_PLACE = re.compile(r"^(?:In|From|Speaking in|Later in)\s+(?P<place>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}),\s+")


_INSTITUTION = re.compile(r"^(?:the|its|their)?\s*(?:[A-Za-z'’.-]+\s+){0,3}?(?P<n>ministry|office|department|"
                          r"military|army|navy|government|presidency|agency|embassy|mission|command|council|"
                          r"spokesperson|spokesman|spokeswoman|joint chiefs of staff|jcs|joint staff|cabinet|"
                          r"palace|administration|coast guard|police|authorities|foreign ministry|defence ministry|"
                          r"defense ministry)$", re.I)


_ABBREVIATED = re.compile(r"(?<![\w'’])((?:[A-Z][\w'’-]*|of|and|for|on)(?:\s+(?:[A-Z][\w'’-]*|of|and|for|on)){1,6})\s+\(([A-Z]{2,6})\)")


def abbreviations(sentences) -> dict[str, str]:
    """Institutions an article introduces with an abbreviation ("the Joint Chiefs of Staff
    (JCS)", "Ministry of Foreign Affairs (MFA)"): abbreviation -> the institution's kind, so that
    "the JCS said" later in the article is the same body. The initials must spell it."""
    out: dict[str, str] = {}
    for sent in sentences:
        if "(" not in sent.text:
            continue
        for m in _ABBREVIATED.finditer(fold(sent.text)):
            full, abbr = m.group(1), m.group(2)
            words = full.split()
            while words and not words[0][:1].isupper():
                words.pop(0)
            for k in range(len(words)):        # the shortest tail whose initials spell the abbreviation
                tail = words[k:]
                if "".join(w[0] for w in tail if w[:1].isupper()) == abbr:
                    kind = _institution(" ".join(tail))
                    if kind:
                        out[abbr.lower()] = kind
                    break
    return out


def name_parts(sentences, actors) -> dict[str, str]:
    """Either part of a two- or three-word person's name the article itself uses in full ("Guo
    Weidong" ... "Guo said"): the part -> that person's actor, for this article only. A part two
    people of the article share is left out; so are words that are also common words."""
    from ..actors import gazetteer_terms
    text = " ".join(fold(s.text) for s in sentences)
    places = gazetteer_terms()             # names of states, groups, capitals, institutions: not people
    out: dict[str, str] = {}
    clash: set[str] = set()
    for actor in actors:
        for term in actor.terms:
            words = term.split()
            if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w.isalpha() for w in words) or term not in text \
                    or term in places or any(w.lower() in OFFICIAL_NOUNS or w.lower() in _TITLES for w in words):
                continue
            for w in words:
                if len(w) < 3 or w.lower() in _COMMON:
                    continue
                # another name with this part in the article ("Kim Sang-jin" beside "Kim Jong Un")
                i = words.index(w)
                nxt = words[i + 1] if i + 1 < len(words) else None
                prv = words[i - 1] if i else None
                other = False
                for m in re.finditer(rf"(?:([A-Z][\w'’.-]*)\s+)?\b{re.escape(w)}\b(?:\s+([A-Z][\w'’-]+))?", text):
                    before, after = m.group(1), m.group(2)
                    before = None if before and (before.endswith(".") or before in ("The", "A")) else before
                    if (after and after != nxt) or (before and before != prv and before.lower() not in _TITLES
                                                    and before.lower() not in OFFICIAL_NOUNS):
                        other = True
                        break
                if other or out.get(w, actor.name) != actor.name:
                    clash.add(w)
                out[w] = actor.name
    return {w: a for w, a in out.items() if w not in clash}


_COMMON = set("""the new north south east west united states republic kingdom people peoples saudi arab arabia gulf
great democratic federal islamic royal national state foreign general prime minister president council office
ministry army navy force forces""".split())


def _initials(phrase: str) -> str | None:
    """"jcs" for "South Korea's Joint Chiefs of Staff": the initials of the capitalised words of
    the institution's own name (after the owner's possessive), when there are two or more."""
    name = re.split(r"['’]s\s+", fold(phrase).strip())[-1]
    name = re.sub(r"\s*\([A-Z]{2,6}\)$", "", name)
    words = name.split()
    if not words or not all(w[:1].isupper() or w in ("of", "and", "for", "on") for w in words):
        return None
    ini = "".join(w[0] for w in words if w[:1].isupper())
    return ini.lower() if len(ini) >= 2 else None


def _institution(speaker: str) -> str | None:
    speaker = re.sub(r"\s*\([A-Z]{2,6}\)$", "", speaker.strip())       # "... Chiefs of Staff (JCS)"
    m = _INSTITUTION.match(speaker)
    if not m:
        return None
    words = speaker.lower().split()
    # the kind of institution: "defence ministry", "presidential office", "ministry"
    return " ".join(w for w in words[-2:] if w not in ("the", "its", "their") and not w.endswith(("'s", "’s")))


def _state_agency_actor(speaker: str, res: "Resolver") -> list[str]:
    from ..outlets import lookup
    from .sources import outlet_name
    info = lookup(outlet_name(speaker) or speaker)
    if not info or info.get("type") != "state_agency" or not info.get("country"):
        return []
    from babel import Locale
    name = Locale("en").territories.get(info["country"], "")
    return res.actors(name)[:1] if name else []


def _context_actor(speaker: str, sentence: str, res: "Resolver", prev: list[str]) -> list[str]:
    """A speaker the phrase alone does not place: "its foreign ministry" (the actor just named),
    "In Tokyo, Chief Cabinet Secretary X said" (the place the dateline-like opener gives)."""
    m = _ITS_OFFICIAL.match(speaker.strip())
    if m and m.group("noun").lower() in OFFICIAL_NOUNS and len(prev) == 1:
        return list(prev)
    m = _IN_PLACE.match(sentence)
    if m and any(w.lower() in OFFICIAL_NOUNS or w[:1].isupper() for w in speaker.split()):
        got = res.actors(m.group("place"))
        if len(got) == 1:
            return got
    return []


def _direct(clause: str, res: Resolver, prev: list[str]) -> tuple[list[str], str | None, bool]:
    """(actors, stance, pronoun subject) of a clause with no attribution frame."""
    subj, rest = subject_zone(clause)
    s = subj.strip()
    if not rest or COMMENTARY.search(subj) or _COPULA_NP.match(rest) or \
            EVALUATIVE_PASSIVE.match(rest) or EVALUATIVE_PASSIVE.search(" ".join(rest.split()[:4])) or \
            re.match(r"^(?:it|there)\b", s, re.I) or re.match(r"^[A-Z]?[a-z]+ing\b", s):
        return [], None, bool(_PRONOUN.match(s))
    st = _verb_stance(rest)
    head = s.split()[-1].lower().strip(",") if s.split() else ""
    if head in SPEECH_NOUNS and (_first_verb(rest)[0] or "") not in _SPEECH_VERBS:
        return [], None, False          # "Rubio's remarks underscore ...": the author's reading
    if _PRONOUN.match(s):
        return list(prev), st, True
    return res.actors(subj, subject=True), st, False


def positions_in(article, matcher: ActorMatcher) -> list[Position]:
    res = Resolver(matcher)
    atts = getattr(article, "attributions", None) or analyse(article.sentences)
    by_sent: dict[int, list[Attribution]] = {}
    for a in atts:
        by_sent.setdefault(a.sentence, []).append(a)
    out: list[Position] = []
    prev: list[str] = []
    prev_speaker: str | None = None
    institutions: dict[str, str] = {}       # "ministry" -> the actor whose ministry spoke last
    abbrev = abbreviations(article.sentences)
    parts = name_parts(article.sentences, matcher.actors)
    for sent in article.sentences:
        text = sent.text
        if _is_label(text):
            continue
        speech = [a for a in by_sent.get(sent.index, []) if a.frame in ("lead", "trail", "continuation", "according", "by")
                  and a.content and len(a.content.split()) >= 3]
        found: list[tuple[str, Attribution | None, str, str]] = []    # (actor, attribution, stance, claim)
        if speech:
            order = {"lead": 0, "trail": 1, "continuation": 2, "according": 3, "by": 4}
            a = sorted(speech, key=lambda x: (order[x.frame], x.kind == "anonymous"))[0]
            spk_actors = res.actors(a.speaker) if not COMMENTARY_SPEAKER.search(a.speaker) else []
            if not spk_actors and a.role and not COMMENTARY_SPEAKER.search(a.role):
                spk_actors = res.actors(a.role)          # "Laura Kessler (U.S. Ambassador)", "she said"
            if not spk_actors and a.speaker.strip() in parts:
                spk_actors = [parts[a.speaker.strip()]]  # "Guo said", after "spokesperson Guo Weidong"
            inst = _institution(a.speaker)
            inst = abbrev.get(inst, inst) if inst else inst
            if not spk_actors and inst and inst in institutions:
                spk_actors = [institutions[inst]]        # "the ministry said", after "Japan's foreign ministry"
            if not spk_actors and not COMMENTARY_SPEAKER.search(a.speaker):
                spk_actors = _context_actor(a.speaker, text, res, prev)
            if inst and len(spk_actors) == 1:
                institutions[inst] = spk_actors[0]
                ini = _initials(a.speaker)
                if ini:                                   # "the JCS" after "South Korea's Joint Chiefs of Staff"
                    institutions.setdefault(ini, spk_actors[0])
            citing = any(x.frame == "citing" for x in by_sent.get(sent.index, []))
            reporter = citing or a.kind in ("outlet", "anonymous") or a.frame in ("according", "by") or \
                bool(re.search(r"\b(?:media|reports?|television|TV|agency|newspaper)\b", a.speaker, re.I))
            if reporter and (a.kind == "outlet" or not COMMENTARY_SPEAKER.search(a.speaker)):
                # a source reporting: the stance belongs to the reported clause's subject
                content = _main_clause(a.content)
                actors, st, _ = _direct(content, res, prev)
                if st and actors:
                    found = [(x, a, st, content) for x in actors]
                elif spk_actors and a.kind != "anonymous" and a.kind != "outlet":
                    found = [(x, a, a.stance, a.content) for x in spk_actors]
                elif a.kind == "outlet" and re.search(r"[\"“”]", a.content) and not actors and \
                        _state_agency_actor(a.speaker, res):
                    # a state news agency speaks for its state ("KCNA said the test succeeded")
                    found = [(x, a, a.stance, a.content) for x in _state_agency_actor(a.speaker, res)]
                elif spk_actors and a.kind == "anonymous" and not _ANON_PLURAL.search(a.speaker):
                    # "Ruritania's foreign minister said": an unnamed but identified official
                    found = [(x, a, a.stance, a.content) for x in spk_actors]
            elif spk_actors:
                found = [(x, a, a.stance, a.content) for x in spk_actors]
            prev = [f[0] for f in found][:1] if len({f[0] for f in found}) == 1 else []
        else:
            main = _main_clause(text)
            actors, st, pron = _direct(main, res, prev)
            if not pron:
                prev = actors[:1] if len(actors) == 1 else []
            if st and actors:
                found = [(x, None, st, main) for x in actors]
            else:
                # "... as reports emerge that Israel is seeking ...", "..., as Netanyahu seeks to ...",
                # "While X expressed scepticism, he ...": a stance in a reported or subordinate clause
                subs = [m.end() for m in _REPORT_FRAME.finditer(text)] + [m.end() for m in _SUB_CLAUSE.finditer(text)]
                for pos in subs:
                    clause = text[pos:]
                    clause = re.split(r",\s+(?=[a-z]+\b(?!\s+(?:and|or)\b))", clause, maxsplit=1)[0] if not clause.startswith(("\"", "“")) else clause
                    a2, st2, pron2 = _direct(clause, res, actors or prev)
                    if pron2 and actors:
                        # "X met Y in Z, where he expressed ...": the pronoun is the main clause's subject
                        prev_speaker = subject_zone(main)[0].strip(" ,") or prev_speaker
                    if st2 and a2 and not COMMENTARY.search(clause.split(",")[0]):
                        found = [(x, None, st2, text if len(clause.split()) < 4 else clause) for x in a2]
                        break
        for actor, att, stance, claim in found:
            quote = text
            if att is not None and att.frame not in ("according", "by") and att.kind not in ("outlet", "anonymous"):
                speaker = att.speaker
            else:
                speaker = subject_zone(_main_clause(claim))[0].strip(" ,") or actor
            if _PRONOUN.match(speaker) and prev_speaker:
                speaker = prev_speaker
            speaker = re.sub(r"\s+(?:also|reportedly|allegedly|apparently|then|later|further)$", "", speaker)
            if len(speaker.split()) > 10:
                speaker = actor
            prev_speaker = speaker if not _PRONOUN.match(speaker) else prev_speaker
            claim_text = compose_claim(_main_clause(claim) if att is None else claim)
            if att is None and _PRONOUN.match(claim) and speaker and not _PRONOUN.match(speaker):
                # "He expressed appreciation ...": the summary names who
                claim = re.sub(r"^(?:He|She|They|It|he|she|they|it)\b", speaker, claim, count=1)
                claim_text = compose_claim(_main_clause(claim))
            summary = summary_for(att, actor, stance, claim, quote)
            via = att.speaker if att is not None and (att.frame in ("according", "by") or att.kind in ("outlet", "anonymous")) else None
            out.append(Position(actor, article.id, sent.index, quote, summary, speaker=speaker,
                                role=att.role if att is not None and speaker == att.speaker else None, stance=stance,
                                claim=claim_text, hedge=hedge_of(text, att), via=via))
    return out
