"""Articles and their loaders: bare .txt, .md/.txt with YAML front matter.

An Article is a plain record: id (the file stem), metadata, and its blocks of text
split into sentences. Loading never guesses an outlet for bare text: an outlet named in
the text is a source the article cites, not its publisher.
"""
from __future__ import annotations

import datetime as dt
import pickle
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .config import PROJECT_FILE, parse_date
from .errors import SkippedSource, SourceError
from .formats import ARTICLE_FORMATS, ARTICLE_SUFFIXES
from .lazyre import lazy
from .text import (Block, decode_text, yaml_problem, fold_ws, is_boilerplate, looks_binary, looks_like_heading, safe_yaml,
                   split_blocks, split_sentences)

SUPPORTED = set(ARTICLE_SUFFIXES)
HTML = {".html", ".htm"}
FRONT_MATTER_KEYS = {"title", "outlet", "url", "published", "author", "language", "id"}
_HEADLINE_PREFIX = lazy(r"^(?:breaking(?: news)?|exclusive|update[d]?|live|analysis|opinion|watch)\s*[:|–—-]\s*", re.I)


class Packed(Sequence):
    """A list kept compressed in memory while a large set waits for its next stage: an article's
    sentences, date mentions and attributions cost a few KB instead of tens. Read it as a list
    (iterate, index, len); each read unpacks it again, except the last one read, which is kept.
    Only ever made in this process from the tool's own objects (never read from a file or the
    cache: the cache stores the list as plain data)."""

    __slots__ = ("_blob", "_n")

    def __init__(self, items=()):
        items = list(items)
        self._blob = zlib.compress(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._n = len(items)

    @classmethod
    def _of(cls, blob: bytes, n: int) -> "Packed":
        obj = cls.__new__(cls)
        obj._blob, obj._n = blob, n
        return obj

    def __reduce__(self):              # sent to a worker as it is, compressed
        return (Packed._of, (self._blob, self._n))

    def _items(self) -> list:
        last = _UNPACKED.get("last")
        if last is not None and last[0] is self:
            return last[1]
        items = pickle.loads(zlib.decompress(self._blob))
        _UNPACKED["last"] = (self, items)
        return items

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        return self._items()[i]

    def __iter__(self):
        return iter(self._items())

    def __eq__(self, other):
        return list(self) == list(other) if isinstance(other, (list, Packed)) else NotImplemented

    def __repr__(self) -> str:
        return f"Packed({self._n} items)"


_UNPACKED: dict = {}


def pack(article: "Article") -> "Article":
    """The article with its bulky lists packed (see ``Packed``); its metadata stays as it is."""
    for name in ("sentences", "mentions", "attributions", "cites"):
        v = getattr(article, name)
        if isinstance(v, list):
            setattr(article, name, Packed(v))
    if isinstance(article.sentence_cites, dict):        # read back as pairs (sources.prime_article)
        article.sentence_cites = Packed(article.sentence_cites.items())
    return article


@dataclass
class Sentence:
    article: str      # article id
    index: int        # position in the article, 0-based
    block: int        # index of the block it came from
    kind: str         # paragraph | bullet
    text: str         # whitespace folded, otherwise verbatim


@dataclass
class Article:
    id: str
    path: Path
    title: str
    title_inferred: bool = False
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    published_inferred: str | None = None   # when ``published`` was read from the text: how (dateline, lede)
    published_partial: tuple | None = None  # a dateline without a year: (month, day, weekday, None, what)
    author: str | None = None
    language: str | None = None
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)     # warnings about this file (encoding...)
    key: str | None = None          # content hash (the cache key), set by the pipeline
    cites: list | None = None       # attributions, filled by the pipeline (cached)
    mentions: list | None = None    # (sentence index, date Mention), filled by the pipeline (cached)
    sentence_cites: dict | None = None   # sentence index -> its attributions (cached)
    attributions: list | None = None     # who said what, per sentence (attribution.analyse), cached


def _split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    m = re.match(r"^---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.S)
    if not m:
        raise SourceError("front matter starts with '---' but has no closing '---' line", path)
    try:
        meta = safe_yaml(m.group(1)) or {}
    except yaml.YAMLError as e:
        raise SourceError(f"bad front matter ({yaml_problem(e, 2)})", path)
    if not isinstance(meta, dict):
        raise SourceError("bad front matter: expected 'key: value' lines", path)
    return meta, text[m.end():]


def _from_html(html: str, path: Path) -> tuple[dict, str]:
    """A saved web page: body text and metadata (title, site name, date, author) taken with
    trafilatura, a maintained extractor made for news pages (boilerplate, menus and comments
    are left out by it)."""
    try:
        import trafilatura
    except ImportError as e:  # pragma: no cover - a broken install
        raise SourceError(f"reading .html needs trafilatura ({e})", path)
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_precision=True)
    except Exception as e:  # the extractor's own parse errors
        raise SourceError(f"cannot extract an article from this HTML ({e})", path)
    if doc is None:
        raise SourceError("no article text found in this HTML page", path)
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    meta = {k: d.get(src) for k, src in (("title", "title"), ("outlet", "sitename"), ("published", "date"),
                                          ("author", "author"), ("url", "url"), ("language", "language"))
            if d.get(src)}

    lines = [ln.strip() for ln in (d.get("text") or "").split("\n") if ln.strip()]
    if lines and meta.get("title") and lines[0] == meta["title"]:
        lines = lines[1:]
    body = "\n\n".join(lines)
    if meta.get("published"):
        try:
            meta["published"] = parse_date(str(meta["published"])[:10])
        except ValueError:
            meta.pop("published")
    return meta, body


def _check_meta(meta: dict, path: Path) -> dict:
    problems, out = [], {}
    for k, v in meta.items():
        if k not in FRONT_MATTER_KEYS:
            continue  # unknown keys are kept out, not fatal: other tools add their own
        if v is None:
            continue
        if k == "published":
            try:
                out[k] = parse_date(v, "published")
            except ValueError as e:
                problems.append(str(e))
        elif isinstance(v, (str, int, float)) and str(v).strip():
            out[k] = str(v).strip()
        else:
            problems.append(f"{k}: expected text, got {type(v).__name__}")
    if problems:
        raise SourceError("bad front matter: " + "; ".join(problems), path)
    return out


def load_article(path: Path) -> Article:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SourceError(f"cannot read file ({e.strerror or e})", path)
    if not raw.strip():
        raise SkippedSource("empty file, skipped", path)
    kind = looks_binary(raw)
    if kind:
        raise SkippedSource(f"{kind}, not text; skipped", path)
    text, note = decode_text(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkippedSource("only whitespace, skipped", path)
    if path.suffix.lower() in HTML:
        meta, body = _from_html(text, path)
    else:
        meta, body = _split_front_matter(text, path)
    meta = _check_meta(meta, path)
    published_inferred = None
    partial = None
    if meta.get("published") is None:
        # no date in the metadata: a dateline ("OSLO, Feb. 15 (NTB) --") or a full date in the lede
        from .extract.dates import dateline_parts, infer_anchor
        parts = dateline_parts(body)
        if parts and parts[3] is None:
            # a dateline without a year ("NAIROBI, Sept 10 (Reuters) -"): its year is resolved
            # against the briefing's as-of date when the set is assembled, never today's date
            partial = parts
        else:
            found = infer_anchor(body)
            if found:
                meta["published"], published_inferred = found[0], found[2]

    blocks = split_blocks(body)
    title, inferred = meta.get("title"), False
    if not title:
        # bare text: a first line without final punctuation is a headline
        lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
        first = lines[0] if lines else ""
        # a first line that runs on into a lowercase second line is a hard wrap, not a headline
        wrapped = len(lines) > 1 and lines[1][:1].islower()
        if blocks and blocks[0].kind == "heading" and fold_ws(first) == blocks[0].text:
            title = blocks.pop(0).text
        elif first and not wrapped and looks_like_heading(first, first_line=True) and not is_boilerplate(first):
            title = fold_ws(first)
            if blocks and blocks[0].text.startswith(title):
                rest = blocks[0].text[len(title):].strip()
                blocks[0].text = rest
                if not rest:
                    blocks.pop(0)
    if title:
        title = _HEADLINE_PREFIX.sub("", title).strip() or title
    else:
        inferred = True
        first_sent = next((s for b in blocks if b.kind != "heading" for s in split_sentences(b.text)), "")
        from .text import short_words
        title = short_words(first_sent, 14).rstrip(",;:")
        title = title or path.stem
    if not any(b.kind != "heading" for b in blocks):
        raise SkippedSource("no article text (only headings or boilerplate), skipped", path)

    art = Article(id=str(meta.get("id") or path.stem), path=path, title=title, title_inferred=inferred,
                  outlet=meta.get("outlet"), url=meta.get("url"), published=meta.get("published"),
                  published_inferred=published_inferred, published_partial=partial,
                  author=meta.get("author"), language=meta.get("language"), blocks=blocks,
                  notes=[note] if note else [])
    n = 0
    for bi, b in enumerate(blocks):
        if b.kind == "heading":
            continue
        for s in split_sentences(b.text):
            art.sentences.append(Sentence(art.id, n, bi, b.kind, s))
            n += 1
    return art


def collect_sources(sources: list[Path], warn=None) -> list[Path]:
    """Files named, and the supported files directly inside folders named, sorted by name.

    The project file (briefing.yaml) and hidden files are skipped; other files a folder holds
    that are not articles (.docx, .pdf...) are named in one warning through ``warn``; a file
    named explicitly with an unsupported extension is an error.
    """
    files: list[Path] = []
    ignored: list[Path] = []
    for s in sources:
        s = Path(s)
        if s.is_dir():
            try:
                entries = sorted(s.iterdir())
            except OSError as e:
                raise SourceError(f"cannot list folder ({e.strerror or e})", s)
            for f in entries:
                try:
                    is_file = f.is_file()
                except OSError:          # a symlink loop or a dangling link: not an article
                    is_file = False
                if not is_file or f.name.startswith("."):
                    continue
                if f.suffix.lower() in SUPPORTED:
                    files.append(f)
                elif f.name != PROJECT_FILE:
                    ignored.append(f)
        elif s.is_file():
            if s.suffix.lower() not in SUPPORTED:
                raise SourceError(f"unsupported file type '{s.suffix or '(none)'}' "
                                  f"(articles are {ARTICLE_FORMATS} files)", s)
            files.append(s)
        else:
            raise SourceError("no such file or folder", s)
    if ignored and warn:
        names = ", ".join(str(f) for f in ignored[:8]) + (f" and {len(ignored) - 8} more" if len(ignored) > 8 else "")
        warn(f"warning: {len(ignored)} file{'s' if len(ignored) != 1 else ''} skipped, not articles "
             f"(articles are {ARTICLE_FORMATS} files): {names}")
    seen, out = set(), []
    for f in files:
        try:
            key = f.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if key not in seen:
            seen.add(key)
            out.append(f)
    if not out:
        where = ", ".join(str(s) for s in sources)
        raise SourceError(f"no articles found in {where} (articles are {ARTICLE_FORMATS} files)")
    return out


def load_articles(sources: list[Path], warn=None) -> list[Article]:
    """Every article of the sources; files that are not articles (empty, binary) are skipped
    with a warning through ``warn``; if none is left that is an error."""
    arts = []
    skipped = []
    for f in collect_sources(sources, warn=warn):
        try:
            arts.append(load_article(f))
        except SkippedSource as e:
            skipped.append(e)
            if warn:
                warn(f"warning: {e.message}")
    if not arts:
        raise SourceError(f"no articles to read: {len(skipped)} file{'s' if len(skipped) != 1 else ''} skipped "
                          f"({'; '.join(e.message for e in skipped[:3])})")
    for a in arts:
        for n in a.notes:
            if warn:
                warn(f"warning: {a.path}: {n}")
    check_ids(arts)
    return arts


def check_ids(arts: list[Article]) -> None:
    """Article ids are file stems and must be unique across the sources."""
    ids: dict[str, Path] = {}
    for a in arts:
        if a.id in ids:
            raise SourceError(f"two articles share the id '{a.id}' ({ids[a.id]} and {a.path}); "
                              "rename one file", a.path)
        ids[a.id] = a.path
