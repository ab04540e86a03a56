"""The briefing/1 document: write it as YAML, read it back, validate every field.

The document is a plain dict (what YAML gives); `validate` lists every problem with its path
in the document (``chronology[3].date: not a date``) so an analyst who edited the file by hand
can fix them all at once.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import yaml

from .errors import BriefingError, ValidationError
from .text import no_gc, safe_yaml

SCHEMA = "briefing/1"
PRECISIONS = ("day", "month", "year")
CITE_KINDS = ("outlet", "official", "anonymous", "other")
HEDGES = ("none", "reported", "alleged", "anonymous")
from .vocab import STANCES  # noqa: E402
_DATE_RX = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


class _Dumper(yaml.SafeDumper):
    pass


def _str_repr(dumper, data):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_repr)

if getattr(yaml, "__with_libyaml__", False):
    class _CDumper(yaml.CSafeDumper):
        pass
    _CDumper.add_representer(str, _str_repr)
else:                                                  # pragma: no cover - PyYAML without libyaml
    _CDumper = None

_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# text libyaml's emitter writes exactly as PyYAML's does (checked by tests/test_security.py):
# no character either emitter escapes (control characters, U+0085, U+2028/9, U+FEFF, beyond
# U+FFFF, lone surrogates), for text with line breaks one that makes a clean `|` block, and keys
# that are short, non-empty single lines
_C_UNSAFE_CHAR = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
_C_UNSAFE_BLOCK = re.compile(r" \n|\n |\s\Z|\A\s")


class _Nodes:
    """The node tree PyYAML's SafeRepresenter (with `_str_repr`) makes of a document, built
    directly for plain data (the representer's bookkeeping was most of the time of a dump),
    never with anchors, and noting whether libyaml can emit it byte for byte the same."""

    def __init__(self, dumper):
        self.dumper = dumper
        self.c_safe = True

    def node(self, x, key: bool = False):
        t = type(x)
        if t is str:
            if self.c_safe and (_C_UNSAFE_CHAR.search(x) or ("\n" in x and (key or _C_UNSAFE_BLOCK.search(x)))
                                or (key and not 0 < len(x) < 100)):     # simple keys: the emitters' rules differ
                self.c_safe = False
            return yaml.ScalarNode(_STR, x, style="|" if "\n" in x else None)
        if t is dict:
            return yaml.MappingNode(_MAP, [(self.node(k, True), self.node(v)) for k, v in x.items()], flow_style=False)
        if t is list:
            return yaml.SequenceNode(_SEQ, [self.node(v) for v in x], flow_style=False)
        if x is None:
            return yaml.ScalarNode(_NULL, "null")
        if t is bool:
            return yaml.ScalarNode(_BOOL, "true" if x else "false")
        if t is int:
            return yaml.ScalarNode(_INT, str(x))
        return self.dumper.represent_data(x)          # floats, dates...: the representer's own way


_DUMP_CHUNK = 200     # list items dumped at once: the node tree of a piece, not of the whole document


def dump_yaml(doc: dict, c: bool | None = None) -> str:
    """The document as YAML text: with libyaml's emitter when it writes the same bytes as the
    pure-Python one (``c``: force one or the other, for tests).

    A mapping is dumped a piece at a time, each top-level key on its own and a long list
    ``_DUMP_CHUNK`` items at a time (block sequences under a key are not indented, so a
    sequence dumped alone continues it byte for byte): the node tree held is a piece's, not the
    whole document's (at 10,000 articles, 0.75 GB less)."""
    if type(doc) is not dict or not doc:
        return _dump_one(doc, c)
    pieces = []
    for k, v in doc.items():
        if type(v) is list and len(v) > 1:
            pieces.append(_dump_one({k: v[:1]}, c))
            pieces += [_dump_one(v[i:i + _DUMP_CHUNK], c) for i in range(1, len(v), _DUMP_CHUNK)]
        else:
            pieces.append(_dump_one({k: v}, c))
    if any(x.endswith("\n...\n") or x.startswith("---") for x in pieces):
        # a piece the emitter closes or opens as a document of its own (a kept trailing
        # newline, an explicit start): pieces would not join; the whole document in one go
        return _dump_one(doc, c)
    return "".join(pieces)


def _dump_one(doc, c: bool | None = None) -> str:
    import io
    use_c = _CDumper is not None if c is None else c
    kw = dict(allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    with no_gc():
        py = _Dumper(io.StringIO(), **kw)
        nodes = _Nodes(py)
        root = nodes.node(doc)
        if use_c and c is None and not nodes.c_safe:
            use_c = False
        out = io.StringIO()
        dumper = (_CDumper if use_c else _Dumper)(out, **kw)
        try:
            dumper.open()
            dumper.serialize(root)
            dumper.close()
        finally:
            dumper.dispose()
        return out.getvalue()


def check_output(path: Path, inputs=()) -> None:
    """Only regular files are written: an existing output that is a device, a pipe, a socket (or
    a link to one) is an error, never replaced; so is an output that is one of the inputs."""
    import stat
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise BriefingError(f"cannot write the file ({e.strerror or e})", path)
    if not stat.S_ISREG(st.st_mode):
        kind = ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "a pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else
                "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file")
        raise BriefingError(f"is {kind}, not a regular file; outputs are written only to regular files "
                            "(give another name)", path)
    for i in inputs:
        try:
            if os.path.samefile(path, i):
                raise BriefingError(f"is the input {i}; writing would overwrite it (give another name with -o)", path)
        except OSError:
            pass


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file next to ``path`` and rename it over: no half-written file."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BriefingError("output folder does not exist", folder)
    if path.is_dir():
        raise BriefingError("is a folder; give a file name to write", path)
    check_output(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as e:
        raise BriefingError(f"cannot write in this folder ({e.strerror or e})", folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)      # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise BriefingError(f"cannot write the file ({e.strerror or e})", path) from None
        raise


def _as_text(loader, node):
    return loader.construct_scalar(node)


def _no_binary(loader, node):
    raise yaml.constructor.ConstructorError(None, None, "binary data (!!binary) is not allowed in a briefing file",
                                            node.start_mark)


# a briefing file is text: a bare timestamp stays the text it is (validation says if it is not a
# date), binary data is refused
_LOAD_AS = {"tag:yaml.org,2002:timestamp": _as_text, "tag:yaml.org,2002:binary": _no_binary}
MAX_DEPTH = 12           # the deepest a briefing/1 document goes is 5 (chronology[i].credits.outlets[j])


def _plain_problems(v, where: str = "(top)", depth: int = 0, out: list | None = None) -> list[str]:
    """What in a loaded document is not plain text, numbers, lists and mappings, with its path."""
    out = [] if out is None else out
    if len(out) >= 20:
        return out
    if depth > MAX_DEPTH:
        out.append(f"{where}: nested more than {MAX_DEPTH} levels deep")
    elif isinstance(v, dict):
        for k, x in v.items():
            if not isinstance(k, str):
                out.append(f"{where}: key {k!r} is not text")
            else:
                _plain_problems(x, k if where == "(top)" else f"{where}.{k}", depth + 1, out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _plain_problems(x, f"{where}[{i}]", depth + 1, out)
    elif not (v is None or isinstance(v, (str, int, float))):
        out.append(f"{where}: {type(v).__name__} is not allowed here (expected text, a number, a list or a mapping)")
    return out


def save_briefing(doc: dict, path) -> str:
    """Validate and write the briefing/1 file; returns the text written."""
    problems = validate(doc)
    if problems:
        raise ValidationError(problems, path)
    text = dump_yaml(doc)
    write_atomic(Path(path), text.encode("utf-8"))
    return text


def load_briefing(path) -> dict:
    """Read and validate a briefing/1 file; raises ValidationError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BriefingError("no such briefing file", path)
    except (OSError, UnicodeDecodeError) as e:
        raise BriefingError(f"cannot read briefing file ({e})", path)
    try:
        doc = safe_yaml(text, _LOAD_AS)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise BriefingError(f"{where}not valid YAML ({getattr(e, 'problem', None) or e})", path)
    if not isinstance(doc, dict):
        raise ValidationError(["(top): expected a mapping with schema: briefing/1"], path)
    problems = _plain_problems(doc)
    if problems:
        raise ValidationError(problems, path)
    doc = normalize(doc)
    problems = validate(doc)
    if problems:
        raise ValidationError(problems, path)
    return doc


def _date_str(v):
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:04d}"
    return v


def normalize(doc: dict) -> dict:
    """YAML reads unquoted dates as dates and years as ints: bring them back to strings."""
    for k in ("as_of",):
        if k in doc:
            doc[k] = _date_str(doc[k])
    for a in doc.get("articles") or []:
        if isinstance(a, dict) and "published" in a:
            a["published"] = _date_str(a["published"])
        if isinstance(a, dict) and "id" in a and isinstance(a["id"], (int, float)):
            a["id"] = str(a["id"])
    for e in (doc.get("chronology") or []) + (doc.get("ahead") or [] if isinstance(doc.get("ahead"), list) else []):
        if isinstance(e, dict):
            for k in ("date", "until"):
                if k in e:
                    e[k] = _date_str(e[k])
    return doc


def _is_date(s, rx=_DATE_RX["day"]) -> bool:
    if not isinstance(s, str) or not re.fullmatch(rx, s):
        return False
    parts = [int(x) for x in s.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        return True
    except ValueError:
        return False


def _str_list(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _optional_text(p: list[str], d: dict, where: str, keys) -> None:
    """Fields that are text when present (null allowed)."""
    for k in keys:
        v = d.get(k)
        if v is not None and not isinstance(v, str):
            p.append(f"{where}{k}: expected text or null, got {v!r}"[:200])


def _sourcing_fields(p: list[str], d: dict, where: str) -> None:
    """sourcing (text), credits ({outlets, others}: lists of text), corroboration ({articles,
    reports}: whole numbers), each optional."""
    _optional_text(p, d, where + ".", ("sourcing",))
    cr = d.get("credits")
    if cr is not None:
        if not isinstance(cr, dict):
            p.append(f"{where}.credits: expected a mapping with outlets and others (lists of names), or null")
        else:
            for k in ("outlets", "others"):
                if cr.get(k) is not None and not _str_list(cr.get(k)):
                    p.append(f"{where}.credits.{k}: expected a list of names")
    co = d.get("corroboration")
    if co is not None:
        if not isinstance(co, dict):
            p.append(f"{where}.corroboration: expected a mapping with articles and reports (numbers), or null")
        else:
            for k in ("articles", "reports"):
                v = co.get(k)
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    p.append(f"{where}.corroboration.{k}: expected a whole number, got {v!r}")


OMITTED = ("positions", "chronology", "ahead", "articles")


def _count_ok(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _check_omitted(p: list[str], om) -> None:
    """``omitted``: what a very large set left out, counted ({positions: {actor: n}, chronology: n,
    ahead: n, articles: n})."""
    if om is None:
        return
    if not isinstance(om, dict):
        p.append("omitted: expected a mapping of counts")
        return
    for k, v in om.items():
        if k not in OMITTED:
            p.append(f"omitted.{k}: unknown (expected one of {', '.join(OMITTED)})")
        elif k == "positions":
            if not isinstance(v, dict) or not all(isinstance(a, str) and _count_ok(n) for a, n in v.items()):
                p.append("omitted.positions: expected a mapping of actor names to counts")
        elif not _count_ok(v):
            p.append(f"omitted.{k}: expected a count (a whole number, 0 or more), got {v!r}")


def validate(doc: dict) -> list[str]:
    """Every problem in a briefing/1 document, each prefixed with its path."""
    p: list[str] = []
    if doc.get("schema") != SCHEMA:
        p.append(f"schema: expected '{SCHEMA}', got {doc.get('schema')!r}")
    if not isinstance(doc.get("title"), str) or not doc.get("title", "").strip():
        p.append("title: expected a non-empty string")
    if doc.get("as_of") is not None and not _is_date(doc.get("as_of")):
        p.append(f"as_of: not a date (YYYY-MM-DD): {doc.get('as_of')!r}")
    _optional_text(p, doc, "", ("organisation", "marking", "as_of_source", "generator"))
    _check_omitted(p, doc.get("omitted"))
    ids: set[str] = set()
    arts = doc.get("articles")
    if not isinstance(arts, list):
        p.append("articles: expected a list")
        arts = []
    for i, a in enumerate(arts):
        w = f"articles[{i}]"
        if not isinstance(a, dict):
            p.append(f"{w}: expected a mapping")
            continue
        if not isinstance(a.get("id"), str) or not a.get("id"):
            p.append(f"{w}.id: expected a non-empty string")
        elif a["id"] in ids:
            p.append(f"{w}.id: duplicate id {a['id']!r}")
        else:
            ids.add(a["id"])
        if not isinstance(a.get("title"), str):
            p.append(f"{w}.title: expected a string")
        if a.get("outlet") is not None and not isinstance(a.get("outlet"), str):
            p.append(f"{w}.outlet: expected a string or null")
        if a.get("published") is not None and not _is_date(a.get("published")):
            p.append(f"{w}.published: not a date (YYYY-MM-DD): {a.get('published')!r}")
        _optional_text(p, a, w + ".", ("url", "author", "language"))
        cites = a.get("cites", [])
        if not isinstance(cites, list):
            p.append(f"{w}.cites: expected a list")
            cites = []
        for j, c in enumerate(cites):
            if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not c.get("name"):
                p.append(f"{w}.cites[{j}].name: expected a non-empty string")
            elif c.get("kind") not in CITE_KINDS:
                p.append(f"{w}.cites[{j}].kind: expected one of {', '.join(CITE_KINDS)}, got {c.get('kind')!r}")
            else:
                _optional_text(p, c, f"{w}.cites[{j}].", ("role",))

    def check_sources(where, v):
        if not _str_list(v) or not v:
            p.append(f"{where}.sources: expected a non-empty list of article ids")
            return
        for s in v:
            if s not in ids:
                p.append(f"{where}.sources: unknown article id {s!r}")

    actors = doc.get("actors")
    if not isinstance(actors, list):
        p.append("actors: expected a list")
        actors = []
    for i, a in enumerate(actors):
        w = f"actors[{i}]"
        if not isinstance(a, dict) or not isinstance(a.get("name"), str) or not a.get("name"):
            p.append(f"{w}.name: expected a non-empty string")
            continue
        pos = a.get("positions") or []
        if not isinstance(pos, list):
            p.append(f"{w}.positions: expected a list")
            continue
        for j, x in enumerate(pos):
            wj = f"{w}.positions[{j}]"
            if not isinstance(x, dict):
                p.append(f"{wj}: expected a mapping")
                continue
            for k in ("summary", "quote"):
                if not isinstance(x.get(k), str) or not x.get(k).strip():
                    p.append(f"{wj}.{k}: expected a non-empty string")
            check_sources(wj, x.get("sources"))
            for k in ("id", "speaker", "claim", "role", "short"):
                if k in x and not (isinstance(x[k], str) and x[k].strip()):
                    p.append(f"{wj}.{k}: expected a non-empty string")
            if "stance" in x and x["stance"] not in STANCES:
                p.append(f"{wj}.stance: expected one of {', '.join(sorted(STANCES))}, got {x['stance']!r}")
            if "hedge" in x and x["hedge"] not in HEDGES:
                p.append(f"{wj}.hedge: expected one of {', '.join(HEDGES)}, got {x['hedge']!r}")
            if "support" in x:
                sup = x["support"]
                if not isinstance(sup, list) or not sup:
                    p.append(f"{wj}.support: expected a non-empty list of {{article, quote}}")
                else:
                    for k2, su in enumerate(sup):
                        if not isinstance(su, dict) or su.get("article") not in ids or \
                                not isinstance(su.get("quote"), str) or not su.get("quote").strip():
                            p.append(f"{wj}.support[{k2}]: expected {{article: a known article id, quote: its sentence}}")
            _sourcing_fields(p, x, wj)
    def check_event(w, e, dated_required=False):
        prec = e.get("precision")
        if prec not in PRECISIONS:
            p.append(f"{w}.precision: expected one of day, month, year, got {prec!r}")
        d = e.get("date")
        if d is None and dated_required:
            p.append(f"{w}.date: expected a date")
        if d is not None:
            if prec in PRECISIONS and not _is_date(d, _DATE_RX[prec]):
                p.append(f"{w}.date: not a date for precision {prec} "
                         f"(expected {'YYYY-MM-DD' if prec == 'day' else 'YYYY-MM' if prec == 'month' else 'YYYY'}): {d!r}")
            elif prec not in PRECISIONS and not any(_is_date(d, r) for r in _DATE_RX.values()):
                p.append(f"{w}.date: not a date: {d!r}")
        if e.get("until") is not None and not _is_date(e.get("until")):
            p.append(f"{w}.until: not a date (YYYY-MM-DD): {e.get('until')!r}")
        if not isinstance(e.get("year_inferred", False), bool):
            p.append(f"{w}.year_inferred: expected true or false")
        for k in ("span", "summary"):
            if not isinstance(e.get(k), str) or not e.get(k).strip():
                p.append(f"{w}.{k}: expected a non-empty string")
        if "event" in e and (not isinstance(e.get("event"), str) or not e["event"].strip()):
            p.append(f"{w}.event: expected a non-empty string")
        if "id" in e and (not isinstance(e.get("id"), str) or not e["id"]):
            p.append(f"{w}.id: expected a non-empty string")
        if "actors" in e and not _str_list(e.get("actors")):
            p.append(f"{w}.actors: expected a list of actor names")
        check_sources(w, e.get("sources"))
        if "support" in e:
            sup = e.get("support")
            if not isinstance(sup, list):
                p.append(f"{w}.support: expected a list of {{article, quote}}")
            else:
                for j, x in enumerate(sup):
                    if not isinstance(x, dict) or not isinstance(x.get("quote"), str) or not isinstance(x.get("article"), str):
                        p.append(f"{w}.support[{j}]: expected {{article, quote}} with strings")
                    elif x["article"] not in ids:
                        p.append(f"{w}.support[{j}].article: unknown article id {x['article']!r}")
        if not _str_list(e.get("flags", [])):
            p.append(f"{w}.flags: expected a list of strings")
        _optional_text(p, e, w + ".", ("inferred", "quote", "anomaly"))
        _sourcing_fields(p, e, w)
        for k, fields in (("basis", ("rule", "anchor", "date")), ("anomaly_basis", ("kind", "ref"))):
            b = e.get(k)
            if b is None:
                continue
            if not isinstance(b, dict):
                p.append(f"{w}.{k}: expected a mapping of {', '.join(fields)}, or null")
                continue
            _optional_text(p, b, f"{w}.{k}.", fields)
            for f in ("date", "ref"):
                if isinstance(b.get(f), str) and f in fields and not any(_is_date(b[f], r) for r in _DATE_RX.values()):
                    if not (k == "anomaly_basis" and f == "ref"):
                        p.append(f"{w}.{k}.{f}: not a date: {b[f]!r}")
    issues = doc.get("issues", [])
    if not isinstance(issues, list):
        p.append("issues: expected a list")
        issues = []
    for i, iss in enumerate(issues):
        if not isinstance(iss, dict) or not isinstance(iss.get("label"), str) or not iss.get("label").strip():
            p.append(f"issues[{i}].label: expected a non-empty string")
            continue
        if not _str_list(iss.get("claims", [])):
            p.append(f"issues[{i}].claims: expected a list of position ids")

    chron = doc.get("chronology")
    if not isinstance(chron, list):
        p.append("chronology: expected a list")
        chron = []
    for i, e in enumerate(chron):
        w = f"chronology[{i}]"
        if not isinstance(e, dict):
            p.append(f"{w}: expected a mapping")
            continue
        check_event(w, e)
    # scheduled events still to come (optional: older files have none)
    ahead = doc.get("ahead", [])
    if not isinstance(ahead, list):
        p.append("ahead: expected a list")
        ahead = []
    for i, e in enumerate(ahead):
        w = f"ahead[{i}]"
        if not isinstance(e, dict):
            p.append(f"{w}: expected a mapping")
            continue
        check_event(w, e, dated_required=True)
    bluf = doc.get("bluf", [])
    if not isinstance(bluf, list):
        p.append("bluf: expected a list")
        bluf = []
    for i, b in enumerate(bluf):
        if not isinstance(b, dict) or not isinstance(b.get("text"), str) or not b.get("text").strip():
            p.append(f"bluf[{i}].text: expected a non-empty string")
        elif "sources" in b:
            check_sources(f"bluf[{i}]", b.get("sources"))
    from .editions import validate as edition_problems      # change, dropped, since
    from .grading import validate as grade_problems          # grade, contradictions
    return p + grade_problems(doc) + edition_problems(doc)


def reconcile_bluf(doc: dict, warn=None) -> dict:
    """A bottom-line point that refers to an item no longer in the document (an analyst deleted
    it) is dropped, with a note; free-text points (no ``ref``) stay."""
    ids = {p.get("id") for a in doc.get("actors") or [] for p in a.get("positions") or [] if isinstance(p, dict)}
    ids |= {e.get("id") for e in doc.get("chronology") or [] if isinstance(e, dict)}
    keep = []
    for b in doc.get("bluf") or []:
        if isinstance(b, dict) and b.get("ref") and b["ref"] not in ids:
            if warn:
                warn(f"note: bottom-line point dropped: it refers to {b['ref']}, which is no longer in the briefing")
            continue
        keep.append(b)
    if "bluf" in doc:
        doc["bluf"] = keep
    return doc
