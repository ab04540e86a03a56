"""Text handling: web boilerplate, blocks (headings, paragraphs, bullets) and sentences.

Nothing here knows about any particular article: the rules are those of news English.
"""
from __future__ import annotations

import contextlib
import gc
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from .lazyre import lazy


@lru_cache(maxsize=None)
def data_file(name: str):
    """A YAML file from briefing/data (general data: outlets, boilerplate, words)."""
    with resources.files("briefing.data").joinpath(name).open("r", encoding="utf-8") as f:
        # the package's own files: libyaml's safe loader where PyYAML has it (outlets.yaml takes
        # a second to parse in pure Python, a fifth of that with libyaml)
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@contextlib.contextmanager
def no_gc():
    """The cyclic garbage collector paused while a big acyclic structure is built (a YAML
    document, its node tree, a cache entry): its passes over the growing heap were about half of
    the time; everything built is freed by reference counting as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


MAX_YAML_DEPTH = 64       # nesting deeper than this is refused (a hostile file, not a briefing)


class _Checked:
    """Loader mixin: a value that does not construct (``2026-02-30``, ``!!int abc``) is a YAML
    error with its position, not a ValueError from deep inside PyYAML."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError, UnicodeError) as e:
            raise yaml.constructor.ConstructorError(None, None, f"invalid value ({e})", node.start_mark)


class _NoAliasLoader(_Checked, yaml.SafeLoader):
    """Safe YAML without anchors and aliases (a file from elsewhere cannot make a billion
    laughs) and nested at most MAX_YAML_DEPTH deep (nor exhaust the stack)."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(None, None, "aliases (*name) are not allowed here",
                                                    event.start_mark)
        if self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            if self._depth >= MAX_YAML_DEPTH:
                raise yaml.constructor.ConstructorError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep",
                                                        self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_CLoader = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
if _CLoader is not None:
    class _CNoAliasLoader(_Checked, _CLoader):
        """libyaml's parser, used only for text that cannot hold an alias or deep nesting (see
        ``_c_can_load``): the same result as ``_NoAliasLoader``, several times faster."""
else:                                             # pragma: no cover - PyYAML without libyaml
    _CNoAliasLoader = None

# an anchor or alias starts after a line start, a space or a flow indicator; in text that has
# none of these no alias can occur (a quote with " *" merely takes the pure-Python path)
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,\ufeff])[&*]", re.M)
# a collection opens with [ or { after one of these (or a tag); [] and {} are empty ones
_FLOW_OPEN = re.compile(r"(?:^|[:\-,\[{?]|![^\s\[\]{},]*)[ \t]*[\[{](?![\]}])", re.M)
# block nesting needs indentation (or "- " / "? " indicators) at least half as deep
_DEEP_BLOCK = re.compile(r"^[ \t?\-]{%d,}" % (MAX_YAML_DEPTH // 2), re.M)


def _c_can_load(text: str) -> bool:
    """Whether libyaml may parse this text: no possible alias, and a nesting depth provably
    under the limit (libyaml has no depth limit and overflows the C stack on deep nesting)."""
    if _CNoAliasLoader is None or _MAYBE_ALIAS.search(text) or _DEEP_BLOCK.search(text):
        return False
    n = 0
    for _ in _FLOW_OPEN.finditer(text):
        n += 1
        if n >= MAX_YAML_DEPTH // 2:
            return False
    return True


def _loader_classes(extra: dict | None):
    """(C loader or None, Python loader), with ``extra`` constructors {tag: function}."""
    if not extra:
        return _CNoAliasLoader, _NoAliasLoader
    key = tuple(sorted(extra.items()))
    got = _LOADERS.get(key)
    if got is None:
        py = type("_Loader", (_NoAliasLoader,), {})
        c = type("_CLoader", (_CNoAliasLoader,), {}) if _CNoAliasLoader else None
        for cls in (py, c):
            if cls is not None:
                for tag, fn in extra.items():
                    cls.add_constructor(tag, fn)
        got = _LOADERS[key] = (c, py)
    return got


_LOADERS: dict = {}


def safe_yaml(text: str, constructors: dict | None = None):
    """yaml.safe_load without aliases and without deep nesting (YAMLError on either, with its
    position), through libyaml's C parser when the text allows it. ``constructors`` replaces
    the constructors of some tags."""
    c, py = _loader_classes(constructors)
    try:
        with no_gc():
            return yaml.load(text, Loader=c if c is not None and _c_can_load(text) else py)
    except (ValueError, TypeError, OverflowError, RecursionError) as e:
        raise yaml.YAMLError(f"invalid value ({e})") from None


def decode_text(raw: bytes) -> tuple[str, str | None]:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1252 /
    Latin-1. Returns (text, note) where note says when a fallback was used."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), None
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                     (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(enc, errors="replace"), None
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "not UTF-8; read as Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "not UTF-8; read as Latin-1"


def looks_binary(raw: bytes) -> str | None:
    """The kind of a binary file, or None for text."""
    head = raw[:8]
    for magic, kind in ((b"%PDF", "a PDF"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
                        (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a zip archive (or Office document)"),
                        (b"\x1f\x8b", "a gzip archive")):
        if head.startswith(magic):
            return kind
    sample = raw[:4096]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "a binary file"
    return None


_BOUNDARY = re.compile(r",\s+(?=(?:which|who|whom|whose|as|while|whereas|although|though|after|before|because|"
                       r"since|adding|saying|noting|citing|according|where|when|following|despite|amid|with|"
                       r"[a-z]+ing)\b)|;\s+|\s+[—–]\s+|:\s+")


def short_words(text: str, words: int) -> str:
    """A shorter, complete text: the words up to the last clause boundary that fits (a relative,
    participial or subordinate clause is dropped whole); when no boundary fits, the whole text.
    Never a cut marked with "…": printed text is complete."""
    t = (text or "").strip()
    if len(t.split()) <= words:
        return t
    best = None
    for m in _BOUNDARY.finditer(t):
        head = t[:m.start()].rstrip(",;:— ")
        n = len(head.split())
        if n > words:
            break
        if n >= 5 and head.count("“") == head.count("”") and head.count('"') % 2 == 0:
            best = head
    if best is None:
        return t
    end = "." if t.rstrip()[-1:] in ".!?" and best[-1:] not in ".!?" else ""
    return best + end


def yaml_problem(e: Exception, line_offset: int = 1) -> str:
    """'line N: what is wrong' for a YAML error (line_offset: where the YAML starts in its file)."""
    mark = getattr(e, "problem_mark", None)
    where = f"line {mark.line + line_offset}: " if mark else ""
    return f"{where}{getattr(e, 'problem', None) or e}"


_WS = re.compile(r"\s+")


def fold_ws(s: str) -> str:
    return _WS.sub(" ", s).strip()


# ---------------------------------------------------------------- boilerplate

_URL = lazy(r"^(?:<)?(?:https?://|www\.)\S+(?:>)?$", re.I)
_SLUG = lazy(r"^/?[a-z0-9]+(?:[-_][a-z0-9]+){2,}(?:\.html?|/)?$")


@lru_cache(maxsize=1)
def _boilerplate_patterns():
    pats = data_file("boilerplate.yaml")["line_patterns"]
    return [re.compile(p, re.I) for p in pats]


def is_boilerplate(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _URL.match(s) or _SLUG.match(s):
        return True
    return any(p.search(s) for p in _boilerplate_patterns())


# ---------------------------------------------------------------- blocks

_BULLET = lazy(r"^\s*(?:[•●▪◦‣·*\-–—]|\d{1,2}[.)])\s+")
_TERMINAL = lazy(r"""[.!?:;…]["'”’»)\]]*$""")


@dataclass
class Block:
    kind: str      # heading | paragraph | bullet
    text: str


def looks_like_heading(line: str, first_line: bool = False) -> bool:
    """A heading: short, no final punctuation, mostly capitalised. The first line of a bare text
    file may be a sentence-case headline ("Kenya urges restraint as row deepens")."""
    s = line.strip()
    if not s or len(s) > 120 or _TERMINAL.search(s):
        return False
    words = s.split()
    if len(words) > 16:
        return False
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return caps / len(words) >= 0.5 or len(words) <= 6 or (first_line and s[:1].isupper())


def split_blocks(body: str) -> list[Block]:
    """Paragraphs (blank-line separated, hard line breaks joined), headings and bullets.

    A line ending without final punctuation, alone in its paragraph, is a heading; a line
    ending without final punctuation inside a paragraph is a hard wrap and is joined.
    """
    blocks: list[Block] = []
    for para in re.split(r"\n\s*\n", body):
        lines = [ln.rstrip() for ln in para.split("\n") if ln.strip()]
        lines = [ln for ln in lines if not is_boilerplate(ln)]
        if not lines:
            continue
        if len(lines) == 1 and looks_like_heading(lines[0]) and not _BULLET.match(lines[0]):
            blocks.append(Block("heading", fold_ws(lines[0])))
            continue
        buf: list[str] = []

        def flush():
            if buf:
                blocks.append(Block("paragraph", fold_ws(" ".join(buf))))
                buf.clear()

        for ln in lines:
            if _BULLET.match(ln):
                flush()
                blocks.append(Block("bullet", fold_ws(_BULLET.sub("", ln, count=1))))
            elif blocks and blocks[-1].kind == "bullet" and not buf and ln.startswith((" ", "\t")):
                blocks[-1].text = fold_ws(blocks[-1].text + " " + ln)
            else:
                buf.append(ln.strip())
        flush()
    return blocks


# ---------------------------------------------------------------- sentences

_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "adm",
    "cmdr", "gov", "sen", "rep", "rev", "fr", "st", "sr", "jr", "hon", "amb", "pres", "supt",
    "insp", "brig", "mt", "ft", "no", "nos", "vol", "art", "sec", "fig", "approx", "vs", "cf",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
_COMPANY = {"inc", "ltd", "co", "corp", "plc", "llc", "etc", "al"}
# words that start sentences: after an ambiguous abbreviation (U.S., Inc.) they mark a break
_STARTERS = {
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we",
    "i", "his", "her", "their", "our", "in", "on", "at", "but", "and", "or", "yet", "so", "if",
    "when", "while", "after", "before", "as", "however", "meanwhile", "still", "there", "some",
    "many", "most", "both", "all", "no", "not", "for", "with", "by", "from", "since", "during",
    "despite", "although", "though", "such", "according", "officials", "analysts", "experts",
    "critics", "what", "why", "how", "who", "where", "one", "two", "three", "several", "later",
    "earlier", "also", "instead", "then", "last", "next", "further", "moreover", "indeed",
}

_CAND = lazy(r"""([.!?…]+)(["'”’»)\]]*)(\s+)(?=["'“‘«(\[]?[\w])""")


_NEXT_WORD = re.compile(r"""["'“‘«(\[]?([\w'’-]+)""")


def _prev_token(text: str, end: int) -> str:
    """The run of non-space characters ending at ``end`` (looked for backwards from there: the
    text before it is never copied, so a long paragraph costs linear time, not quadratic)."""
    if end > 0 and text[end - 1] == "\n":       # as `(\S+)$` did: `$` also matches before a final newline
        end -= 1
    i = end
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return text[i:end]


def _is_break(text: str, m: re.Match) -> bool:
    punct, closer = m.group(1), m.group(2)
    nword = _NEXT_WORD.match(text, m.end())
    nw = nword.group(1) if nword else ""
    if not nw:
        return False
    if punct != ".":                       # ? ! … : break unless the next word is lowercase
        return not nw[:1].islower()
    if closer:                             # ." or .) : a closed quote or bracket ends here
        return not nw[:1].islower()
    if nw[:1].islower():
        return False
    prev = _prev_token(text, m.start(1) + 1)
    core = prev.rstrip(".").lstrip("\"'“‘(«[")
    low = core.lower()
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]?", core + ".") and len(core) <= 1:
        return False                       # an initial: "J. Smith"
    if re.fullmatch(r"(?:[A-Za-z]\.){1,}[A-Za-z]", core):
        # an acronym with dots (U.S., U.N., e.g.): a break only before a sentence starter
        return nw.lower() in _STARTERS and nw not in ("US",)
    if len(core) == 1 and core.isalpha() and core.isupper():
        return False
    if low in _TITLES:
        return False
    if low in _COMPANY:
        return nw.lower() in _STARTERS
    if re.fullmatch(r"\d+", core) and nw[:1].isdigit():
        return False
    return True


MAX_SENTENCE = 1500   # longer runs without a sentence end are cut at spaces: no regex sees more


def _chunks(s: str, n: int = MAX_SENTENCE) -> list[str]:
    if len(s) <= n:
        return [s]
    out = []
    while len(s) > n:
        cut = s.rfind(" ", n // 2, n)
        cut = cut if cut > 0 else n
        out.append(s[:cut].strip())
        s = s[cut:].strip()
    if s:
        out.append(s)
    return out


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; survives abbreviations, initials, quotes, decimals.
    A run of over 1,500 characters without a sentence end is cut at spaces into pieces."""
    return [c for s in _split_sentences(text) for c in _chunks(s)]


def _split_sentences(text: str) -> list[str]:
    text = fold_ws(text)
    out, start = [], 0
    for m in _CAND.finditer(text):
        if _is_break(text, m):
            cut = m.end(2)
            s = text[start:cut].strip()
            if s:
                out.append(s)
            start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def normalize_quotes(s: str) -> str:
    """For matching only (never for output): NFKC, straight quotes, ASCII hyphens."""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"[\u2018\u2019\u02bc]", "'", s)
    s = re.sub(r"[\u201c\u201d]", '"', s)
    return re.sub(r"[\u2010\u2011\u2012\u2013]", "-", s)
