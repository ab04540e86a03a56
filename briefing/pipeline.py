"""Per-article work, cached and spread over processes.

Two per-article stages are worth keeping between runs:

1. analysis: reading, cleaning, sentences, attributions, date mentions; it depends only on the
   file's bytes (and the extractor version);
2. positions: which sentences are which actor's; it depends on the file and on the actors
   (their names and aliases, including the people learnt from the set).

Both are cached by content hash in a folder the user can clear (``briefing cache clear``;
default ``$BRIEFING_CACHE_DIR``, else ``$XDG_CACHE_HOME/briefing``, else ``~/.cache/briefing``),
as JSON in one SQLite file (``cache.py``: no entry can run code; a foreign folder is refused).
Large sets use a process pool across the machine's cores, or a Dask cluster (``Executor``:
``--executor``). Everything else (resolving dates
against the anchor, merging, ranking) is set-level and cheap, and is done afresh every run.
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import __version__
from .articles import Article, load_article, pack
from .cache import Cache  # noqa: F401  (the cache: SQLite, JSON entries; see cache.py)
from .errors import SkippedSource

# bump when what a stage produces changes: old cache entries are then simply not found

STAGE_VERSION = {"analysis": "8", "positions": "10"}
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
    art.blocks = []        # read into sentences; nothing later needs them (less to send back, hold, cache)
    return path, pack(art), None


_MATCHER = {}


def _items(args):
    """Worker: one article's claims and raw event mentions for these actors and as-of date."""
    article, actors, sig, as_of = args
    from .extract.chronology import article_mentions
    from .extract.positions import ActorMatcher, positions_in
    m = _MATCHER.get(sig)
    if m is None:
        _MATCHER.clear()
        m = _MATCHER[sig] = ActorMatcher(actors)
    return positions_in(article, m), article_mentions(article, as_of, matcher=m if actors else None)


POOL_WINDOW = 4          # batches in flight per worker process (bounds results waiting in order)
POOL_BATCH = 256         # at most this many articles a batch

DASK_HINT = "pip install 'briefing[dask]'"
DASK_WINDOW = 2000       # articles in flight at once on a Dask cluster (bounds the client's memory)
DASK_CONNECT_TIMEOUT = 30  # seconds to reach a Dask scheduler (tcp://...)
DASK_BATCH = 32          # at most this many articles a Dask task


class Executor:
    """Where per-article work runs. ``map`` yields the results in the order of ``items`` (never
    in completion order), so the briefing does not depend on the executor. ``keys``: a content
    per item (its stage and content hash, or None), which names the task where tasks have names
    (Dask)."""

    name = "local"

    def map(self, fn, items: list, keys: list | None = None, progress=None, label: str = ""):
        total = len(items)
        for done, it in enumerate(items, 1):
            r = fn(it)
            _tick(progress, label, done, total)
            yield r

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _tick(progress, label, done, total):
    if progress and (done % 50 == 0 or done == total):
        progress(label, done, total)


class ProcessExecutor(Executor):
    """A process pool on this machine (below ``POOL_MIN`` articles, the work stays in-process).
    One pool serves every stage of a run, started at the first stage that needs it (on a first
    run, before the set is held here: the workers do not start as copies of a large set). Work
    goes out in batches, a few per worker at a time, so results wait in order without piling up."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"processes:{workers}"
        self._pool = None

    def _start(self):
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def map(self, fn, items, keys=None, progress=None, label=""):
        total = len(items)
        if self.workers <= 1 or total < POOL_MIN:
            yield from Executor.map(self, fn, items, keys, progress, label)
            return
        from collections import deque
        ex = self._start()
        size = max(8, min(POOL_BATCH, total // (self.workers * 16)))
        pending: deque = deque()
        nxt = done = 0
        try:
            while done < total:
                while nxt < total and len(pending) < self.workers * POOL_WINDOW:
                    pending.append(ex.submit(_batch, fn, items[nxt:nxt + size]))
                    nxt += size
                for r in pending.popleft().result():
                    done += 1
                    _tick(progress, label, done, total)
                    yield r
        finally:
            for f in pending:
                f.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _need_dask():
    try:
        import distributed  # noqa: F401
    except ImportError as e:
        from .errors import BriefingError
        raise BriefingError(f"the Dask executor needs Dask distributed, which is not installed ({e}); "
                            f"install it with: {DASK_HINT}")
    return distributed


class DaskExecutor(Executor):
    """Dask distributed: a local cluster (``address`` None) or an existing scheduler
    (``tcp://HOST:PORT``). Each task is named by its stage and content hash
    (``analysis-<sha256>``), so a re-run or a second client submitting the same work while the
    cluster still holds it gets the finished result. The cluster is started (or reached) on
    first use, so a run served whole from the cache never touches it. Workers read the article
    files by path: on a real cluster they must see the same paths (a shared file system)."""

    def __init__(self, address: str | None = None, workers: int | None = None):
        _need_dask()
        self.address = address
        self.workers = workers
        self.name = address or (f"dask:{workers}" if workers else "dask")
        self._client = None
        self._cluster = None

    @property
    def client(self):
        if self._client is None:
            from distributed import Client, LocalCluster
            if self.address:
                try:
                    self._client = Client(self.address, set_as_default=False, timeout=DASK_CONNECT_TIMEOUT)
                except (OSError, TimeoutError) as e:
                    from .errors import BriefingError
                    raise BriefingError(f"cannot reach the Dask scheduler at {self.address} ({e})")
            else:
                self._cluster = LocalCluster(n_workers=self.workers or workers_default(), threads_per_worker=1,
                                             processes=True, host="127.0.0.1", dashboard_address=None)
                self._client = Client(self._cluster, set_as_default=False)
        return self._client

    def map(self, fn, items, keys=None, progress=None, label=""):
        total = len(items)
        if not total:
            return
        client = self.client
        keys = keys or [None] * total
        # a task per article costs the scheduler (in this process) about as much as the article:
        # large sets go in batches of consecutive articles, named by their members' hashes
        slots = max(1, sum(client.nthreads().values()))
        size = max(1, min(DASK_BATCH, total // (slots * 16)))
        batches = [(items[i:i + size], keys[i:i + size]) for i in range(0, total, size)]
        pending: list = []
        nxt = 0
        done = 0
        while done < total:
            while nxt < len(batches) and len(pending) * size < DASK_WINDOW:     # a window in flight
                its, ks = batches[nxt]
                if len(its) == 1:
                    k = ks[0]
                    pending.append(client.submit(_one, fn, its[0], key=k, pure=k is not None))
                else:
                    k = _batch_key(ks)
                    pending.append(client.submit(_batch, fn, its, key=k, pure=k is not None))
                nxt += 1
            fut = pending.pop(0)
            rs = fut.result()
            fut.release()
            for r in rs:
                done += 1
                _tick(progress, label, done, total)
                yield r

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _one(fn, item):
    return [fn(item)]


def _batch(fn, items):
    return [fn(it) for it in items]


def _batch_key(keys: list) -> str | None:
    """A batch's task name: its stage and the hash of its members' names (None if one has none)."""
    if any(k is None for k in keys):
        return None
    stage = keys[0].split("-", 1)[0]
    return f"{stage}-batch-{hashlib.sha256(chr(0).join(keys).encode()).hexdigest()}"


def parse_executor(spec: str | None) -> tuple[str, object]:
    """``local``, ``processes[:N]``, ``dask[:N]`` or ``tcp://HOST:PORT`` -> (kind, argument);
    ValueError with a message for anything else."""
    s = (spec or "processes").strip()
    if s == "local":
        return "local", None
    if s.startswith("tcp://") or s.startswith("tls://"):
        rest = s.split("://", 1)[1]
        host, _, port = rest.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"expected {s.split('://')[0]}://HOST:PORT, not {s!r}")
        return "address", s
    kind, _, n = s.partition(":")
    if kind in ("processes", "dask"):
        if not n:
            return kind, None
        if n.isdigit() and int(n) > 0:
            return kind, int(n)
        raise ValueError(f"expected a number of workers after '{kind}:', not {n!r}")
    raise ValueError(f"unknown executor {s!r} (choose local, processes[:N], dask[:N] or tcp://HOST:PORT)")


def make_executor(spec, workers: int | None = None) -> Executor:
    """An Executor from a spec (see ``parse_executor``; None: ``$BRIEFING_EXECUTOR``, else a
    process pool of ``workers`` or the machine's cores), or an Executor or a number of workers
    as is. A Dask spec without Dask installed fails here, before any work."""
    if isinstance(spec, Executor):
        return spec
    if spec is None:
        spec = os.environ.get("BRIEFING_EXECUTOR") or None
    if spec is None or isinstance(spec, int):
        n = spec if isinstance(spec, int) else workers
        return ProcessExecutor(n or workers_default())
    try:
        kind, arg = parse_executor(spec)
    except ValueError as e:
        from .errors import BriefingError
        raise BriefingError(f"--executor: {e}")
    if kind == "local":
        return Executor()
    if kind == "processes":
        return ProcessExecutor(arg or workers or workers_default())
    if kind == "dask":
        return DaskExecutor(None, arg)
    return DaskExecutor(arg)


def _map(fn, items, workers, progress, label: str, keys=None):
    """The results of ``fn`` over ``items``, in order; ``workers`` is an Executor or a number of
    processes."""
    if isinstance(workers, Executor):
        yield from workers.map(fn, items, keys, progress, label)
        return
    with ProcessExecutor(workers) as ex:        # a pool for this stage alone
        yield from ex.map(fn, items, keys, progress, label)


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
            pack(hit)
            hit.path = p
            hit.key = k
            out[str(p)] = hit
        else:
            todo.append(str(p))
    if progress and len(out):
        progress("cached", len(out), len(paths))
    for path, art, skip in _map(_analyse, todo, workers, progress, "reading",
                                 [f"analysis-{keys[t]}" if t in keys else None for t in todo]):
        if skip:
            if warn:
                warn(f"warning: {path}: {skip}")
            continue
        art.path = Path(path)        # a task named by content may have been run for another path
        out[path] = art
        if path in keys:
            art.key = keys[path]
            cache.put("analysis", keys[path], art)
    cache.flush()
    return [out[str(p)] for p in paths if str(p) in out]


def items_all(articles: list[Article], actors, as_of, cache: Cache, workers: int = 1, progress=None):
    """(claims, event mentions) of every article for these actors and as-of date, yielded article
    after article in order (cached by article, actor set, as-of date and the article's date as
    the set made it)."""
    sig = hashlib.sha256(repr([(a.name, sorted(a.terms)) for a in actors]).encode()).hexdigest()
    keys = []
    for art in articles:
        k = hashlib.sha256(f"{STAGE_VERSION['positions']}/{sig}/{as_of}/{art.published}/{art.published_inferred}/"
                           f"{getattr(art, 'key', None) or id(art)}".encode()).hexdigest()
        keys.append(k if getattr(art, "key", None) else None)

    def todo():
        for art, k in zip(articles, keys):
            if k is None or not cache.has("positions", k):
                yield art, k

    pending = list(todo())
    fresh = _map(_items, [(art, actors, sig, as_of) for art, _ in pending], workers, progress, "positions",
                 [f"positions-{k}" if k else None for _, k in pending])
    waiting = {id(art) for art, _ in pending}
    for art, k in zip(articles, keys):
        if id(art) in waiting:
            res = next(fresh)
            if k:
                cache.put("positions", k, list(res))
        else:
            hit = cache.get("positions", k)
            res = hit if isinstance(hit, list) and len(hit) == 2 else _items((art, actors, sig, as_of))
        art.attributions = None     # read only by this stage (and cached): not held for the merge
        yield tuple(res)
        # merged by now: the set keeps the article's metadata and cites, not its text
        art.sentences, art.mentions = [], []
    cache.flush()
