"""Per-article work, cached and spread over processes.

Two per-article stages are worth keeping between runs:

1. analysis: reading, cleaning, sentences, attributions, date mentions; it depends only on the
   file's bytes (and the extractor version);
2. positions: which sentences are which actor's; it depends on the file and on the actors
   (their names and aliases, including the people learnt from the set).

Both are cached by content hash in a folder the user can clear (``briefing cache clear``;
default ``$BRIEFING_CACHE_DIR``, else ``$XDG_CACHE_HOME/briefing``, else ``~/.cache/briefing``),
as JSON in one SQLite file (``cache.py``: no entry can run code; a foreign folder is refused).
Large sets use a process pool across the machine's cores. Everything else (resolving dates
against the anchor, merging, ranking) is set-level and cheap, and is done afresh every run.
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import __version__
from .articles import Article, load_article
from .cache import Cache  # noqa: F401  (the cache: SQLite, JSON entries; see cache.py)
from .errors import SkippedSource

# bump when what a stage produces changes: old cache entries are then simply not found

STAGE_VERSION = {"analysis": "8", "positions": "7"}
POOL_MIN = 200           # below this many articles, a process pool costs more than it saves
MAX_ARTICLE_MB = 5.0     # a larger file is skipped with a warning (--max-article-mb changes it)


def default_cache_dir() -> Path:
    if os.environ.get("BRIEFING_CACHE_DIR"):
        return Path(os.environ["BRIEFING_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


def file_key(path: Path, raw: bytes) -> str:
    h = hashlib.sha256()
    h.update(f"{__version__}/{STAGE_VERSION['analysis']}/{path.stem}/{path.suffix.lower()}\0".encode())
    h.update(raw)
    return h.hexdigest()


def _analyse(path: str):
    """Worker: (path, article or None, skip message or None). Exceptions other than a skip
    propagate (they are the user's errors: bad front matter...)."""
    from .extract.dates import tag
    from .extract.sources import article_cites, sentence_cites
    try:
        art = load_article(Path(path))
    except SkippedSource as e:
        return path, None, e.message
    from .extract.attribution import analyse
    art.attributions = analyse(art.sentences)     # read once, by the source notes and the claims
    art.cites = article_cites(art.sentences)
    art.sentence_cites = sentence_cites(art.sentences)
    art.mentions = [(s.index, m) for s in art.sentences for m in tag(s.text)]
    return path, art, None


_MATCHER = {}


def _positions(args):
    article, actors, sig = args
    from .extract.positions import ActorMatcher, positions_in
    m = _MATCHER.get(sig)
    if m is None:
        _MATCHER.clear()
        m = _MATCHER[sig] = ActorMatcher(actors)
    return positions_in(article, m)


def _map(fn, items, workers: int, progress, label: str):
    total = len(items)
    done = 0
    if workers > 1 and total >= POOL_MIN:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            for r in ex.map(fn, items, chunksize=max(8, total // (workers * 16))):
                done += 1
                if progress and (done % 50 == 0 or done == total):
                    progress(label, done, total)
                yield r
    else:
        for it in items:
            r = fn(it)
            done += 1
            if progress and (done % 50 == 0 or done == total):
                progress(label, done, total)
            yield r


def workers_default() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def too_big(path: Path, max_mb: float | None) -> str | None:
    """Why a file is skipped for its size, or None (a file that cannot be stat'ed is left to the
    loader, which says why it cannot be read)."""
    limit = MAX_ARTICLE_MB if max_mb is None else max_mb
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if limit > 0 and size > limit * 1024 * 1024:
        return (f"{size / 1024 / 1024:.1f} MB, over the {limit:g} MB limit for an article; skipped "
                "(--max-article-mb to change it)")
    return None


def load_all(paths: list[Path], cache: Cache, workers: int = 1, progress=None, warn=None,
             max_article_mb: float | None = None) -> list[Article]:
    """Analyse every file (cached by content); skipped files (too big, empty, binary...) are
    warned about."""
    out: dict[str, Article] = {}
    keys: dict[str, str] = {}
    todo = []
    for p in paths:
        big = too_big(p, max_article_mb)
        if big:
            if warn:
                warn(f"warning: {p}: {big}")
            continue
        try:
            raw = p.read_bytes()
        except OSError:
            todo.append(str(p))          # let the loader report it with its message
            continue
        k = keys[str(p)] = file_key(p, raw)
        hit = cache.get("analysis", k)
        if isinstance(hit, Article):
            hit.path = p
            hit.key = k
            out[str(p)] = hit
        else:
            todo.append(str(p))
    if progress and len(out):
        progress("cached", len(out), len(paths))
    for path, art, skip in _map(_analyse, todo, workers, progress, "reading"):
        if skip:
            if warn:
                warn(f"warning: {path}: {skip}")
            continue
        out[path] = art
        if path in keys:
            art.key = keys[path]
            cache.put("analysis", keys[path], art)
    cache.flush()
    from .extract.sources import prime
    arts = [out[str(p)] for p in paths if str(p) in out]
    for a in arts:
        by_index = {s.index: s.text for s in a.sentences}
        for i, cites in (getattr(a, "sentence_cites", None) or {}).items():
            prime(by_index[i], cites)
        for s in a.sentences:
            if s.index not in (getattr(a, "sentence_cites", None) or {}):
                prime(s.text, ())
    return arts


def positions_all(articles: list[Article], actors, cache: Cache, workers: int = 1, progress=None) -> list:
    """Positions of every article for these actors (cached by article and actor set)."""
    sig = hashlib.sha256(repr([(a.name, sorted(a.terms)) for a in actors]).encode()).hexdigest()
    results: dict[int, list] = {}
    todo = []
    for i, art in enumerate(articles):
        k = hashlib.sha256(f"{STAGE_VERSION['positions']}/{sig}/{getattr(art, 'key', None) or id(art)}".encode()).hexdigest()
        hit = cache.get("positions", k) if getattr(art, "key", None) else None
        if isinstance(hit, list):
            results[i] = hit
        else:
            todo.append((i, k))
    items = [(articles[i], actors, sig) for i, _ in todo]
    for (i, k), res in zip(todo, _map(_positions, items, workers, progress, "positions")):
        results[i] = res
        if getattr(articles[i], "key", None):
            cache.put("positions", k, res)
    cache.flush()
    return [p for i in range(len(articles)) for p in results[i]]
