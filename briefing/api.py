"""The library's public functions; the CLI is a thin shell over these."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .articles import load_articles
from .assemble import assemble
from .config import Project, find_project_file, load_project
from .errors import BriefingError
from .layouts import find_layout
from .model import load_briefing, save_briefing, validate
from .render import render_to_file

__all__ = ["extract", "render", "build", "load_briefing", "save_briefing", "resolve_project"]


def resolve_project(sources: list[Path], config: Path | None) -> Project:
    path = Path(config) if config else find_project_file([Path(s) for s in sources])
    return load_project(path)


def extract(sources, config=None, as_of: dt.date | None = None, log=None, project: Project | None = None) -> dict:
    """Read the articles and build the briefing/1 document (a dict)."""
    sources = [Path(s) for s in sources]
    project = project or resolve_project(sources, config)
    articles = load_articles(sources)
    if log:
        log(f"read {len(articles)} article{'s' if len(articles) != 1 else ''}")
    return assemble(articles, project, as_of=as_of, log=log)


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
          fmt: str = "pdf", standards: list[str] | None = None) -> tuple[dict, dict]:
    sources = [Path(s) for s in sources]
    project = resolve_project(sources, config)
    if locale or project.locale_set:
        from .i18n import get_locale
        get_locale(locale or project.locale)      # a bad locale fails before any work
    doc = extract(sources, as_of=as_of, log=log, project=project)
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
