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


class Progress:
    """A progress bar on stderr for long work; silent when stderr is not a terminal or with -q."""

    def __init__(self, quiet: bool):
        self.on = not quiet and sys.stderr.isatty()
        self.bar = None
        self.label = None

    def __call__(self, label: str, done: int, total: int):
        if not self.on or total < 100:
            return
        if label != self.label:
            self.close()
            self.label = label
            self.bar = click.progressbar(length=total, label=label.ljust(10), file=sys.stderr, show_pos=True)
            self.bar.__enter__()
            self.last = 0
        self.bar.update(done - self.last)
        self.last = done
        if done >= total:
            self.close()

    def close(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
            self.label = None


def _cache_arg(no_cache: bool, cache_dir):
    if no_cache:
        return False
    return Path(cache_dir) if cache_dir else True


def _max_article(ctx, param, value):
    from . import pipeline
    if value is not None:
        if value < 0:
            raise click.BadParameter("expected a size in MB (0 for no limit)")
        pipeline.MAX_ARTICLE_MB = value
    return value


def sources_opts(f):
    f = click.option("--max-article-mb", type=float, default=5.0, show_default=True, expose_value=False,
                     callback=_max_article, metavar="MB",
                     help="Skip (with a warning) articles larger than this; 0 for no limit.")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary (JSON) on stdout.")(f)
    f = click.option("--no-cache", is_flag=True, help="Do not read or write the per-article cache.")(f)
    f = click.option("--cache-dir", type=click.Path(file_okay=False), envvar="BRIEFING_CACHE_DIR",
                     help="Cache folder (default: $XDG_CACHE_HOME/briefing or ~/.cache/briefing; "
                          "`briefing cache clear` empties it).")(f)
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


def render_opts(f):
    f = click.option("--pdf-standard", "standards", multiple=True, metavar="STD",
                     help="PDF standard to meet (repeatable): a-2b, ua-1, ...; 'none' for plain PDF. "
                          "Default: the layout's (PDF/A-2b and PDF/UA-1).")(f)
    f = click.option("--format", "-f", "fmt", type=click.Choice(["pdf", "png", "svg"]), default="pdf", show_default=True,
                     help="pdf, or png/svg pages for previews (one file per page: NAME-1.png, ...).")(f)
    f = click.option("--locale", metavar="LOCALE",
                     help="Language and date formats, e.g. en, fr, de_CH, es, ar (default: project file, then layout).")(f)
    return f


def _standards(values):
    if not values:
        return None
    if any(v.lower() == "none" for v in values):
        return []
    from .layouts import STANDARDS
    bad = [v for v in values if v not in STANDARDS]
    if bad:
        raise click.BadParameter(f"unknown standard {', '.join(bad)} (choose from {', '.join(sorted(STANDARDS))}, none)",
                                 param_hint="--pdf-standard")
    return list(values)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--output", "-o", default="briefing.pdf", show_default=True, type=click.Path(dir_okay=False),
              help="File to write (written atomically).")
@click.option("--layout", "-l", default=None, metavar="NAME|PATH",
              help="Layout name (project layouts/ first, then built-in) or folder. Default: analyst.")
@render_opts
@sources_opts
def build(sources, output, layout, locale, fmt, standards, config, as_of, quiet, cache_dir, no_cache, as_json):
    """Read articles and write the briefing PDF in one step.

    SOURCES are folders (their .txt/.md files are read) and/or files. With none,
    the demo project ./seeds is used.

    \b
    Examples:
      briefing build
      briefing build articles/ extra/note.md -o out/brief.pdf
      briefing build articles/ --layout analyst --as-of 2026-02-15 --config project.yaml
      briefing build articles/ --layout executive --locale fr -o note-fr.pdf
      briefing build articles/ --layout mobile --format png -o preview.png
    """
    from .api import build as do_build
    t0 = time.perf_counter()
    progress = Progress(quiet or as_json)
    stats: dict = {}
    try:
        doc, fig = do_build(_sources(sources), output, config=config, layout=layout, as_of=as_of,
                            log=_log(quiet or as_json), locale=locale, fmt=fmt, standards=_standards(standards),
                            cache_dir=_cache_arg(no_cache, cache_dir), progress=progress, stats=stats)
    finally:
        progress.close()
    secs = time.perf_counter() - t0
    for w in fig["warnings"]:
        click.echo(f"warning: {w}", err=True)
    n_pos = sum(len(a["positions"]) for a in doc["actors"])
    n_src = sum(len(a.get("cites") or []) for a in doc["articles"])
    if as_json:
        import json
        click.echo(json.dumps({"output": fig["files"], "format": fmt, "articles": len(doc["articles"]),
                               "actors": len(doc["actors"]), "positions": n_pos,
                               "chronology": len(doc["chronology"]), "sources": n_src, "pages": fig["pages"],
                               "bytes": fig["bytes"], "seconds": round(secs, 3), "as_of": doc.get("as_of"),
                               "pdf_standards": fig["standards"], "warnings": fig["warnings"],
                               "cache": {"hits": stats.get("cache_hits", 0), "misses": stats.get("cache_misses", 0)}}))
        return
    where = output if fmt == "pdf" else f"{fig['files'][0]} .. {Path(fig['files'][-1]).name}"
    click.echo(f"{where}: {len(doc['articles'])} articles, {len(doc['actors'])} actors, {n_pos} positions, "
               f"{len(doc['chronology'])} chronology entries, {n_src} sources, {fig['pages']} pages, "
               f"{_size(fig['bytes'])}, {secs:.1f} s")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--output", "-o", default="briefing.yaml", show_default=True, type=click.Path(dir_okay=False),
              help="briefing/1 YAML file to write.")
@sources_opts
def extract(sources, output, config, as_of, quiet, cache_dir, no_cache, as_json):
    """Read articles and write the briefing/1 YAML, to edit by hand and then render.

    \b
    Examples:
      briefing extract seeds -o seeds.yaml
      briefing extract articles/ -o brief.yaml --as-of 2026-02-15
    """
    from .api import extract as do_extract
    from .model import save_briefing
    t0 = time.perf_counter()
    progress = Progress(quiet or as_json)
    stats: dict = {}
    try:
        doc = do_extract(_sources(sources), config=config, as_of=as_of, log=_log(quiet or as_json),
                         cache_dir=_cache_arg(no_cache, cache_dir), progress=progress, stats=stats)
    finally:
        progress.close()
    save_briefing(doc, output)
    n_pos = sum(len(a["positions"]) for a in doc["actors"])
    if as_json:
        import json
        click.echo(json.dumps({"output": str(output), "articles": len(doc["articles"]), "actors": len(doc["actors"]),
                               "positions": n_pos, "chronology": len(doc["chronology"]), "as_of": doc.get("as_of"),
                               "seconds": round(time.perf_counter() - t0, 3),
                               "cache": {"hits": stats.get("cache_hits", 0), "misses": stats.get("cache_misses", 0)}}))
        return
    click.echo(f"{output}: {len(doc['articles'])} articles, {len(doc['actors'])} actors, {n_pos} positions, "
               f"{len(doc['chronology'])} chronology entries, {time.perf_counter() - t0:.1f} s")


@cli.command()
@click.argument("briefing_file", type=click.Path())
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False),
              help="PDF file to write (default: the YAML file's name with .pdf).")
@click.option("--layout", "-l", default="analyst", show_default=True, metavar="NAME|PATH",
              help="Layout name (layouts/ next to the file first, then built-in) or folder.")
@render_opts
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def render(briefing_file, output, layout, locale, fmt, standards, quiet):
    """Render a briefing/1 YAML file (from `extract`, perhaps edited) to PDF.

    The file is validated first; every problem is listed with its place in the
    document, e.g. `chronology[3].date: not a date`.

    \b
    Examples:
      briefing render brief.yaml -o brief.pdf
      briefing render brief.yaml --layout ./my-layout
      briefing render brief.yaml --layout executive --locale de -o brief-de.pdf
    """
    from .api import render as do_render
    from .i18n import get_locale
    from .model import check_output, load_briefing
    t0 = time.perf_counter()
    src = Path(briefing_file)
    if locale:
        get_locale(locale)
    doc = load_briefing(src)
    out = Path(output) if output else src.with_suffix("." + fmt)
    check_output(out, [src])                     # never the input itself (a YAML file named x.pdf)
    fig = do_render(doc, out, layout=layout, project_base=src.resolve().parent, locale=locale, fmt=fmt,
                    standards=_standards(standards))
    for w in fig["warnings"]:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"{out}: {fig['pages']} pages, {_size(fig['bytes'])}, {time.perf_counter() - t0:.1f} s")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--distribution", "-d", required=True, type=click.Path(dir_okay=False),
              help="Distribution file: from, smtp, audiences (layout, locale, to, cc).")
@click.option("--send", "mode", flag_value="send", help="Deliver over SMTP (only what the ledger does not hold yet).")
@click.option("--dry-run", "mode", flag_value="dry-run", help="Print who would get what, with sizes; write and send nothing.")
@click.option("--resend", is_flag=True, help="With --send: send again even what the ledger says was accepted.")
@click.option("--outbox", type=click.Path(file_okay=False), help="Outbox folder (default: the file's `outbox`, else ./outbox next to it).")
@sources_opts
def distribute(sources, distribution, mode, resend, outbox, config, as_of, quiet, cache_dir, no_cache, as_json):
    """Build one edition per audience and write the messages to an outbox, or send them.

    Without --send nothing is sent: one .eml per audience goes to the outbox. With --send,
    a ledger next to the outbox records every recipient the server accepted, so running
    again after a failure sends only what is missing, and an unchanged edition is not sent
    twice. The SMTP password comes only from the environment variable the file names.

    \b
    Examples:
      briefing distribute --distribution lists.yaml --dry-run
      briefing distribute articles/ -d lists.yaml              # writes outbox/*.eml
      BRIEFING_SMTP_PASSWORD=... briefing distribute articles/ -d lists.yaml --send
    \b
    Distribution file:
      from: "Briefing Desk <desk@example.org>"
      smtp: {host: smtp.example.org, port: 587, security: starttls,
             username: desk, password_env: BRIEFING_SMTP_PASSWORD}
      subject: "{title} — {as_of} ({audience})"
      audiences:
        - {name: leadership, layout: executive, locale: en, to: [minister@example.org]}
    """
    from .api import distribute as do_distribute
    mode = mode or "outbox"
    t0 = time.perf_counter()
    dist, jobs, result = do_distribute(_sources(sources), distribution, config=config, as_of=as_of, mode=mode,
                                       resend=resend, outbox=outbox, log=_log(quiet),
                                       cache_dir=_cache_arg(no_cache, cache_dir))
    if mode == "dry-run":
        for aud, ed, msg in jobs:
            size = len(msg.as_bytes())
            click.echo(f"{aud.name}: {ed.layout}/{ed.locale}, {ed.pages} pages, PDF {_size(len(ed.pdf))}, "
                       f"message {_size(size)} -> {', '.join(aud.recipients)}")
        click.echo(f"dry run: {len(jobs)} messages to {sum(len(a.recipients) for a, _, _ in jobs)} recipients; nothing written or sent")
        return
    if mode == "outbox":
        for p in result:
            click.echo(str(p))
        click.echo(f"{len(result)} messages written to {dist.outbox} (nothing sent; use --send to deliver), "
                   f"{time.perf_counter() - t0:.1f} s")
        return
    width = max((len(o.recipient) for o in result), default=9)
    aw = max((len(o.audience) for o in result), default=8)
    for o in result:
        tries = f" after {o.attempts} tries" if o.attempts > 1 else ""
        click.echo(f"{o.audience.ljust(aw)}  {o.recipient.ljust(width)}  {o.status}{tries}  {o.detail}")
    counts = {k: sum(1 for o in result if o.status == k) for k in ("sent", "already sent", "refused", "failed")}
    click.echo(f"{counts['sent']} sent, {counts['already sent']} already sent, {counts['refused']} refused, "
               f"{counts['failed']} failed; ledger {dist.ledger}; {time.perf_counter() - t0:.1f} s")
    if counts["sent"] == 0 and counts["already sent"] and not (counts["refused"] or counts["failed"]):
        click.echo("nothing to send: every recipient already has this edition (use --resend to send again)")
    if counts["refused"] or counts["failed"]:
        raise click.exceptions.Exit(1)


@cli.group(invoke_without_command=True)
@click.option("--project", "-p", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Project folder whose layouts/ is searched before the built-in layouts.")
@click.pass_context
def layouts(ctx, project):
    """List layouts (project ones first, shadowing built-in ones), or scaffold a new one.

    \b
    Examples:
      briefing layouts                         # name, origin, description
      briefing layouts new minister --from executive
      briefing build --layout minister
    \b
    A layout is a folder with layout.yaml and main.typ. layout.yaml keys:
      name, description, audience, extends, paper, margins, fonts, accent,
      logo, marking, marking_color, sections, limits, locale, pdf_standards
    """
    ctx.ensure_object(dict)
    ctx.obj["project"] = Path(project)
    if ctx.invoked_subcommand:
        return
    from .layouts import find_layout, list_layouts
    rows = []
    for name, origin, folder in list_layouts(Path(project)):
        try:
            desc = find_layout(name, Path(project)).settings.get("description", "")
        except BriefingError as e:
            desc = f"(broken: {e.message})"
        rows.append((name, origin, desc, folder))
    width = max((len(r[0]) for r in rows), default=4)
    for name, origin, desc, folder in rows:
        click.echo(f"{name.ljust(width)}  {origin:<8}  {desc}")
        click.echo(f"{' ' * width}  {'':<8}  {folder}")


@layouts.command("new")
@click.argument("name")
@click.option("--from", "source", default="analyst", show_default=True, metavar="LAYOUT",
              help="Layout to copy (name or folder).")
@click.pass_context
def layouts_new(ctx, name, source):
    """Copy a layout into the project's layouts/ folder to edit.

    \b
    Examples:
      briefing layouts new minister --from executive
      briefing layouts -p seeds new field --from mobile
    """
    from .layouts import scaffold
    dst = scaffold(name, source, ctx.obj["project"])
    click.echo(f"created {dst} from '{source}': edit layout.yaml and main.typ, then build with --layout {name}")


@cli.group()
def cache():
    """The per-article cache: what extraction keeps between runs.

    \b
    Examples:
      briefing cache info
      briefing cache clear
    """


def _cache_root(cache_dir) -> Path:
    from .pipeline import default_cache_dir
    return Path(cache_dir) if cache_dir else default_cache_dir()


@cache.command("info")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="BRIEFING_CACHE_DIR", help="Cache folder.")
def cache_info(cache_dir):
    """Where the cache is and how big it is.

    \b
    Examples:
      briefing cache info
    """
    from .cache import info_text
    click.echo(info_text(_cache_root(cache_dir)))


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="BRIEFING_CACHE_DIR", help="Cache folder.")
def cache_clear(cache_dir):
    """Empty the cache (the next run reads every article again).

    Removes only what briefing wrote there (its database file, and entries of the old
    pickle cache); any other file in the folder is left alone.

    \b
    Examples:
      briefing cache clear
    """
    from .cache import clear_text
    click.echo(clear_text(_cache_root(cache_dir)))


def main(argv=None, prog_name="briefing"):
    try:
        cli.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted: nothing was written (an existing output is untouched)", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was written (an existing output is untouched)", err=True)
        sys.exit(130)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except SystemExit:
        raise
