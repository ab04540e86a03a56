"""Command line: parse options, call the library, print, map errors. No work is done here."""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import BriefingError
from .formats import ARTICLE_FORMATS, OUTPUT_FORMATS

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


def _n(n: int, word: str) -> str:
    """'1 article', '2 articles'; words ending in y take -ies ('1 entry', '3 entries')."""
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _formats(f):
    """Help texts name the article formats from the one list (briefing.formats)."""
    if f.__doc__:
        f.__doc__ = f.__doc__.replace("ARTICLE_FORMATS", ARTICLE_FORMATS)
    return f


# output suffixes that are not one of the formats: refused rather than written as a PDF
_OTHER_SUFFIXES = {".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".eps", ".ps", ".html", ".htm",
                   ".docx", ".doc", ".odt", ".rtf", ".txt", ".md", ".yaml", ".yml", ".json"}


def _output_format(output, fmt: str | None) -> str:
    """The format to write: --format, else the output's suffix (brief.png -> png), else pdf.
    A suffix that names another format than --format, or a format we do not write, is refused."""
    suffix = Path(output).suffix.lower() if output else ""
    implied = suffix[1:] if suffix[1:] in OUTPUT_FORMATS else None
    if fmt and implied and fmt != implied:
        raise click.BadParameter(f"{output} is a .{implied} name but --format is {fmt}; "
                                 f"name the output .{fmt} or leave --format out", param_hint="--output")
    if not fmt and suffix in _OTHER_SUFFIXES:
        raise click.BadParameter(f"cannot write {suffix} files; the output formats are "
                                 f"{', '.join(OUTPUT_FORMATS)} (from the name's suffix or --format)",
                                 param_hint="--output")
    return fmt or implied or "pdf"


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


def _executor(ctx, param, value):
    if value is None:
        return None
    from .pipeline import parse_executor
    try:
        parse_executor(value)
    except ValueError as e:
        raise click.BadParameter(str(e))
    return value


def sources_opts(f):
    f = click.option("--executor", envvar="BRIEFING_EXECUTOR", callback=_executor, metavar="SPEC",
                     help="Where per-article work runs: local (one process), processes[:N] (a process pool; the "
                          "default), dask[:N] (a local Dask cluster) or tcp://HOST:PORT (a Dask scheduler). "
                          "Dask needs: pip install 'briefing[dask]'.")(f)
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
    f = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (no summary, no warnings).")(f)
    return f


def edition_opts(f):
    """--since and --reliability (recurring editions, source grading)."""
    f = click.option("--reliability", type=click.Path(dir_okay=False), metavar="FILE",
                     help="Outlet reliability file (outlet: letter A-F) for the source grades (default: the "
                          "project file's `reliability`; unlisted outlets are F, cannot be judged).")(f)
    f = click.option("--since", type=click.Path(), metavar="PREVIOUS",
                     help="An earlier edition (briefing/1 file, or a folder of them: the latest before this "
                          "as-of date): mark items new/updated, list what dropped, and lead with what changed.")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@_formats
def cli():
    """Turn a folder of news articles into an intelligence-style briefing PDF.

    \b
    Quick start (in the repository root, which holds the demo project seeds/):
      briefing build                      # seeds/ -> briefing.pdf
    \b
    Your own articles (ARTICLE_FORMATS; optional YAML front matter):
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
    f = click.option("--format", "-f", "fmt", type=click.Choice(list(OUTPUT_FORMATS)), default=None,
                     help="pdf, or png/svg pages for previews (one file per page: NAME-1.png, ...). "
                          "Default: from the output's suffix (brief.png -> png), else pdf.")(f)
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


def _left_out(doc: dict, what: str) -> int:
    """How many ``what`` a very large set left out of the document (counted in ``omitted``)."""
    v = (doc.get("omitted") or {}).get(what) or 0
    return sum(v.values()) if isinstance(v, dict) else int(v)


def _articles(doc: dict) -> str:
    """"10,000 articles (4,993 listed)" for a bounded document, else "12 articles"."""
    n, more = len(doc["articles"]), _left_out(doc, "articles")
    return _n(n + more, "article") + (f" ({n:,} listed)" if more else "")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--output", "-o", default="briefing.pdf", show_default=True, type=click.Path(dir_okay=False),
              help="File to write (written atomically); its suffix sets the format (.pdf, .png, .svg).")
@click.option("--layout", "-l", default=None, metavar="NAME|PATH",
              help="Layout name (layouts/ next to the project file, then ./layouts, then built-in) or folder. "
                   "Default: analyst.")
@render_opts
@edition_opts
@sources_opts
@_formats
def build(sources, output, layout, locale, fmt, standards, since, reliability, config, as_of, quiet, cache_dir,
          no_cache, as_json, executor):
    """Read articles and write the briefing PDF in one step.

    SOURCES are folders and/or files; articles are ARTICLE_FORMATS files
    (other files in a folder are named in a warning and skipped). With none, the
    demo project ./seeds is used.

    \b
    Examples:
      briefing build
      briefing build articles/ extra/note.md -o out/brief.pdf
      briefing build articles/ --layout analyst --as-of 2026-02-15 --config project.yaml
      briefing build articles/ --layout executive --locale fr -o note-fr.pdf
      briefing build articles/ --layout mobile -o preview.png     # preview-1.png, ...
      briefing build articles/ --since editions/ -o today.pdf     # leads with what changed
    """
    from .api import build as do_build
    t0 = time.perf_counter()
    fmt = _output_format(output, fmt)
    progress = Progress(quiet or as_json)
    stats: dict = {}
    try:
        doc, fig = do_build(_sources(sources), output, config=config, layout=layout, as_of=as_of,
                            log=_log(quiet or as_json), locale=locale, fmt=fmt, standards=_standards(standards),
                            cache_dir=_cache_arg(no_cache, cache_dir), progress=progress, stats=stats,
                            since=since, reliability=reliability, executor=executor)
    finally:
        progress.close()
    secs = time.perf_counter() - t0
    if not quiet:
        for w in fig["warnings"]:
            click.echo(f"warning: {w}", err=True)
    n_pos = sum(len(a["positions"]) for a in doc["actors"])
    n_src = sum(len(a.get("cites") or []) for a in doc["articles"])
    if as_json:
        import json
        click.echo(json.dumps({"output": fig["files"], "format": fmt, "articles": len(doc["articles"]) + _left_out(doc, "articles"),
                               "actors": len(doc["actors"]), "positions": n_pos,
                               "chronology": len(doc["chronology"]), "sources": n_src, "pages": fig["pages"],
                               "bytes": fig["bytes"], "seconds": round(secs, 3), "as_of": doc.get("as_of"),
                               "pdf_standards": fig["standards"], "warnings": fig["warnings"],
                               "cache": {"hits": stats.get("cache_hits", 0), "misses": stats.get("cache_misses", 0)}}))
        return
    if quiet:
        return
    where = output if fmt == "pdf" else f"{fig['files'][0]} .. {Path(fig['files'][-1]).name}"
    click.echo(f"{where}: {_articles(doc)}, {_n(len(doc['actors']), 'actor')}, "
               f"{_n(n_pos, 'position')}, {_n(len(doc['chronology']), 'chronology entry')}, {_n(n_src, 'source')}, "
               f"{_n(fig['pages'], 'page')}, {_size(fig['bytes'])}, {secs:.1f} s")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--output", "-o", default="briefing.yaml", show_default=True, type=click.Path(dir_okay=False),
              help="briefing/1 YAML file to write.")
@edition_opts
@sources_opts
@_formats
def extract(sources, output, since, reliability, config, as_of, quiet, cache_dir, no_cache, as_json, executor):
    """Read articles and write the briefing/1 YAML, to edit by hand and then render.

    SOURCES are folders and/or files; articles are ARTICLE_FORMATS files.

    \b
    Examples:
      briefing extract seeds -o seeds.yaml
      briefing extract articles/ -o brief.yaml --as-of 2026-02-15
      briefing extract articles/ -o 2026-02-16.yaml --since 2026-02-15.yaml
    """
    from .api import extract as do_extract, remember_text
    from .model import save_briefing, write_atomic
    t0 = time.perf_counter()
    progress = Progress(quiet or as_json)
    stats: dict = {}
    written: dict = {}
    try:
        doc = do_extract(_sources(sources), config=config, as_of=as_of, log=_log(quiet or as_json),
                         cache_dir=_cache_arg(no_cache, cache_dir), progress=progress, stats=stats,
                         since=since, reliability=reliability, written=written, executor=executor)
    finally:
        progress.close()
    if "yaml" in written:
        write_atomic(Path(output), written["yaml"].encode("utf-8"))     # an unchanged set: the same file
    else:
        text = save_briefing(doc, output)
        if written.get("key"):
            remember_text(written, text)
    n_pos = sum(len(a["positions"]) for a in doc["actors"])
    if as_json:
        import json
        click.echo(json.dumps({"output": str(output), "articles": len(doc["articles"]) + _left_out(doc, "articles"), "actors": len(doc["actors"]),
                               "positions": n_pos, "chronology": len(doc["chronology"]), "as_of": doc.get("as_of"),
                               "seconds": round(time.perf_counter() - t0, 3),
                               "cache": {"hits": stats.get("cache_hits", 0), "misses": stats.get("cache_misses", 0)}}))
        return
    if quiet:
        return
    click.echo(f"{output}: {_articles(doc)}, {_n(len(doc['actors']), 'actor')}, "
               f"{_n(n_pos, 'position')}, {_n(len(doc['chronology']), 'chronology entry')}, "
               f"{time.perf_counter() - t0:.1f} s")


@cli.command()
@click.argument("briefing_file", type=click.Path())
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False),
              help="File to write (default: the YAML file's name with .pdf); its suffix sets the format.")
@click.option("--layout", "-l", default="analyst", show_default=True, metavar="NAME|PATH",
              help="Layout name (layouts/ next to the file, then ./layouts, then built-in) or folder.")
@render_opts
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (no summary, no warnings).")
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
    from .layouts import find_layout
    t0 = time.perf_counter()
    src = Path(briefing_file)
    fmt = _output_format(output, fmt) if output else (fmt or "pdf")
    if locale:
        get_locale(locale)
    find_layout(layout, src.resolve().parent)          # a typo fails before any work
    doc = load_briefing(src)
    out = Path(output) if output else src.with_suffix("." + fmt)
    check_output(out, [src])                     # never the input itself (a YAML file named x.pdf)
    fig = do_render(doc, out, layout=layout, project_base=src.resolve().parent, locale=locale, fmt=fmt,
                    standards=_standards(standards), warn=lambda m: click.echo(m, err=True), edited=True)
    if quiet:
        return
    for w in fig["warnings"]:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"{out}: {_n(fig['pages'], 'page')}, {_size(fig['bytes'])}, {time.perf_counter() - t0:.1f} s")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--distribution", "-d", required=True, type=click.Path(dir_okay=False),
              help="Distribution file: from, smtp, audiences (layout, locale, to, cc).")
@click.option("--send", "mode", flag_value="send", help="Deliver over SMTP (only what the ledger does not hold yet).")
@click.option("--dry-run", "mode", flag_value="dry-run", help="Print who would get what, with sizes; write and send nothing.")
@click.option("--resend", is_flag=True, help="With --send: send again even what the ledger says was accepted.")
@click.option("--no-resend-in-doubt", "resend_in_doubt", is_flag=True, default=True, flag_value=False,
              help="With --send: do not send again to recipients in doubt (a run stopped while their message "
                   "was in flight); they are listed instead.")
@click.option("--lock-wait", type=click.FloatRange(0, 3600), default=60, show_default=True, metavar="SECONDS",
              help="With --send: how long to wait for another run sending from the same outbox.")
@click.option("--outbox", type=click.Path(file_okay=False), help="Outbox folder (default: the file's `outbox`, else ./outbox next to it).")
@edition_opts
@sources_opts
@_formats
def distribute(sources, distribution, mode, resend, resend_in_doubt, lock_wait, outbox, since, reliability, config,
               as_of, quiet, cache_dir, no_cache, as_json, executor):
    """Build one edition per audience and write the messages to an outbox, or send them.

    Without --send nothing is sent: one .eml per audience goes to the outbox. With --send,
    each recipient gets a message of their own (one SMTP transaction each), one run at a
    time per outbox (a lock next to the ledger). The ledger records an intent before each
    transaction and the outcome after it, so running again after a failure or a crash sends
    only what is missing; a recipient whose message was in flight when a run stopped is
    reported "in doubt (may have received it)" and sent again unless --no-resend-in-doubt.
    The exit status is non-zero when anyone was refused, failed, or not sent. The SMTP
    password comes only from the environment variable the file names. Each audience's
    edition leads with what changed since the last edition sent to it (kept in
    OUTBOX.editions/ next to the ledger); --since PREVIOUS compares with that one instead.
    SOURCES are folders and/or files; articles are ARTICLE_FORMATS files.

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
                                       cache_dir=_cache_arg(no_cache, cache_dir), resend_in_doubt=resend_in_doubt,
                                       lock_wait=lock_wait, since=since, reliability=reliability,
                                       executor=executor)
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
    for p in result.ledger_problems:
        click.echo(f"ledger {dist.ledger}: {p}")
    width = max((len(o.recipient) for o in result), default=9)
    aw = max((len(o.audience) for o in result), default=8)
    for o in result:
        tries = f" after {o.attempts} tries" if o.attempts > 1 else ""
        status = o.status
        if o.was_in_doubt and o.status == "sent":
            status = "sent again: was in doubt (may have received it)"
        elif o.status == "in doubt":
            status = "in doubt (may have received it)"
        click.echo(f"{o.audience.ljust(aw)}  {o.recipient.ljust(width)}  {status}{tries}  {o.detail}")
    kinds = ("sent", "already sent", "refused", "failed", "in doubt", "not sent")
    counts = {k: sum(1 for o in result if o.status == k) for k in kinds}
    again = sum(1 for o in result if o.status == "sent" and o.was_in_doubt)
    line = (f"{counts['sent']} sent, {counts['already sent']} already sent, {counts['refused']} refused, "
            f"{counts['failed']} failed")
    if again:
        line += f" ({again} of the sent were in doubt and may now have it twice)"
    if counts["in doubt"]:
        line += f", {counts['in doubt']} in doubt"
    if counts["not sent"]:
        line += f", {counts['not sent']} not sent"
    click.echo(f"{line}; ledger {dist.ledger}; {time.perf_counter() - t0:.1f} s")
    if counts["sent"] == 0 and counts["already sent"] and not any(counts[k] for k in kinds[2:]) and not result.stopped:
        click.echo("nothing to send: every recipient already has this edition (use --resend to send again)")
    if result.stopped:
        delivered = counts["sent"]
        click.echo(f"stopped: {result.stopped}. Delivered in this run: {delivered}; not delivered: "
                   f"{counts['not sent'] + counts['failed'] + counts['refused']}"
                   + (f"; in doubt: {counts['in doubt']}" if counts["in doubt"] else "")
                   + ". Run the same command again to send the rest.", err=True)
    if result.interrupted:
        raise click.exceptions.Exit(130)
    if any(counts[k] for k in kinds[2:]) or result.stopped:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True,
              help="Print the TIMEX3 tags as JSON: [{doc_id, timexes: [{start, end, text, type, value}]}], "
                   "offsets into the body as stored after the front matter.")
@click.option("--as-of", callback=_as_of, metavar="DATE",
              help="Anchor for articles with no publication date and no dateline, YYYY-MM-DD.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def dates(sources, as_json, as_of, quiet):
    """Show what the date tagger sees in each article.

    For every temporal expression: the span as written, its TIMEX3 type (DATE, TIME,
    DURATION, SET) and value, the date it names with its precision, and whether it
    became a chronology event (and why not). The anchor of relative expressions is the
    article's `published`, else its dateline or the first full date of its lede, else --as-of.

    \b
    Examples:
      briefing dates articles/
      briefing dates articles/one.md --as-of 2026-02-15
      briefing dates articles/ --json > tags.json     # the TempEval-3 shape, for score_timex.py
    """
    from .api import dates as do_dates
    docs = do_dates(_sources(sources), as_of=as_of, log=_log(quiet or as_json))
    if as_json:
        import json
        click.echo(json.dumps([{"doc_id": d["doc_id"], "timexes": [{k: t[k] for k in ("start", "end", "text", "type", "value")}
                                                                   for t in d["timexes"]]} for d in docs],
                              ensure_ascii=False, indent=1))
        return
    for d in docs:
        how = "" if d["anchor_how"] == "published" else f" ({d['anchor_how']})" if d["anchor_how"] else ""
        click.echo(f"{d['path']}: anchor {d['anchor'] or 'none'}{how}")
        if not d["timexes"]:
            click.echo("  (no temporal expressions)")
            click.echo("")
            continue
        rows = [(" ".join(t["text"].split()), t["type"], t["value"],
                 f"{t['date']} ({t['precision']})" if t["date"] else "-",
                 "yes" if t["event"] else f"no: {t['why']}", t["flag"] or "") for t in d["timexes"]]
        head = ("span", "type", "value", "date (precision)", "chronology event", "flag")
        widths = [min(34, max(len(r[i]) for r in rows + [head])) for i in range(5)]
        click.echo("  " + "  ".join(h.ljust(w) for h, w in zip(head, widths + [0])).rstrip())
        for r in rows:
            cells = [c if len(c) <= w or i == 4 else c[:w - 1] + "…" for i, (c, w) in enumerate(zip(r, widths + [0]))]
            cells += [r[5]]
            click.echo("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths + [0])).rstrip())
        n_ev = sum(1 for t in d["timexes"] if t["event"])
        click.echo(f"  {len(rows)} expressions, {n_ev} chronology events")
        click.echo("")


@cli.group(invoke_without_command=True)
@click.option("--project", "-p", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Project folder: its layouts/ is searched first, then ./layouts, then the built-in "
                   "layouts (the order build and render use); `new` writes into it.")
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
    click.echo(f"created {dst} from '{source}': edit layout.yaml and main.typ, then build with --layout {name} "
               f"(from this folder, or with a project file in {ctx.obj['project']})")


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
        # standalone_mode=False hands back the exit status a command asked for (click.exceptions.Exit)
        # instead of exiting: pass it on, or every failure would end with status 0
        status = cli.main(args=argv, prog_name=prog_name, standalone_mode=False)
        if isinstance(status, int) and not isinstance(status, bool) and status:
            sys.exit(status)
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
