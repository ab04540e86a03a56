"""The library's public functions; the CLI is a thin shell over these."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import __version__
from .config import Project, find_project_file, load_project
from .layouts import find_layout
from .model import load_briefing, save_briefing, validate

__all__ = ["extract", "render", "build", "load_briefing", "save_briefing", "resolve_project"]


def resolve_project(sources: list[Path], config: Path | None) -> Project:
    path = Path(config) if config else find_project_file([Path(s) for s in sources])
    return load_project(path)


def extract(sources, config=None, as_of: dt.date | None = None, log=None, project: Project | None = None,
            cache_dir: Path | None | bool = True, workers: int | None = None, progress=None, stats: dict | None = None,
            since=None, reliability=None, max_article_mb: float | None = None, written: dict | None = None,
            executor=None) -> dict:
    """Read the articles and build the briefing/1 document (a dict).

    ``written``: a dict the caller passes when it will write the briefing/1 file; for a set
    unchanged since a run that wrote it (same files, project, reliability table, no ``since``)
    it receives ``{"yaml": text}``, the file's text as written then (writing it is most of an
    unchanged re-run).

    ``max_article_mb``: files larger than this are skipped with a warning (default
    ``pipeline.MAX_ARTICLE_MB``, 5 MB; 0 for no limit).

    ``cache_dir``: True for the default cache folder, a path, or False/None for no cache.
    ``workers``: processes for large sets (default: the machine's cores).
    ``executor``: where per-article work runs: ``local``, ``processes[:N]``, ``dask[:N]`` (a local
    Dask cluster), ``tcp://HOST:PORT`` (a Dask scheduler) or a ``pipeline.Executor`` (default:
    ``$BRIEFING_EXECUTOR``, else a process pool); the briefing is the same whatever runs it.
    ``progress(label, done, total)``: called during long work.
    ``since``: an earlier edition (file, folder of editions, or a document) to compare with;
    ``reliability``: the outlet reliability file (default: the project file's ``reliability``)."""
    from .articles import collect_sources
    from .pipeline import Cache, default_cache_dir, file_key, make_executor, workers_default
    sources = [Path(s) for s in sources]
    project = project or resolve_project(sources, config)
    table = reliability_table(project, reliability, since)       # a bad file fails before any work
    runner = make_executor(executor, workers)                    # and so does a missing Dask
    cache = Cache(default_cache_dir() if cache_dir is True else (cache_dir or None), warn=log)
    workers = workers or workers_default()
    say = log or (lambda m: None)
    paths = collect_sources(sources, warn=log)
    # the whole set unchanged (same files, same project, same anchor): the last result stands,
    # found from the files' bytes alone, so that no article is analysed and no extractor imported.
    # What that run told the user (skipped files, the inferred as-of date, the actors it picked)
    # is kept with it and told again.
    set_key = None
    if cache.root:
        import hashlib
        h = hashlib.sha256(repr((
            project.title, project.as_of, project.organisation, project.marking,
            [(x.name, x.aliases) for x in project.actors] if project.actors else None,
            as_of, "set-2", __version__)).encode())
        for p in paths:
            try:
                h.update(f"{p.name}\0{file_key(p, p.read_bytes())}\0".encode())
            except OSError:
                h = None
                break
        set_key = h.hexdigest() if h else None
    hit = cache.get("briefing", set_key) if set_key else None
    if isinstance(hit, dict) and isinstance(hit.get("doc"), dict) and isinstance(hit.get("log"), list):
        doc = hit["doc"]
        n = len(doc.get("articles") or [])
        for line in [x for x in hit["log"] if x.startswith("warning:")]:
            say(line)
        say(f"read {_n(n, 'article')} (all from the cache: unchanged since the last run)")
        for line in [x for x in hit["log"] if not x.startswith("warning:")]:
            say(line)
        if stats is not None:
            stats.update({"articles": n, "files": len(paths), "cache_hits": n, "cache_misses": 0, "workers": workers})
        text_key = _text_key(set_key, table) if since is None else None
        text = cache.get("briefing-yaml", text_key) if written is not None and text_key else None
        if isinstance(text, str):
            written["yaml"] = text
            written["key"] = None
            cache.close()
            return doc                        # counts only: the file's text is the graded one
        out = edition(doc, table, since, say)
        if written is not None and text_key:
            written["key"], written["cache_dir"] = text_key, cache.root
        cache.close()
        return out
    told: list[str] = []

    def tell(m: str) -> None:            # what is said during extraction, kept to be said again
        told.append(m)
        say(m)
    try:
        with runner:
            doc = _extract_fresh(paths, project, as_of, say, tell, cache, runner, progress, stats, max_article_mb)
        if set_key:
            cache.put("briefing", set_key, {"doc": doc, "log": told})
    finally:
        cache.close()
    if written is not None and set_key and since is None:
        written["key"], written["cache_dir"] = _text_key(set_key, table), cache.root
    return edition(doc, table, since, say)


def _text_key(set_key: str | None, table: dict) -> str | None:
    import hashlib
    return hashlib.sha256(f"{set_key}\0{sorted(table.items())!r}\0yaml-1".encode()).hexdigest() if set_key else None


def remember_text(written: dict, text: str) -> None:
    """Keep the written briefing/1 text of a set for its next unchanged run."""
    if written.get("key") and written.get("cache_dir"):
        from .pipeline import Cache
        c = Cache(written["cache_dir"])
        c.put("briefing-yaml", written["key"], text)
        c.close()


def reliability_table(project: Project, reliability=None, since=None) -> dict:
    """The outlet reliability letters (grading.py) of ``--reliability`` or the project file's
    ``reliability``; and a ``since`` path that does not exist is refused here, before any work."""
    from .grading import load_reliability, reliability_path
    if since is not None and not isinstance(since, dict) and not Path(since).exists():
        from .errors import BriefingError
        raise BriefingError("no such edition file or folder (--since)", since)
    path = reliability_path(project, reliability)
    return load_reliability(path) if path else {}


def edition(doc: dict, table: dict, since=None, log=None) -> dict:
    """Grade every item (grading.py); with ``since``, mark what is new, updated and dropped
    against that earlier edition (editions.py)."""
    from .grading import grade
    grade(doc, table)
    if since is not None:
        from .editions import compare, load_previous
        prev = since if isinstance(since, dict) else load_previous(since, doc.get("as_of"), log)
        compare(doc, prev)
    return doc


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _extract_fresh(paths, project, as_of, say, tell, cache, workers, progress, stats, max_article_mb=None) -> dict:
    from .articles import check_ids
    from .assemble import assemble
    from .errors import SourceError
    from .pipeline import items_all, load_all
    articles = load_all(paths, cache, workers, progress, warn=tell, max_article_mb=max_article_mb)
    if not articles:
        raise SourceError(f"no articles to read: all {_n(len(paths), 'file')} were skipped")
    check_ids(articles)
    for a in articles:
        for note in a.notes:
            tell(f"warning: {a.path}: {note}")
    # said, not kept: a later run from the cache says its own
    say(f"read {_n(len(articles), 'article')}" + (f" ({cache.hits} from the cache)" if cache.hits else ""))
    doc = assemble(articles, project, as_of=as_of, log=tell,
                   items_fn=lambda arts, actors, anchor: items_all(arts, actors, anchor, cache, workers, progress))
    if stats is not None:
        stats.update({"articles": len(articles), "files": len(paths), "cache_hits": cache.hits,
                      "cache_misses": cache.misses, "workers": getattr(workers, "workers", 1),
                      "executor": workers.name})
    return doc


def render(doc: dict, out, layout: str = "analyst", locale: str | None = None, project_base: Path | None = None,
           fmt: str = "pdf", standards: list[str] | None = None, warn=None, edited: bool = False) -> dict:
    """Render a briefing/1 document to ``out`` (atomically): a PDF, or PNG/SVG pages.

    ``locale``: None takes the layout's default (else English). ``standards``: PDF standards
    (None: the layout's, by default PDF/A-2b and PDF/UA-1; [] for none). Returns figures."""
    problems = validate(doc)
    if problems:
        from .errors import ValidationError
        raise ValidationError(problems)
    from .render import render_to_file          # Typst and Babel: only when something is rendered
    from .model import reconcile_bluf
    reconcile_bluf(doc, warn)
    if edited:
        from .extract.chronology import rejudge
        doc = rejudge(doc)                    # anomaly flags judged again on the (edited) file
    lay = find_layout(layout, project_base)
    loc = locale or lay.settings.get("locale") or "en"
    return render_to_file(doc, lay, Path(out), loc, fmt, standards)


def build(sources, out, config=None, layout: str | None = None, as_of=None, locale: str | None = None, log=None,
          fmt: str = "pdf", standards: list[str] | None = None, cache_dir=True, progress=None,
          stats: dict | None = None, since=None, reliability=None, executor=None) -> tuple[dict, dict]:
    sources = [Path(s) for s in sources]
    from .model import check_output
    check_output(Path(out))                        # a device or pipe is refused before any work
    project = resolve_project(sources, config)
    if locale or project.locale_set:
        from .i18n import get_locale
        get_locale(locale or project.locale)      # a bad locale fails before any work
    base = project_base(project, sources)
    find_layout(layout or project.layout, base)   # and so does a layout name that is not found
    doc = extract(sources, as_of=as_of, log=log, project=project, cache_dir=cache_dir, progress=progress, stats=stats,
                  since=since, reliability=reliability, executor=executor)
    figures = render(doc, out, layout=layout or project.layout,
                     locale=locale or (project.locale if project.locale_set else None),
                     project_base=base, fmt=fmt, standards=standards)
    return doc, figures


def project_base(project: Project, sources: list[Path]) -> Path:
    """The project folder, whose layouts/ is searched first (then ./layouts, then the built-in
    layouts): the project file's folder, else the first source's."""
    if project.base:
        return project.base
    s = Path(sources[0])
    return s if s.is_dir() else s.parent


def render_edition(doc: dict, layout: str, locale: str | None, project_base: Path | None):
    """Render one edition in memory: (pdf bytes, pages)."""
    from .render import compile_layout, count_pages, present, timestamp_for
    lay = find_layout(layout, project_base)
    loc = locale or lay.settings.get("locale") or "en"
    view = present(doc, lay, loc)
    pages, _ = compile_layout(view, lay, "pdf", lay.settings.get("pdf_standards", ["a-2b", "ua-1"]),
                              timestamp_for(doc.get("as_of")))
    return pages[0], count_pages(pages[0])


def distribute(sources, distribution, config=None, as_of=None, mode: str = "outbox", resend: bool = False,
               outbox: Path | None = None, log=None, cache_dir=True, resend_in_doubt: bool = True,
               lock_wait: float = 60.0, since=None, reliability=None, executor=None):
    """Build one edition per distinct (layout, locale), one message per audience; then write the
    outbox (mode "outbox"), send over SMTP ("send": one transaction per recipient, under the outbox's
    lock, with the write-ahead ledger) or only report ("dry-run").

    Each audience's edition is compared with ``since`` when given, else with the last edition
    sent to that audience (kept next to the ledger), and leads with what changed.

    Returns (dist, jobs, result) where result is the outbox paths, a SendResult (the outcomes), or None."""
    from .distribute import (Edition, Ledger, SendLock, build_message, check_subjects, load_distribution,
                             send_all, write_outbox, DistributionError)
    from .i18n import Localizer, get_locale
    log = log or (lambda m: None)
    dist = load_distribution(distribution)
    if outbox:
        dist.outbox = Path(outbox)
    for a in dist.audiences:
        get_locale(a.locale)
    sources = [Path(s) for s in sources]
    project = resolve_project(sources, config)
    check_subjects(dist, project.title, project.organisation, project.path or dist.path)
    base = project_base(project, sources)
    for a in dist.audiences:
        find_layout(a.layout, base)                    # every layout known before any work
    for n in dist.notes:
        log(f"note: {n}")
    if mode == "send":
        from .distribute import _password
        _password(dist)                                # a missing password fails before any work
    doc = extract(sources, as_of=as_of, log=log, project=project, cache_dir=cache_dir, reliability=reliability,
                  since=since, executor=executor)
    docs = per_audience(doc, dist, since, log)            # editions.py: each audience's "since"
    editions: dict[tuple, Edition] = {}
    for a in dist.audiences:
        key = (a.layout, a.locale, docs[a.name][2])
        if key not in editions:
            pdf, pages = render_edition(docs[a.name][0], a.layout, a.locale, base)
            editions[key] = Edition(a.layout, a.locale, pdf, pages)
            log(f"edition {a.layout}/{a.locale}: {pages} pages, {len(pdf) / 1024:.0f} KB")
            if len(pdf) > dist.max_attachment_mb * 1024 * 1024:
                log(f"warning: edition {a.layout}/{a.locale} is {len(pdf) / 1024 / 1024:.1f} MB, over the "
                    f"{dist.max_attachment_mb:g} MB attachment limit; some servers will refuse it")
    personal = mode == "send"
    jobs = [(a, editions[(a.layout, a.locale, docs[a.name][2])],
             build_message(docs[a.name][0], a, editions[(a.layout, a.locale, docs[a.name][2])], dist,
                           Localizer(a.locale), personal=personal))
            for a in dist.audiences]
    if mode == "dry-run":
        return dist, jobs, None
    if mode == "outbox":
        return dist, jobs, write_outbox(jobs, dist.outbox)
    with SendLock(dist.lock, wait=lock_wait, log=log) as lock:
        if lock.reserved is False:
            raise DistributionError("no space left next to the ledger (could not reserve 64 KB for it); "
                                    "nothing was sent", dist.ledger.parent)
        ledger = Ledger(dist.ledger, reserve=lock)
        ledger.open()
        try:
            result = send_all(jobs, dist, ledger, resend=resend, log=log, resend_in_doubt=resend_in_doubt)
        finally:
            ledger.close()
        result.ledger_problems = list(ledger.problems)
        from .editions import remember_sent
        remember_sent(dist, docs, result)
        return dist, jobs, result


def per_audience(doc: dict, dist, since, log=None) -> dict:
    """audience name -> (its edition's document, the edition it is compared with, a key of that
    edition): ``since`` for all when given (already applied by ``extract``), else the last edition
    sent to the audience, so that each list reads what changed since its own last message."""
    import copy
    from .editions import compare, fingerprint, remembered
    if since is not None:
        return {a.name: (doc, None, "since", fingerprint(doc)) for a in dist.audiences}
    raw = fingerprint(doc)
    out = {}
    by_base: dict[str, dict] = {}
    for a in dist.audiences:
        prev = remembered(dist, a.name, raw)
        if prev is None:
            out[a.name] = (doc, None, None, raw)
            continue
        k = fingerprint(prev)
        if k not in by_base:
            by_base[k] = compare(copy.deepcopy(doc), prev)
        out[a.name] = (by_base[k], prev, k, raw)
    return out


def article_text(path: Path) -> tuple[dict, str, list[int] | None]:
    """(metadata, body, offsets) of one article file, the body exactly as stored after the
    front matter. Reading folds CR LF to LF; when it did, ``offsets`` maps each position of the
    folded body (and its end) to the position in the body as stored, else it is None."""
    from .articles import HTML, _check_meta, _from_html, _split_front_matter
    from .errors import SkippedSource
    from .text import decode_text, looks_binary
    path = Path(path)
    raw = path.read_bytes()
    if not raw.strip() or looks_binary(raw):
        raise SkippedSource("not an article (empty or binary), skipped", path)
    text, _ = decode_text(raw)
    folded = text.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() in HTML:
        meta, body = _from_html(folded, path)
        return _check_meta(meta, path), body, None
    meta, body = _split_front_matter(folded, path)
    meta = _check_meta(meta, path)
    if folded == text:
        return meta, body, None
    # positions in the folded text -> positions in the original text
    pos = []
    i = 0
    while i < len(text):
        pos.append(i)
        i += 2 if text.startswith("\r\n", i) else 1
    pos.append(len(text))
    start = len(folded) - len(body)
    base = pos[start]
    return meta, body, [p - base for p in pos[start:]]


def dates(sources, as_of: dt.date | None = None, today: dt.date | None = None, log=None) -> list[dict]:
    """What the date tagger sees in each article: every temporal expression (TIMEX3 type and
    value, offsets into the body as stored after the front matter), and whether the chronology
    takes it as an event's date, and if not why.

    The document date (the anchor of relative expressions) is the article's ``published``, else
    one inferred from its dateline or lede (``infer_anchor``), else ``as_of``."""
    from .articles import collect_sources
    from .errors import SkippedSource
    from .extract.dates import infer_anchor, resolve, tag, timexes, value_precision
    out = []
    for path in collect_sources([Path(s) for s in sources]):
        try:
            meta, body, offsets = article_text(path)
        except SkippedSource as e:
            if log:
                log(f"warning: {e.message}")
            continue
        published = meta.get("published")
        anchor, anchor_how = published, "published" if published else None
        if anchor is None:
            inf = infer_anchor(body, today=today)
            if inf:
                anchor, anchor_how = inf[0], inf[2]
        if anchor is None and as_of:
            anchor, anchor_how = as_of, "the as-of date"
        found = timexes(body, anchor)
        # the chronology's own tagger, per line, to say which expressions become events
        legacy = []
        pos = 0
        for line in body.split("\n"):
            for men in tag(line):
                legacy.append((pos + men.start, pos + men.end, men, line))
            pos += len(line) + 1
        rows = []
        for t in found:
            date, precision = value_precision(t.value)
            event, why = False, None
            if t.type == "DURATION":
                why = "a duration, not a point in time"
            elif t.type == "SET":
                why = "a recurrence, not a point in time"
            elif not t.anchors_event:
                why = f"no calendar date ({t.value})"
            else:
                hit = next((x for x in legacy if x[0] < t.end and t.start < x[1]), None)
                if hit is None:
                    why = "not taken by the chronology's tagger"
                else:
                    r = resolve(hit[2], hit[3], published, as_of or anchor)
                    event = r.date is not None
                    why = None if event else (r.inferred or "unresolved")
            s, e = (t.start, t.end) if offsets is None else (offsets[t.start], offsets[t.end])
            rows.append({"start": s, "end": e, "text": t.text, "type": t.type, "value": t.value,
                         "date": date, "precision": precision, "event": event, "why": why, "flag": t.flag,
                         "rule": t.rule})
        out.append({"doc_id": path.stem, "path": str(path), "published": published.isoformat() if published else None,
                    "anchor": anchor.isoformat() if anchor else None, "anchor_how": anchor_how, "timexes": rows})
    return out
