"""Who said what: one attribution finder shared by the source notes and the claims.

For every sentence of an article it finds the attributions the sentence makes: the speaker (as
written, cleaned), the cue ("said", "according to", "told Reuters"...), the stance that cue
expresses (a small closed vocabulary, see ``STANCES``), the content that is attributed, the
medium when given (statement, interview, post on X...), the outlet it was told to or relayed by,
and the hedge the frame puts on the content.

Constructions of news English it reads (rules of the language, not of any story):

* lead frames: "X said (on Tuesday) (that) ...", "X, however, said", "X's army later said",
  "X, which hosts the talks, warned ...", "X told reporters ...", "X has said";
* trailing frames: "“...,” the minister said.", "..., the ministry said in a statement.",
  "..., said Ana Silva, Peru's foreign minister.", "..., local media reported on Sunday.";
* "according to X", "X, citing Y, reported", "reported by X", "told Reuters",
  "in an interview with CNN", "wrote on X", "posted on Telegram";
* a quote that runs over several sentences after its speaker, and "he said" / "the official
  added" after a named speaker (resolved to that speaker);
* wire and dateline credits: "LIMA, March 3 (Reuters) -", "(Xinhua)", "(CNN) —".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lazyre import lazy

from .common import fold

# ---- the stance vocabulary: each cue verb maps to one stance; each stance to its CAMEO root ----
from ..vocab import CAMEO_ROOTS, STANCES  # noqa: F401  (the closed stance vocabulary)

_CUE_STANCE = {}
for _stance, _verbs in {
    "says": "say says said tell tells told add adds added state states stated announce announces announced "
            "declare declares declared note notes noted stress stresses stressed insist insists insisted "
            "argue argues argued confirm confirms confirmed claim claims claimed report reports reported "
            "write writes wrote post posts posted tweet tweets tweeted explain explains explained "
            "acknowledge acknowledges acknowledged affirm affirms affirmed underline underlines underlined "
            "underscore underscores underscored emphasise emphasises emphasised emphasize emphasizes emphasized "
            "reiterate reiterates reiterated maintain maintains maintained assert asserts asserted "
            "reveal reveals revealed disclose discloses disclosed indicate indicates indicated suggest suggests "
            "suggested signal signals signalled signaled hint hints hinted predict predicts predicted "
            "believe believes believed estimate estimates estimated concede concedes conceded admit admits admitted "
            "reply replies replied respond responds responded counter counters countered remark remarks remarked "
            "comment comments commented describe describes described voice voices voiced express expresses expressed "
            "raise raises raised allege alleges alleged "
            "observe observes observed recall recalls recalled point points pointed highlight highlights highlighted",
    "warns": "warn warns warned caution cautions cautioned",
    "threatens": "threaten threatens threatened",
    "urges": "urge urges urged",
    "appeals": "appeal appeals appealed",
    "demands": "demand demands demanded",
    "denies": "deny denies denied",
    "pledges": "pledge pledges pledged vow vows vowed promise promises promised",
    "proposes": "propose proposes proposed offer offers offered",
    "supports": "support supports supported back backs backed welcome welcomes welcomed endorse endorses endorsed "
                "praise praises praised",
    "opposes": "oppose opposes opposed criticise criticises criticised criticize criticizes criticized",
    "condemns": "condemn condemns condemned denounce denounces denounced",
    "accuses": "accuse accuses accused blame blames blamed",
    "rejects": "reject rejects rejected dismiss dismisses dismissed",
    "refuses": "refuse refuses refused",
    "agrees": "agree agrees agreed",
    "decides": "decide decides decided",
    "protests": "protest protests protested complain complains complained",
}.items():
    for _v in _verbs.split():
        _CUE_STANCE[_v] = _stance
# "called for", "called on", "asked": appeals and demands with a particle
_CUE_STANCE.update({"call": "urges", "calls": "urges", "called": "urges", "ask": "urges", "asks": "urges",
                    "asked": "urges", "press": "urges", "presses": "urges", "pressed": "urges"})

# verbs that report speech: they make a frame around content (the rest take an object)
_REPORTING = ("said|says|say|told|tells|added|adds|stated|states|announced|announces|declared|declares|noted|notes|"
              "stressed|stresses|insisted|insists|argued|argues|confirmed|confirms|claimed|claims|reported|reports|"
              "wrote|writes|posted|posts|tweeted|explained|explains|acknowledged|acknowledges|affirmed|affirms|"
              "underlined|underlines|underscored|emphasised|emphasized|emphasises|emphasizes|reiterated|reiterates|"
              "maintained|maintains|asserted|asserts|revealed|reveals|disclosed|indicated|indicates|suggested|"
              "suggests|signalled|signaled|hinted|predicted|believes|believe|believed|estimated|conceded|admitted|"
              "replied|responded|countered|remarked|commented|warned|warns|cautioned|cautions|alleged|alleges|"
              "denied|denies|vowed|vows|pledged|pledges|promised|promises|threatened|threatens|urged|urges|"
              "complained|complains|protested|observed|recalled|pointed out|highlighted|agreed|decided|"
              "demanded|demands|accused|accuses|blamed|blames|proposed|proposes|rejected|rejects|condemned|condemns|"
              "welcomed|welcomes|dismissed|dismisses")
_REPORTING_SET = set(_REPORTING.replace("pointed out", "pointed").split("|"))

# speakers that are commentary, not parties: their statements are nobody's position
COMMENTARY_SPEAKER = re.compile(
    r"\b(?:analysts?|experts?|critics?|observers?|commentators?|pundits?|scholars?|academics?|researchers?|"
    r"economists?|historians?|columnists?|editorials?|think[- ]tanks?|polls?|residents?|witnesses|fishermen|"
    r"villagers|locals|supporters|opponents|campaigners|activists|professors?|fellows?|consultants?|traders?|"
    r"investors?|markets?)\b", re.I)

_ANON = re.compile(r"\b(?:unnamed|anonymous|unidentified|sources?|insiders?|familiar with|"
                   r"(?:on|under) (?:the )?condition of anonymity|not authori[sz]ed to|asked not to be (?:named|identified)|"
                   r"declined to be (?:named|identified)|people close to|person close to|one person|two people|"
                   r"several people)\b", re.I)
_MEDIA = re.compile(r"\b(?:state media|state(?:-run)? (?:television|TV|radio|broadcaster|news agency|newspaper)|"
                    r"local media|local press|media reports?|news reports?|local reports?|reports|"
                    r"official media|government-run media|the press)\b", re.I)

_MEDIUMS = [
    (re.compile(r"\bin a (?:written |joint |brief |televised |video )?statement\b|\bstatement\b", re.I), "statement"),
    (re.compile(r"\b(?:in|during) an? (?:\w+ )?interview\b|\binterview\b", re.I), "interview"),
    (re.compile(r"\b(?:at|during|told) an? (?:\w+ )?(?:press|news) conference\b|\bpress conference\b|\bnews conference\b|\bpress briefing\b|\bbriefing\b", re.I), "press conference"),
    (re.compile(r"\bon (?:the social (?:media )?platform )?X\b|\bon Twitter\b|\btweet(?:ed)?\b", re.I), "post on X"),
    (re.compile(r"\bon Truth Social\b", re.I), "post on Truth Social"),
    (re.compile(r"\bon Telegram\b", re.I), "post on Telegram"),
    (re.compile(r"\bon Facebook\b", re.I), "post on Facebook"),
    (re.compile(r"\bon Instagram\b", re.I), "post on Instagram"),
    (re.compile(r"\b(?:in|during) (?:a|an|his|her|its|their) (?:televised |TV |televised national |national )?(?:speech|address)\b", re.I), "speech"),
    (re.compile(r"\btold (?:reporters|journalists)\b", re.I), "remarks to reporters"),
    (re.compile(r"\bin a letter\b|\bletter\b", re.I), "letter"),
]

_HEDGE_WORDS = re.compile(r"\b(?:reportedly|allegedly|purportedly|apparently|(?:is|are|was|were) said to|"
                          r"(?:is|are|was|were) (?:believed|reported|understood|thought) to)\b", re.I)

_Q_OPEN = "\"“‘'"
_Q_CLOSE = "\"”’'"


@dataclass(frozen=True)
class Attribution:
    sentence: int                 # sentence index in the article
    speaker: str                  # as written, cleaned: "Ana Silva", "Peru's foreign ministry", "two diplomats..."
    cue: str                      # "said", "according to", "told Reuters", "dateline"
    stance: str                   # one of STANCES
    content: str                  # what is attributed ("" when the frame carries none)
    frame: str                    # lead | trail | according | citing | by | continuation | dateline | told
    kind: str                     # outlet | official | anonymous | other
    role: str | None = None       # "Peru's foreign minister"
    person: str | None = None     # "Ana Silva" when the speaker is a named person
    medium: str | None = None     # statement, interview, post on X...
    via: str | None = None        # an outlet the statement was told to ("told Reuters")
    resolved_from: str | None = None   # for "he said": the speaker it refers to


# ---- noun phrases that can be speakers ----
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w.'’&-]*"
_NAME_TOK = rf"(?:{_CAP}|al-[A-Z][\w-]*|bin|ibn|de|da|van|von|der|del|la|le|of|and|the|for|on|&)"
_ACRONYM = r"(?:\s*\([A-Z][A-Za-z.&-]{1,9}\))"
# a capitalised name, with inner lowercase connectors and an acronym in parentheses allowed
_CAPNAME = rf"{_CAP}(?:{_ACRONYM}|\s+{_NAME_TOK}){{0,9}}"
_DET = r"(?:the|a|an|one|two|three|four|five|several|some|many|other|senior|top|unnamed|anonymous|its|his|her|their)"
_ROLE_NOUNS = (r"(?:officials?|sources?|diplomats?|aides?|advis[eo]rs?|spokes(?:man|woman|person|people)|"
               r"representatives?|envoys?|ambassadors?|counterparts?|ministers?|ministry|ministries|government|governments|presidency|"
               r"president|prime minister|premier|chancellor|secretary|military|army|navy|air force|coast ?guard|"
               r"police|office|embassy|mission|agency|commander|chief|leader|leadership|negotiators?|mediators?|"
               r"delegation|cabinet|parliament|legislators?|lawmakers?|people|person|insiders?|statement|"
               r"authorities|administration|regime|junta|council|committee|command|forces|troops|"
               r"media|television|TV|radio|broadcaster|news agency|newspaper|press|reports?|"
               r"analysts?|experts?|observers?|critics?|residents?|witnesses|organi[sz]ers?|"
               r"industry|association|union|federation|group|body|department|directorate|service|"
               r"state|states|country|countries|nation|nations|neighbou?rs|allies|partners|side|sides|"
               r"he|she|they|it|we)")
_POSS = rf"(?:{_CAPNAME}(?:'s|’s)\s+)"
_LOWER_SPK = (rf"(?:{_DET}\s+)?(?:{_POSS})?(?:(?:[a-z][\w-]*|{_CAP})\s+){{0,4}}{_ROLE_NOUNS}"
              rf"(?:\s+(?:for|of|at|in|from|to|with)\s+(?:the\s+)?{_CAPNAME})?"
              rf"(?:\s+(?:familiar with|close to|briefed on|with knowledge of|involved in)\s+(?:the\s+|his\s+|her\s+|their\s+)?[\w-]+(?:\s+[\w-]+)?)?"
              rf"(?:,?\s+who (?:spoke|requested|asked|declined|were|was) [^,]{{3,60}}?(?=,|\s+(?:said|told)))?")
_SPEAKER = rf"(?P<spk>(?:(?:{_CAPNAME}(?:'s|’s)?\s+)?(?!(?:a|an|the|which|who|that|as|and|or|but)\s)(?:[a-z][\w-]*\s+){{1,3}}{_CAPNAME}(?=,?\s+\w)|{_LOWER_SPK}|(?:the\s+)?(?:{_CAPNAME}(?:'s|’s)\s+)?{_CAPNAME}|He|She|They|It|We|I))"
_ADV = r"(?:(?:also|later|earlier|previously|separately|again|repeatedly|publicly|privately|reportedly|allegedly|"
_ADV += r"apparently|then|further|first|initially|on \w+|last \w+|in a statement|in a \w+ statement|in an interview|"
_ADV += r"in a post|on X|had|has|have|would|will|did|does|do|not|never|has also|have also|had also)\s+){0,4}"

_LEAD = re.compile(
    rf"^(?!(?:If|When|While|As|Although|Though|Because|Unless|Whether|Since|After|Before|Once|Until|Should|Had|"
    rf"Were|Where|Why|How|What|Whatever|Whoever|Even|Only|Not|Neither|Nor|Yet|But|And|Or|So|Then|Now|Here|There|"
    rf"This|That|These|Those|Such)\b){_SPEAKER}(?P<app>,\s+(?:however|meanwhile|though|too|for (?:its|his|her|their) part|in turn|"
    rf"in response|which [^,]{{3,90}}|who [^,]{{3,90}}|[^,]{{3,70}}),)?\s+(?P<adv>{_ADV})"
    rf"(?P<cue>{_REPORTING}|called (?:for|on)|calls (?:for|on)|call (?:for|on)|asked)\b(?P<rest>.*)$")
_TRAIL = re.compile(
    rf"^(?P<content>.{{12,}}?)(?:,[{_Q_CLOSE}]?|[{_Q_CLOSE}],?|\s+[-—–]+)\s+{_SPEAKER}(?P<app2>(?:,\s+[^,]{{1,80}}){{1,2}},)?\s+(?P<adv>{_ADV})"
    rf"(?P<cue>{_REPORTING})\b(?P<rest>[^.!?]{{0,140}})[.!?]?[{_Q_CLOSE}]?\s*$")
_TRAIL_INV = re.compile(
    rf"^(?P<content>.{{12,}}?)(?:,\s*[{_Q_CLOSE}]?|[{_Q_CLOSE}],?)\s+(?P<cue>said|says|added|adds|wrote|writes|"
    rf"told \w+|declared|stated|explained|noted|insisted|warned|stressed)\s+(?P<spk>[^.!?]{{2,140}}?)[.!?]?[{_Q_CLOSE}]?\s*$")
_ACCORDING = re.compile(
    r"\b[Aa]ccording to (?P<pre>(?:a |an |the )?(?:(?:statement|report|post|readout|transcript|letter|estimates?|"
    r"figures|data|sources?|a source)\s+(?:from|by|in|on|of|cited by|published by|issued by)\s+)?)"
    r"(?P<spk>[^,;]+?)(?P<cite>,\s*(?:which|who) cited [^,;]+|,\s*citing [^,;]+)?(?=,|;|\.?[\"'”’]?$|\s+(?:on|in) \w+day\b)")
_CITING = re.compile(r"(?P<outlet>(?:[Tt]he\s+)?" + _CAPNAME + r"),\s*(?:citing|quoting)\s+(?P<spk>[^,;]+?),\s+"
                     r"(?:has |have |had )?(?:also )?(?P<cue>" + _REPORTING + r")\b(?P<rest>.*)$")
_BY = re.compile(r"\b(?P<cue>reported|cited|confirmed|revealed|published|quoted|first reported|announced|broadcast|"
                 r"carried|aired)\s+by\s+(?P<spk>[^,;]+?)(?=,|;|\.?[\"'”’]?$| on \w+day\b| in a\b)")
_TOLD = re.compile(r"\btold (?P<spk>(?:the\s+)?" + _CAPNAME + r")(?=[\s,.;]|$)")
_INTERVIEW = re.compile(r"\b(?:in|during) an? (?:\w+ )?interview (?:with|on) (?P<spk>(?:the\s+)?" + _CAPNAME + r")")
_PLATFORM = re.compile(r"\b(?:wrote|posted|said|tweeted|announced) on (?P<spk>X|Twitter|Truth Social|Telegram|Facebook|Instagram)\b")
_DECLINED = re.compile(r"(?P<spk>(?:[Tt]he |[Aa]n? )?" + _CAPNAME + r"|(?:the|a|an) [a-z]+(?: [a-z]+)?)\s+"
                       r"(?:declined|refused|did not respond to requests?|did not immediately respond|could not be reached)"
                       r"(?: to comment| for comment)?")
_DIRECTED = re.compile(r"(?P<spk>(?:[Tt]he |[Aa]n? )?" + _CAPNAME + r")\s+(?:directed|referred) (?:inquiries|questions|requests|reporters)")
_FAMILIAR = re.compile(r"(?P<spk>(?:(?:two|three|four|several|some|other|multiple|many|a|one)\s+)*(?:[a-z]+\s+)?"
                       r"(?:sources|people|persons|person|officials|official|diplomats|diplomat)\s+"
                       r"(?:familiar with|close to|briefed on|with knowledge of)\s+(?:the |his |her |their )?[\w-]+)", re.I)
# wire credits: "LIMA, March 3 (Reuters) -", "(Xinhua) --", "(CNN) —", "BEIJING, Feb 2 (Xinhua) --"
DATELINE = re.compile(
    r"^(?:(?P<place>[A-Z][A-Z .'’/-]{1,40}?)(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.? \d{1,2}(?:,? \d{4})?|\d{1,2} [A-Z][a-z]{2,8}\.?(?: \d{4})?))?"
    r"\s*(?:\((?P<wire>[A-Za-z][\w .&'-]{1,30})\))?\s*(?:[-–—]{1,2}|:)\s+)"
    r"|^\((?P<wire2>[A-Za-z][\w .&'-]{1,30})\)\s*[-–—]{1,2}\s*"
    r"|^(?P<when2>[A-Z][a-z]{2,8}\.? \d{1,2}(?:,? \d{4})?),\s*(?P<wire3>[A-Z][\w&'-]{1,30})\s*[-–—:]\s*"
    # a mixed-case place with a date and a credit: "Addis Ababa, September 6/2024 (ENA) –"
    r"|^(?P<place4>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}),\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:(?:,? |/)\d{4})?|"
    r"\d{1,2} [A-Z][a-z]{2,8}\.?(?:,? \d{4})?)\s*\((?P<wire4>[A-Za-z][\w .&'-]{1,30})\)\s*[-–—]{1,2}\s*")
_TRAIL_CREDIT = re.compile(r"\s*(?:\((?P<w1>[A-Z][\w .&'-]{1,30})\)|[-–—]{1,2}\s*(?P<w2>[A-Z][\w&'-]{1,20}))\s*$")

_PRONOUN_SPK = {"he", "she", "they", "it", "we", "i"}
_ANAPHORIC = re.compile(r"^(?:the|this|that) (?:(?:[a-z][\w-]*) ){0,2}(?:official|minister|ministry|spokes(?:man|woman|person)|"
                        r"president|premier|prime minister|diplomat|envoy|ambassador|chancellor|secretary|agency|"
                        r"commander|chief|leader|statement|senator|general|admiral|mediator|negotiator)$", re.I)


# cheap tests a sentence must pass before the expensive patterns run
_PRE_FAMILIAR = re.compile(r"familiar with|close to|briefed on|knowledge of", re.I)
_PRE_DECLINED = re.compile(r"declined|refused|did not respond|did not immediately|could not be reached")
_PRE_DIRECTED = re.compile(r"(?:directed|referred) (?:inquiries|questions|requests|reporters)")


def dateline(text: str) -> tuple[str, str | None, str | None] | None:
    """(the dateline as written, its place, its wire credit) at the start of a sentence."""
    m = DATELINE.match(fold(text))
    if not m:
        return None
    place = m.group("place") or m.group("place4")
    wire = m.group("wire") or m.group("wire2") or m.group("wire3") or m.group("wire4")
    if place and not (wire or m.group("when")) and len(place.split()) > 3:
        return None
    if place and place.strip().upper() != place.strip() and not m.group("place4"):
        return None
    if not (place or wire):
        return None
    return m.group(0), (place.strip() if place else None), wire


def strip_dateline(text: str) -> str:
    d = dateline(text)
    return text[len(d[0]):].lstrip() if d else text


_SPEAKER_TIME = lazy(r"\s+(?:late |early )?on (?:\w+day|[A-Z][a-z]+ \d{1,2})$|\s+(?:yesterday|today|last \w+|this \w+)$")
_SPEAKER_CONJ = lazy(r"^(?:(?:and|but|while|as|yet|still|however|meanwhile|if|when|whether|although|though|because|"
                     r"since|after|before|unless|so|then|now)\s+)+", re.I)


def _clean_speaker(x: str) -> str:
    x = fold(x).strip(" ,;:.\"'")
    x = _SPEAKER_TIME.sub("", x)
    x = _SPEAKER_CONJ.sub("", x)
    return x.strip()


def medium_of(text: str) -> str | None:
    for rx, name in _MEDIUMS:
        if rx.search(text):
            return name
    return None


def _told_outlet(cue: str, rest: str) -> str | None:
    if not cue.endswith("told"):
        return None
    m = _RECIPIENT.match(rest.strip()) or re.match(r"^(?:the )?[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3}", rest.strip())
    if m:
        from .sources import outlet_name
        return outlet_name(m.group(0))
    return None


def _stance(cue: str, content: str) -> str:
    w = cue.split()[-1].lower() if cue.split()[-1].lower() not in ("for", "on") else cue.split()[-2].lower()
    if w in ("called", "calls", "call") and " on " in f" {cue} ":
        return "urges"
    st = _CUE_STANCE.get(w, "says")
    if st == "says":
        # "said it would not accept", "said it rejects": the content's own verb is the stance
        m = re.match(r"(?:that\s+)?(?:it|he|she|they|we|the \w+|[A-Z][\w.-]*(?: [A-Z][\w.-]*)?)\s+"
                     r"(?:would|will|could|did|does|do|had|has|have|was|is|were|are)?\s*(?:not |never )?"
                     r"(?P<v>\w+)", content)
        neg = re.match(r"(?:that\s+)?\S+(?: \S+)?\s+(?:would|will|could|did|does|do)\s+(?:not|never)\s+(?:accept|allow|tolerate|agree)", content)
        if neg:
            return "refuses"
        if m and m.group("v").lower() in _CUE_STANCE and _CUE_STANCE[m.group("v").lower()] not in ("says",):
            return _CUE_STANCE[m.group("v").lower()]
    return st


_ADVERBIAL = [
    re.compile(r"^(?:late |early )?on (?:\w+day|[A-Z][a-z]+\.? \d{1,2})(?: (?:morning|afternoon|evening|night))?\b"),
    re.compile(r"^(?:last|this|next) (?:week|month|year|weekend|\w+day)\b"),
    re.compile(r"^(?:yesterday|today|tonight|earlier|later|again|also|repeatedly|publicly|privately|separately)\b"),
    re.compile(r"^in (?:a|an|its|his|her|their|the) (?:[\w-]+ ){0,3}?(?:statement|interview|post|speech|address|letter|"
               r"briefing|message|communiqu[eé]|readout|broadcast|report|video)(?: (?:on|to|with|posted on|carried by|"
               r"published by|released by) (?:the )?[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})?\b"),
    re.compile(r"^(?:at|during|after|before) (?:a|an|the) (?:[\w-]+ ){0,3}?(?:conference|briefing|meeting|summit|session|"
               r"hearing|rally|ceremony|event|talks)(?: (?:in|with|on) [A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,2})?\b"),
    re.compile(r"^on (?:X|Twitter|Truth Social|Telegram|Facebook|Instagram|state television|state TV|television|radio)\b"),
    re.compile(r"^(?:to |told )?(?:reporters|journalists|lawmakers|parliament|legislators|the press|the media)"
               r"(?: (?:in|at) [A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,2})?\b"),
]
_RECIPIENT = re.compile(r"^(?:the )?[A-Z][\w.&'’-]*(?: (?:of |the )?[A-Z][\w.&'’-]*){0,4}(?=,? (?:that|on|in|it|he|she|they|its|his|her|their|there|the|a|an)\b)")


def _content_after_cue(rest: str, cue: str = "") -> tuple[str, str | None, str | None]:
    """(content, medium, via) from what follows a lead cue: ' on Tuesday that X' -> X."""
    r = rest.strip()
    medium = medium_of(r[:100])
    via = None
    if cue.endswith("told") or cue == "told":
        m = _RECIPIENT.match(r)
        if m:
            from .sources import outlet_name
            if outlet_name(m.group(0)):
                via = outlet_name(m.group(0))
            r = r[m.end():].strip(" ,")
    for _ in range(6):
        before = r
        for rx in _ADVERBIAL:
            m = rx.match(r)
            if m:
                r = r[m.end():].strip(" ,")
        if r == before:
            break
    r = re.sub(r"^that\s+", "", r)
    r = re.sub(r"^:\s*", "", r)
    return r.strip(), medium, via


_OUTLET_LOOKUP = None


def _kind(name: str) -> str:
    from .sources import classify
    return classify(name)


def _speaker_parts(spk: str) -> tuple[str | None, str | None]:
    from .sources import person_name
    if "," in spk:
        left, right = [x.strip() for x in spk.split(",", 1)]
        pn = person_name(left)
        if pn and not pn[1]:
            return pn[0], right
    pn = person_name(spk)
    if pn:
        return pn
    return None, None


@lru_cache(maxsize=8192)
def _frames(text: str) -> tuple:
    """Attribution frames of one sentence on its own (no context): tuples
    (speaker, cue, content, frame, medium, via)."""
    s = fold(text).strip()
    out = []
    d = dateline(s)
    if d:
        if d[2]:
            out.append((d[2], "dateline", "", "dateline", None, None))
        s = s[len(d[0]):].strip()
    m = _TRAIL_CREDIT.search(s)
    if m and (m.group("w1") or m.group("w2")):
        from .sources import outlet_name
        w = m.group("w1") or m.group("w2")
        if outlet_name(w):
            out.append((w, "credit", "", "dateline", None, None))
            s = s[:m.start()].rstrip()
    for m in _ACCORDING.finditer(s):
        content = re.sub(r"\s*,\s*([.!?])$", r"\1", (s[:m.start()] + s[m.end():]).strip(" ,;"))
        out.append((m.group("pre") + m.group("spk") if m.group("pre") and "source" in m.group("pre") else m.group("spk"),
                    "according to", _strip_frame_residue(content), "according", medium_of(m.group(0)), None))
        if m.group("cite"):
            cited = re.sub(r"^,\s*(?:which|who) cited |^,\s*citing ", "", m.group("cite"))
            out.append((cited, "citing", "", "citing", None, None))
    for m in _BY.finditer(s):
        out.append((m.group("spk"), m.group("cue") + " by", "", "by", None, None))
    m = _CITING.match(s)
    if m:
        out.append((m.group("outlet"), m.group("cue"), _content_after_cue(m.group("rest"))[0], "lead", None, None))
        out.append((m.group("spk"), "citing", "", "citing", None, None))
    else:
        done = False
        m = _TRAIL.match(s)
        if m and _plausible_speaker(m.group("spk")) and not _appositive(m.group("content"), s[:m.start("spk")]) \
                and (_TRAIL_REST.match(m.group("rest")) or (m.group("cue") in ("told", "tells") and _TOLD_REST.match(m.group("rest")))) \
                and not _INTRO.match(m.group("content")):
            spk = m.group("spk")
            app2 = (m.group("app2") or "").strip(" ,")
            if app2 and len(app2.split()) <= 12:
                role = re.sub(r"^\d{1,3},\s*", "", app2)
                spk = f"{spk}, {role}"
            out.append((spk, m.group("cue"), _strip_quotes(m.group("content")), "trail",
                        medium_of(m.group("rest")), _told_outlet(m.group("cue"), m.group("rest"))))
            done = True
        if not done:
            m = _TRAIL_INV.match(s)
            if m and _plausible_speaker(_clean_speaker(m.group("spk")).split(",")[0]) and \
                    not re.search(r"\b(?:says|said|told|that)\b", m.group("spk")):
                spk = _clean_speaker(m.group("spk"))
                out.append((spk, m.group("cue").split()[0], _strip_quotes(m.group("content")), "trail", None, None))
                done = True
        if not done:
            m = _LEAD.match(s) or _LEAD.match(_INTRO_LEAD.sub("", s))
            if m and re.search(r"\b(?:not|never)\b", m.group("adv") or ""):
                m = None                      # "X has not responded": no statement
            if m and _plausible_speaker(m.group("spk")):
                content, medium, via = _content_after_cue(m.group("rest"), m.group("cue"))
                app = (m.group("app") or "").strip(" ,")
                spk = m.group("spk")
                if app and re.fullmatch(r"[A-Z][\w.'’-]+(?:\s+(?:al-|bin |de |van |von )?[A-Z][\w.'’-]+){1,3}", app):
                    spk = f"{app}, {spk}"
                cue = m.group("cue")
                if m.group("adv") and re.search(r"\b(?:reportedly|allegedly|apparently)\b", m.group("adv")):
                    cue = m.group("adv").strip() + " " + cue
                out.append((spk, cue, _strip_quotes(content), "lead", medium or medium_of(m.group("rest")[:100]), via))
    for rx, cue in ((_TOLD, "told"), (_INTERVIEW, "interview with")):
        for m in rx.finditer(s):
            from .sources import outlet_name
            if outlet_name(m.group("spk")):
                out.append((m.group("spk"), cue, "", "told", "interview" if cue != "told" else None, None))
    if _PRE_FAMILIAR.search(s):
        for m in _FAMILIAR.finditer(s):
            out.append((m.group("spk"), "familiar", "", "anonymous", None, None))
    for pre, rx, cue in ((_PRE_DECLINED, _DECLINED, "declined to comment"), (_PRE_DIRECTED, _DIRECTED, "directed inquiries")):
        if pre.search(s):
            for m in rx.finditer(s):
                out.append((m.group("spk"), cue, "", "no comment", None, None))
    return tuple(out)


# what may follow a trailing "X said": adverbials, never an object clause
_TRAIL_REST = re.compile(r"^\s*(?:,\s+\S.*|(?:,\s*)?(?:(?:on|in|at|during|to|late|early|earlier|later|last|this|told|after|before|from|via|"
                         r"when|while|citing|adding|noting|according|without|through|by|with|as|yesterday|today|"
                         r"reporters|journalists|separately|also|again|in a|lawmakers|legislators|parliament)\b.*)?)$")
# after "told", the recipient: "told Reuters", "told the BBC", "told a news conference"
_TOLD_REST = re.compile(r"^\s*(?:the |a |an )?[A-Za-z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,3}(?:\s*,.*|\s+(?:on|in|at|late|earlier|"
                        r"last|this|after|before|during|when|while)\b.*)?$")
# an introductory phrase is not a content: "In recent public comments, the president urged ..."
_INTRO = re.compile(r"^(?:In|During|On|At|After|Before|Speaking|Asked|Following|Amid|With|Without|Despite|Under|"
                    r"Through|From|For|By|Since|Upon|Responding|Reacting|Writing|Addressing|In the face of)\b[^,]*$")
_INTRO_LEAD = re.compile(r"^(?:(?:During|In|On|At|After|Before|Speaking|Addressing|Asked|Earlier|Later|Likewise|Meanwhile|"
                         r"However|Separately|Also|Last|This|Following|Responding|Writing|For (?:his|her|its|their) part)\b"
                         r"[^,\"“”]{0,100},\s+)+")
_LEAD_ONLY = re.compile(r"^[^,\"“”]{0,60},\s*$")      # "Peru, however, said": an appositive, not a content


_ROLE_NP = re.compile(rf"^(?:{_CAPNAME}(?:'s|’s)\s+)?(?:(?:the|a|an|its|his|her)\s+)?(?:[a-z][\w-]*\s+){{0,3}}{_ROLE_NOUNS}$")


def _appositive(content: str, head: str) -> bool:
    """"Peru, however, said" / "Peru's foreign minister, Ana Silva, said": what stands before the
    comma is the speaker's own phrase, not an attributed content."""
    if not _LEAD_ONLY.match(head):
        return False
    c = content.strip()
    return len(c.split()) <= 2 or bool(_ROLE_NP.match(c))


def _strip_quotes(c: str) -> str:
    c = c.strip().rstrip(",")
    if c[:1] in _Q_OPEN and c.count(c[:1]) == 1 and (c[:1] != "\"" or c.count('"') == 1):
        c = c[1:].strip()
        if c and c[-1] not in ".!?":
            c += "."
        return c
    if c[:1] in _Q_OPEN and c[-1:] in _Q_CLOSE and c.count(c[:1]) <= 2:
        inner = c[1:-1].strip().rstrip(",")
        if inner and inner[-1] not in ".!?":
            inner += "."
        return inner
    return c


def _strip_frame_residue(c: str) -> str:
    return re.sub(r"^\s*(?:that\s+)", "", c).strip()


_NOT_SPEAKERS = re.compile(r"^(?:this|that|these|those|there|which|what|it is|the report|the move|the decision|the deal|"
                           r"the statement|the plan|the incident|the talks|the meeting|the agreement|the attack|the strike|"
                           r"the vote|the law|the bill|the measure|the letter|the proposal|the offer)$", re.I)


def _plausible_speaker(spk: str) -> bool:
    s = _clean_speaker(spk)
    if not s or len(s) > 120 or _NOT_SPEAKERS.match(s):
        return False
    words = s.split()
    if len(words) > 16:
        return False
    # a clause is not a name: no finite verbs of its own inside
    if re.search(r"\b(?:is|are|was|were|has been|had been|would|will|could)\b", s) and not re.search(r"\bwho\b", s):
        return False
    return True


def analyse(sentences) -> list[Attribution]:
    """Every attribution in an article, in order, with "he said" and quote continuations resolved."""
    return list(_analyse(tuple((s.index, s.block, s.text) for s in sentences)))


@lru_cache(maxsize=4096)
def _analyse(sents: tuple) -> tuple:
    from .sources import classify, outlet_name
    out: list[Attribution] = []
    last_named: Attribution | None = None     # the last speaker named in full
    last_quote_speaker: tuple[int, Attribution] | None = None   # (block, attribution) of an open quote
    for idx, block, text in sents:
        frames = _frames(text)
        got_speech = False
        for spk, cue, content, frame, medium, via in frames:
            spk = _clean_speaker(spk)
            if not spk:
                continue
            resolved = None
            low = spk.lower()
            if (low in _PRONOUN_SPK or _ANAPHORIC.match(spk)) and last_named is None and _ANAPHORIC.match(spk) \
                    and frame in ("lead", "trail"):
                # "the Foreign Minister stated" with nobody named before: the description as written
                att = Attribution(idx, spk, cue, _stance(cue, content), content, frame, "official", None, None, medium, via)
                out.append(att)
                if att.content:
                    got_speech = True
                continue
            if low in _PRONOUN_SPK or _ANAPHORIC.match(spk):
                if last_named is None or frame not in ("lead", "trail"):
                    continue
                if _ANAPHORIC.match(spk):
                    # "the minister added": the last speaker whose name or role fits the noun
                    noun = spk.split()[-1].lower()
                    if noun not in (last_named.speaker + " " + (last_named.role or "")).lower() and \
                            not (noun in ("official", "president", "minister") and last_named.person):
                        continue
                resolved = spk
                base = last_named
                att = Attribution(idx, base.speaker, cue, _stance(cue, content), content, frame, base.kind,
                                  base.role, base.person, medium, via, resolved)
            else:
                kind = "outlet" if frame in ("dateline", "told") else classify(spk)
                if frame == "told" and not outlet_name(spk):
                    continue
                name = outlet_name(spk) if kind == "outlet" else None
                person, role = _speaker_parts(spk) if kind in ("official", "other") else (None, None)
                if person and kind == "other" and (role or len(person.split()) >= 2):
                    kind = "official"
                if kind == "official" and person and role:
                    role = re.sub(r"^(?:the|a|an)\s+", "", role.rstrip(", "))
                att = Attribution(idx, spk if name else spk, cue, _stance(cue, content), content, frame, kind, role,
                                  person, medium, via)
            out.append(att)
            if frame in ("lead", "trail") and att.content:
                got_speech = True
                if att.kind != "outlet" and not resolved:
                    last_named = att
                elif resolved:
                    last_named = last_named
                if any(q in text for q in "“\"") or any(q in att.content for q in "“\""):
                    last_quote_speaker = (block, att)
            if frame == "according" and att.kind == "official" and att.person:
                last_named = att
        if not got_speech:
            t = fold(text).strip()
            # a quote continuing after its speaker: the whole sentence is a quotation, or it opens
            # a quotation and the previous sentence carried one by a named speaker
            if last_quote_speaker and t[:1] in "\"" and last_quote_speaker[0] in (block, block - 1):
                base = last_quote_speaker[1]
                out.append(Attribution(idx, base.speaker, "continued quote", "says", _strip_quotes(t), "continuation",
                                       base.kind, base.role, base.person, None, None, "quote"))
                continue
            if not t.endswith(("\"", "”")) or t.count('"') % 2 == 1:
                last_quote_speaker = None if block != (last_quote_speaker or (None,))[0] else last_quote_speaker
    return tuple(_open_quotes(sents, out))


_STRAIGHT_Q = re.compile(r'"')


def _quote_delta(t: str) -> int:
    """+1 when a sentence leaves a quotation open, -1 when it closes one opened before, else 0.
    A straight quote after a space or at the start opens; after a word or punctuation it closes."""
    opens, closes = t.count("“"), t.count("”")
    if '"' in t:
        for m in _STRAIGHT_Q.finditer(t):
            i = m.start()
            if i == 0 or t[i - 1] in " ([—–-":
                opens += 1
            else:
                closes += 1
    return 1 if opens > closes else -1 if closes > opens else 0


def _open_quotes(sents: tuple, out: list) -> list:
    """A quotation that runs over several sentences is its speaker's, whether the speaker is named
    before it ("Silva said: “... . ...”") or at its end ("“... . ...,” the minister said.")."""
    have = {a.sentence for a in out if a.frame in ("lead", "trail", "continuation")}
    speech = {a.sentence: a for a in out if a.frame in ("lead", "trail") and a.content}
    extra = []
    i = 0
    while i < len(sents):
        idx, block, text = sents[i]
        t = fold(text)
        if _quote_delta(t) == 1:
            # find where the quotation closes, in the same block
            j = i + 1
            while j < len(sents) and sents[j][1] == block and _quote_delta(fold(sents[j][2])) != -1:
                j += 1
            if j < len(sents) and sents[j][1] == block:
                group = [sents[k] for k in range(i, j + 1)]
                spk = speech.get(idx) or speech.get(sents[j][0])
                if spk is not None:
                    for k_idx, _, k_text in group:
                        if k_idx not in have:
                            extra.append(Attribution(k_idx, spk.speaker, "continued quote", "says",
                                                     _strip_quotes(fold(k_text).strip()), "continuation", spk.kind,
                                                     spk.role, spk.person, None, None, "quote"))
                            have.add(k_idx)
                i = j + 1
                continue
        i += 1
    return sorted(out + extra, key=lambda a: a.sentence)


def hedge_of(sentence: str, att: Attribution | None) -> str:
    """reported / alleged / anonymous / none: what the frame and the sentence put on the claim."""
    t = fold(sentence)
    if re.search(r"\ballegedly\b|\balleged\b", t, re.I):
        return "alleged"
    if att is not None and att.kind == "anonymous":
        return "anonymous"
    if _ANON.search(t) and re.search(r"\b(?:said|told|according)\b", t):
        return "anonymous"
    if _HEDGE_WORDS.search(t) or (att is not None and (att.kind == "outlet" or att.frame in ("according", "by"))):
        return "reported"
    return "none"
