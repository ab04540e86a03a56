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


def render(doc: dict, out, layout: str = "analyst", locale: str = "en", project_base: Path | None = None) -> dict:
    """Render a briefing/1 document to a PDF at ``out`` (atomically). Returns figures."""
    problems = validate(doc)
    if problems:
        from .errors import ValidationError
        raise ValidationError(problems)
    lay = find_layout(layout, project_base)
    return render_to_file(doc, lay, Path(out), locale)


def build(sources, out, config=None, layout: str | None = None, as_of=None, locale: str | None = None, log=None) -> tuple[dict, dict]:
    sources = [Path(s) for s in sources]
    project = resolve_project(sources, config)
    doc = extract(sources, as_of=as_of, log=log, project=project)
    base = project.base or (sources[0] if sources[0].is_dir() else sources[0].parent)
    figures = render(doc, out, layout=layout or project.layout, locale=locale or project.locale,
                     project_base=base)
    return doc, figures
