"""Command line: parse options, call the library, print, map errors. No work is done here."""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import BriefingError

DEMO = Path("seeds")


def _as_of(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-02-15")


def _sources(sources: tuple[str, ...]) -> list[Path]:
    if sources:
        return [Path(s) for s in sources]
    if DEMO.is_dir():
        return [DEMO]
    raise BriefingError("no SOURCES given and no ./seeds folder here; name the folders or files "
                        "holding the articles, e.g. `briefing build articles/`")


def _log(quiet: bool):
    return (lambda m: None) if quiet else (lambda m: click.echo(m, err=True))


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def sources_opts(f):
    f = click.option("--config", "-c", type=click.Path(dir_okay=False),
                     help="Project file (default: briefing.yaml next to the first source).")(f)
    f = click.option("--as-of", callback=_as_of, metavar="DATE",
                     help="Anchor date for dates without a year, YYYY-MM-DD (overrides the project file).")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="Print only errors.")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def cli():
    """Turn a folder of news articles into an intelligence-style briefing PDF.

    \b
    Quick start (in the repository root, which holds the demo project seeds/):
      briefing build                      # seeds/ -> briefing.pdf
    \b
    Your own articles (.txt or .md, optional YAML front matter):
      briefing build articles/ -o brief.pdf --as-of 2026-02-15
    \b
    Stop in the middle, edit, go on:
      briefing extract articles/ -o brief.yaml
      $EDITOR brief.yaml                  # drop a position, fix a date
      briefing render brief.yaml -o brief.pdf
    """


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--output", "-o", default="briefing.pdf", show_default=True, type=click.Path(dir_okay=False),
              help="PDF file to write (written atomically).")
@click.option("--layout", "-l", default=None, metavar="NAME|PATH",
              help="Layout name (project layouts/ first, then built-in) or folder. Default: analyst.")
@sources_opts
def build(sources, output, layout, config, as_of, quiet):
    """Read articles and write the briefing PDF in one step.

    SOURCES are folders (their .txt/.md files are read) and/or files. With none,
    the demo project ./seeds is used.

    \b
    Examples:
      briefing build
      briefing build articles/ extra/note.md -o out/brief.pdf
      briefing build articles/ --layout analyst --as-of 2026-02-15 --config project.yaml
    """
    from .api import build as do_build
    t0 = time.perf_counter()
    doc, fig = do_build(_sources(sources), output, config=config, layout=layout, as_of=as_of, log=_log(quiet))
    secs = time.perf_counter() - t0
    for w in fig["warnings"]:
        click.echo(f"warning: {w}", err=True)
    n_pos = sum(len(a["positions"]) for a in doc["actors"])
    n_src = sum(len(a.get("cites") or []) for a in doc["articles"])
    click.echo(f"{output}: {len(doc['articles'])} articles, {len(doc['actors'])} actors, {n_pos} positions, "
               f"{len(doc['chronology'])} chronology entries, {n_src} sources, {fig['pages']} pages, "
               f"{_size(fig['bytes'])}, {secs:.1f} s")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--output", "-o", default="briefing.yaml", show_default=True, type=click.Path(dir_okay=False),
              help="briefing/1 YAML file to write.")
@sources_opts
def extract(sources, output, config, as_of, quiet):
    """Read articles and write the briefing/1 YAML, to edit by hand and then render.

    \b
    Examples:
      briefing extract seeds -o seeds.yaml
      briefing extract articles/ -o brief.yaml --as-of 2026-02-15
    """
    from .api import extract as do_extract
    from .model import save_briefing
    t0 = time.perf_counter()
    doc = do_extract(_sources(sources), config=config, as_of=as_of, log=_log(quiet))
    save_briefing(doc, output)
    n_pos = sum(len(a["positions"]) for a in doc["actors"])
    click.echo(f"{output}: {len(doc['articles'])} articles, {len(doc['actors'])} actors, {n_pos} positions, "
               f"{len(doc['chronology'])} chronology entries, {time.perf_counter() - t0:.1f} s")


@cli.command()
@click.argument("briefing_file", type=click.Path())
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False),
              help="PDF file to write (default: the YAML file's name with .pdf).")
@click.option("--layout", "-l", default="analyst", show_default=True, metavar="NAME|PATH",
              help="Layout name or folder.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def render(briefing_file, output, layout, quiet):
    """Render a briefing/1 YAML file (from `extract`, perhaps edited) to PDF.

    The file is validated first; every problem is listed with its place in the
    document, e.g. `chronology[3].date: not a date`.

    \b
    Examples:
      briefing render brief.yaml -o brief.pdf
      briefing render brief.yaml --layout ./my-layout
    """
    from .api import render as do_render
    from .model import load_briefing
    t0 = time.perf_counter()
    src = Path(briefing_file)
    doc = load_briefing(src)
    out = Path(output) if output else src.with_suffix(".pdf")
    fig = do_render(doc, out, layout=layout, project_base=src.resolve().parent)
    for w in fig["warnings"]:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"{out}: {fig['pages']} pages, {_size(fig['bytes'])}, {time.perf_counter() - t0:.1f} s")


def main(argv=None, prog_name="briefing"):
    try:
        cli.main(args=argv, prog_name=prog_name, standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
