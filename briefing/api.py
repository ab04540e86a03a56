"""The library's public functions; the CLI is a thin shell over these."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import __version__
from .assemble import assemble
from .config import Project, find_project_file, load_project
from .layouts import find_layout
from .model import load_briefing, save_briefing, validate
from .render import render_to_file

__all__ = ["extract", "render", "build", "load_briefing", "save_briefing", "resolve_project"]


def resolve_project(sources: list[Path], config: Path | None) -> Project:
    path = Path(config) if config else find_project_file([Path(s) for s in sources])
    return load_project(path)


def extract(sources, config=None, as_of: dt.date | None = None, log=None, project: Project | None = None,
            cache_dir: Path | None | bool = True, workers: int | None = None, progress=None, stats: dict | None = None,
            max_article_mb: float | None = None) -> dict:
    """Read the articles and build the briefing/1 document (a dict).

    ``max_article_mb``: files larger than this are skipped with a warning (default
    ``pipeline.MAX_ARTICLE_MB``, 5 MB; 0 for no limit).

    ``cache_dir``: True for the default cache folder, a path, or False/None for no cache.
    ``workers``: processes for large sets (default: the machine's cores).
    ``progress(label, done, total)``: called during long work."""
    from .articles import check_ids, collect_sources
    from .errors import SourceError
    from .pipeline import Cache, default_cache_dir, load_all, positions_all, workers_default
    sources = [Path(s) for s in sources]
    project = project or resolve_project(sources, config)
    cache = Cache(default_cache_dir() if cache_dir is True else (cache_dir or None), warn=log)
    workers = workers or workers_default()
    paths = collect_sources(sources)
    articles = load_all(paths, cache, workers, progress, warn=log, max_article_mb=max_article_mb)
    if not articles:
        raise SourceError(f"no articles to read: all {len(paths)} file{'s' if len(paths) != 1 else ''} were skipped")
    check_ids(articles)
    for a in articles:
        for n in a.notes:
            if log:
                log(f"warning: {a.path}: {n}")
    if log:
        log(f"read {len(articles)} article{'s' if len(articles) != 1 else ''}"
            + (f" ({cache.hits} from the cache)" if cache.hits else ""))
    # the whole set unchanged (same files, same project, same anchor): the last result stands
    import hashlib
    set_key = hashlib.sha256(repr((
        [(a.key, str(a.path.name)) for a in articles],
        project.title, project.as_of, project.organisation, project.marking,
        [(x.name, x.aliases) for x in project.actors] if project.actors else None,
        str(as_of), "set-1", __version__)).encode()).hexdigest()
    doc = cache.get("briefing", set_key) if all(a.key for a in articles) else None
    if isinstance(doc, dict):
        if log:
            log("the articles are unchanged since the last run: extraction reused from the cache")
    else:
        doc = assemble(articles, project, as_of=as_of, log=log,
                       positions_fn=lambda arts, actors: positions_all(arts, actors, cache, workers, progress))
        if all(a.key for a in articles):
            cache.put("briefing", set_key, doc)
    cache.close()
    if stats is not None:
        stats.update({"articles": len(articles), "files": len(paths), "cache_hits": cache.hits,
                      "cache_misses": cache.misses, "workers": workers})
    return doc


def render(doc: dict, out, layout: str = "analyst", locale: str | None = None, project_base: Path | None = None,
           fmt: str = "pdf", standards: list[str] | None = None) -> dict:
    """Render a briefing/1 document to ``out`` (atomically): a PDF, or PNG/SVG pages.

    ``locale``: None takes the layout's default (else English). ``standards``: PDF standards
    (None: the layout's, by default PDF/A-2b and PDF/UA-1; [] for none). Returns figures."""
    problems = validate(doc)
    if problems:
        from .errors import ValidationError
        raise ValidationError(problems)
    lay = find_layout(layout, project_base)
    loc = locale or lay.settings.get("locale") or "en"
    return render_to_file(doc, lay, Path(out), loc, fmt, standards)


def build(sources, out, config=None, layout: str | None = None, as_of=None, locale: str | None = None, log=None,
          fmt: str = "pdf", standards: list[str] | None = None, cache_dir=True, progress=None,
          stats: dict | None = None) -> tuple[dict, dict]:
    sources = [Path(s) for s in sources]
    from .model import check_output
    check_output(Path(out))                        # a device or pipe is refused before any work
    project = resolve_project(sources, config)
    if locale or project.locale_set:
        from .i18n import get_locale
        get_locale(locale or project.locale)      # a bad locale fails before any work
    doc = extract(sources, as_of=as_of, log=log, project=project, cache_dir=cache_dir, progress=progress, stats=stats)
    figures = render(doc, out, layout=layout or project.layout,
                     locale=locale or (project.locale if project.locale_set else None),
                     project_base=project_base(project, sources), fmt=fmt, standards=standards)
    return doc, figures


def project_base(project: Project, sources: list[Path]) -> Path:
    """Where a project's own layouts/ folder is looked for: next to the project file, else the sources."""
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
               outbox: Path | None = None, log=None, cache_dir=True):
    """Build one edition per distinct (layout, locale), one message per audience; then write the
    outbox (mode "outbox"), send over SMTP ("send") or only report ("dry-run").

    Returns (jobs, result) where result is the outbox paths, the outcomes, or None."""
    from .distribute import Edition, Ledger, build_message, load_distribution, send_all, write_outbox
    from .i18n import Localizer, get_locale
    log = log or (lambda m: None)
    dist = load_distribution(distribution)
    if outbox:
        dist.outbox = Path(outbox)
    for a in dist.audiences:
        get_locale(a.locale)
    sources = [Path(s) for s in sources]
    project = resolve_project(sources, config)
    base = project_base(project, sources)
    for a in dist.audiences:
        find_layout(a.layout, base)                    # every layout known before any work
    doc = extract(sources, as_of=as_of, log=log, project=project, cache_dir=cache_dir)
    editions: dict[tuple[str, str], Edition] = {}
    for a in dist.audiences:
        key = (a.layout, a.locale)
        if key not in editions:
            pdf, pages = render_edition(doc, a.layout, a.locale, base)
            editions[key] = Edition(a.layout, a.locale, pdf, pages)
            log(f"edition {a.layout}/{a.locale}: {pages} pages, {len(pdf) / 1024:.0f} KB")
            if len(pdf) > dist.max_attachment_mb * 1024 * 1024:
                log(f"warning: edition {a.layout}/{a.locale} is {len(pdf) / 1024 / 1024:.1f} MB, over the "
                    f"{dist.max_attachment_mb:g} MB attachment limit; some servers will refuse it")
    jobs = [(a, editions[(a.layout, a.locale)], build_message(doc, a, editions[(a.layout, a.locale)], dist, Localizer(a.locale)))
            for a in dist.audiences]
    if mode == "dry-run":
        return dist, jobs, None
    if mode == "outbox":
        return dist, jobs, write_outbox(jobs, dist.outbox)
    ledger = Ledger(dist.ledger)
    return dist, jobs, send_all(jobs, dist, ledger, resend=resend, log=log)
