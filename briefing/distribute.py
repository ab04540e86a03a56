"""Distribution: per-audience editions sent to lists of readers by email, safely.

A distribution file (YAML) names the sender, the SMTP server and the audiences; each audience
gets the edition of its layout and locale (each distinct edition built once). Messages are
RFC 5322 multipart: a plain-text body and an HTML alternative carrying the bottom line up front
and the key dates, the PDF attached. They are written to an outbox as .eml files (one per
audience, for review), or sent: one SMTP transaction per recipient, each message addressed to
that recipient alone, over one connection (pipelined where the server offers it).

Sending is safe to run again. One sender at a time per outbox (a lock next to the ledger). The
ledger is write-ahead: an intent is appended and synced before each transaction and the outcome
after it, so after a crash only the one transaction that was in flight is in doubt; the next run
names it "in doubt (may have received it)" and sends it again (unless told not to). A run on an
unchanged edition sends nothing. A damaged ledger line is reported and skipped, never trusted
blindly, and a ledger that cannot be written stops sending at once with a report of what was and
was not delivered. A refused recipient does not stop the others; transient failures (4xx, a
dropped connection) are retried with backoff a bounded number of times. The password comes only
from an environment variable named in the file, and is never printed.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import html
import json
import os
import re
import signal
import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import SMTPUTF8 as SMTPUTF8_POLICY
from email.utils import format_datetime, parseaddr
from pathlib import Path

import yaml

from .errors import BriefingError

SECURITY = ("none", "starttls", "ssl")
DEFAULT_SUBJECT = "{title} — {as_of}"
_ADDR = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
SUBJECT_MAX = 250            # characters, once filled in: a sane subject, well inside one header line
BACKOFF_TOTAL_MAX = 3600     # seconds: retries never wait more than an hour in all
# a header value is one line: CR, LF and other control characters (and Unicode line separators)
# would end it or break it
_HEADER_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


class DistributionError(BriefingError):
    """A distribution file that does not validate, or a delivery set-up that cannot work."""


@dataclass
class Audience:
    name: str
    layout: str = "executive"
    locale: str = "en"
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[tuple[str, str]]:
        """(entry as written, address) for each recipient, once each: addresses compare
        case-insensitively, the first listing wins."""
        seen: dict[str, tuple[str, str]] = {}
        for a in self.to + self.cc:
            addr = parseaddr(a)[1]
            seen.setdefault(addr.lower(), (a, addr))
        return list(seen.values())

    @property
    def recipients(self) -> list[str]:
        return [addr for _, addr in self.entries]


@dataclass
class Distribution:
    sender: str
    host: str
    port: int
    security: str = "none"
    username: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    timeout: float = 30.0
    audiences: list[Audience] = field(default_factory=list)
    subject: str = DEFAULT_SUBJECT
    outbox: Path = Path("outbox")
    max_attachment_mb: float = 10.0
    retries: int = 3
    backoff: float = 1.0
    path: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ledger(self) -> Path:
        return self.outbox.parent / f"{self.outbox.name}.ledger.jsonl"

    @property
    def lock(self) -> Path:
        return self.outbox.parent / f"{self.outbox.name}.ledger.lock"


def _addr_ok(a: str) -> bool:
    name, addr = parseaddr(a)
    return bool(addr) and bool(_ADDR.match(addr))


def _several(a: str) -> bool:
    """An entry holding more than one address ("a@x.org, b@y.org"): a comma or semicolon outside a
    quoted display name ("Doe, Jane" <j@x.org> is one address)."""
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', a)
    outside = re.sub(r"\([^()]*\)", "", outside)
    return bool(re.search(r"[,;]", outside))


def header_problem(value: str) -> str | None:
    """Why a string cannot go into a header as it is, or None."""
    m = _HEADER_BAD.search(value)
    if not m:
        return None
    return "a line break (CR/LF)" if m.group() in "\r\n\x85\u2028\u2029\x0b\x0c" else \
        f"a control character (U+{ord(m.group()):04X})"


def outbox_file(name: str) -> str:
    """The outbox file of an audience."""
    return f"{_slug(name, 40).replace(' ', '_')}.eml"


def load_distribution(path) -> Distribution:
    """Read and validate a distribution file; every problem is reported at once."""
    path = Path(path)
    try:
        from .text import safe_yaml
        data = safe_yaml(path.read_text(encoding="utf-8")) or {}       # no aliases: no YAML bombs
    except FileNotFoundError:
        raise DistributionError("distribution file not found", path)
    except (OSError, UnicodeDecodeError) as e:
        raise DistributionError(f"cannot read distribution file ({e})", path)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DistributionError(f"{'line %d: ' % (mark.line + 1) if mark else ''}not valid YAML "
                                f"({getattr(e, 'problem', None) or e})", path)
    if not isinstance(data, dict):
        raise DistributionError("expected a mapping with from, smtp and audiences", path)
    p: list[str] = []
    sender = data.get("from")
    if isinstance(sender, str) and header_problem(sender):
        p.append(f"from: contains {header_problem(sender)}; a header value is one line: {sender!r}")
    elif isinstance(sender, str) and _several(sender):
        p.append(f"from: one address only; {sender!r} holds several")
    elif not isinstance(sender, str) or not _addr_ok(sender):
        p.append("from: expected an address like 'Briefing Desk <desk@example.org>'")
    smtp = data.get("smtp") or {}
    if not isinstance(smtp, dict):
        p.append("smtp: expected {host, port, security}")
        smtp = {}
    if "password" in smtp:
        p.append("smtp.password: a password never goes in the file; name an environment variable "
                 "with smtp.password_env")
    host = smtp.get("host")
    if not isinstance(host, str) or not host.strip():
        p.append("smtp.host: expected a host name")
    security = str(smtp.get("security", "none")).lower()
    if security not in SECURITY:
        p.append(f"smtp.security: expected one of {', '.join(SECURITY)}")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}.get(security, 25)
    port = smtp.get("port", default_port)
    if not isinstance(port, int) or not 0 < port < 65536:
        p.append("smtp.port: expected a port number")
    if smtp.get("username") is not None and not smtp.get("password_env"):
        p.append("smtp.password_env: needed with smtp.username (the name of an environment variable)")
    auds = data.get("audiences")
    audiences: list[Audience] = []
    if not isinstance(auds, list) or not auds:
        p.append("audiences: expected a list of {name, layout, locale, to, cc}")
        auds = []
    names = set()
    files: dict[str, tuple[int, str]] = {}
    notes: list[str] = []
    for i, a in enumerate(auds):
        w = f"audiences[{i}]"
        if not isinstance(a, dict):
            p.append(f"{w}: expected a mapping")
            continue
        name = a.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[\w][\w .-]*", name or ""):
            p.append(f"{w}.name: expected a name (letters, digits, space, '.', '-', '_')")
            name = f"audience-{i}"
        elif name in names:
            p.append(f"{w}.name: {name!r} is listed twice")
        else:
            # two names that differ only in punctuation, spaces or case would share one outbox file
            fname = outbox_file(name)
            other = files.get(fname.lower())
            if other:
                p.append(f"{w}.name: {name!r} and audiences[{other[0]}].name {other[1]!r} would both be written "
                         f"to the outbox file {fname} (names differing only in punctuation, spaces or case); "
                         "rename one")
            else:
                files[fname.lower()] = (i, name)
        names.add(name)
        lists = {}
        seen: dict[str, str] = {}
        for k in ("to", "cc"):
            v = a.get(k) or []
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                p.append(f"{w}.{k}: expected a list of addresses")
                v = []
            for j, x in enumerate(v):
                if header_problem(x):
                    p.append(f"{w}.{k}[{j}]: contains {header_problem(x)}; a header value is one line: {x!r}")
                elif _several(x):
                    p.append(f"{w}.{k}[{j}]: one address per entry; {x!r} holds several "
                             "(write each as its own list entry)")
                elif not _addr_ok(x):
                    p.append(f"{w}.{k}[{j}]: not an email address: {x!r}")
                else:
                    addr = parseaddr(x)[1].lower()
                    if addr in seen:
                        notes.append(f"{w} ({name}): {parseaddr(x)[1]} is listed twice ({seen[addr]} and {k}[{j}]); "
                                     "it gets one message")
                    else:
                        seen[addr] = f"{k}[{j}]"
            lists[k] = v
        if not lists["to"] and not lists["cc"]:
            p.append(f"{w}.to: an audience needs at least one recipient")
        layout = str(a.get("layout") or data.get("layout") or "executive")
        locale = str(a.get("locale") or data.get("locale") or "en")
        for k, v in (("layout", layout), ("locale", locale)):
            if header_problem(v):
                p.append(f"{w}.{k}: contains {header_problem(v)}: {v!r}")
        audiences.append(Audience(name, layout, locale, lists["to"], lists["cc"]))
    subject = data.get("subject", DEFAULT_SUBJECT)
    if not isinstance(subject, str):
        p.append("subject: expected a template like '{title} — {as_of}'")
        subject = DEFAULT_SUBJECT
    elif header_problem(subject):
        p.append(f"subject: contains {header_problem(subject)}; a header value is one line: {subject!r}")
    elif len(subject) > SUBJECT_MAX:
        p.append(f"subject: {len(subject)} characters long; at most {SUBJECT_MAX}")
    else:
        try:
            subject.format(title="t", as_of="d", audience="a", layout="l", locale="x", organisation="o")
        except (KeyError, IndexError, ValueError) as e:
            p.append(f"subject: unknown placeholder {e} (use {{title}}, {{as_of}}, {{audience}}, {{layout}}, {{locale}}, {{organisation}})")
    base = path.resolve().parent
    outbox = Path(data.get("outbox") or "outbox")
    outbox = outbox if outbox.is_absolute() else base / outbox
    ca = smtp.get("ca_file")
    if ca is not None:
        ca = str(ca if Path(ca).is_absolute() else base / ca)
        if not Path(ca).is_file():
            p.append(f"smtp.ca_file: no such file: {ca}")
    mx = data.get("max_attachment_mb", 10)
    if not isinstance(mx, (int, float)) or mx <= 0:
        p.append("max_attachment_mb: expected a positive number")
        mx = 10
    retries = smtp.get("retries", 3)
    if not isinstance(retries, int) or not 0 <= retries <= 20:
        p.append("smtp.retries: expected a whole number from 0 to 20")
        retries = 3
    backoff = smtp.get("backoff", 1.0)
    if not isinstance(backoff, (int, float)) or isinstance(backoff, bool) or not 0 <= backoff <= 60:
        p.append("smtp.backoff: expected seconds from 0 to 60")
        backoff = 1.0
    total = backoff * (2 ** retries - 1)
    if total > BACKOFF_TOTAL_MAX:
        p.append(f"smtp.retries, smtp.backoff: {retries} retries from {backoff:g} s, doubling each time, would wait "
                 f"{total / 3600:.1f} h in all; keep it within an hour (e.g. retries: 5, backoff: 60)")
    timeout = smtp.get("timeout", 30)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout <= 600:
        p.append("smtp.timeout: expected seconds, more than 0 and at most 600")
        timeout = 30
    if p:
        raise DistributionError("invalid distribution file:\n  " + "\n  ".join(p), path)
    return Distribution(sender=sender, host=host.strip(), port=port, security=security,
                        username=smtp.get("username"), password_env=smtp.get("password_env"), ca_file=ca,
                        timeout=float(timeout), audiences=audiences, subject=subject,
                        outbox=outbox, max_attachment_mb=float(mx), retries=retries, backoff=float(backoff), path=path,
                        notes=notes)


def check_subjects(dist: Distribution, title: str | None, organisation: str | None, source=None) -> None:
    """Every audience's subject, filled in with the briefing's title and organisation, is one line
    of a sane length: checked before any work. ``source``: the file the title comes from."""
    p = []
    for field_name, v in (("title", title), ("organisation", organisation)):
        if v and header_problem(str(v)):
            p.append(f"{field_name}: contains {header_problem(str(v))}, and it goes into the subject line: {v!r}")
    if p:
        raise DistributionError("cannot make the subject line:\n  " + "\n  ".join(p), source)
    for a in dist.audiences:
        # the longest as-of date any locale writes is about 20 characters
        subject = dist.subject.format(title=title or "Briefing", as_of="x" * 20, audience=a.name, layout=a.layout,
                                      locale=a.locale, organisation=organisation or "")
        if len(subject) > SUBJECT_MAX:
            raise DistributionError(f"the subject of audience {a.name!r} would be about {len(subject)} characters long "
                                    f"(at most {SUBJECT_MAX}): shorten the subject template or the title", dist.path)


# ---------------------------------------------------------------- editions and messages

@dataclass
class Edition:
    layout: str
    locale: str
    pdf: bytes
    pages: int

    @property
    def key(self) -> str:
        return f"{self.layout}/{self.locale}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def _slug(s: str, n: int = 80) -> str:
    """A file-name-safe form of a title: letters, digits, spaces, '-', cut at a word."""
    s = re.sub(r"[^\w\s-]", "", s, flags=re.UNICODE).strip()
    s = re.sub(r"\s+", " ", s)
    if len(s) > n:
        s = s[:n].rsplit(" ", 1)[0]
    return s.rstrip() or "briefing"


def attachment_name(doc: dict, audience: Audience) -> str:
    return f"{doc.get('as_of') or 'undated'} {_slug(doc.get('title') or 'Briefing')} ({_slug(audience.name, 30)}).pdf"


def _key_dates(doc: dict, n: int = 6) -> list[dict]:
    dated = [e for e in doc.get("chronology") or [] if e.get("date") and "anomaly" not in (e.get("flags") or [])]
    return sorted(dated, key=lambda e: str(e["date"]), reverse=True)[:n]


def bodies(doc: dict, audience: Audience, localizer) -> tuple[str, str]:
    """(plain text, HTML): the bottom line and the key dates, so the gist arrives without the PDF.
    Everything from the briefing is HTML-escaped."""
    L = localizer
    lab = L.labels()
    title = doc.get("title") or "Briefing"
    as_of = L.date(doc.get("as_of")) if doc.get("as_of") else lab["undated"]
    bluf = [b["text"] for b in doc.get("bluf") or []]
    dates = [(L.date(e["date"], e.get("precision", "day")), e.get("summary", "")) for e in _key_dates(doc)]
    marking = doc.get("marking") or "TLP:CLEAR"
    from .editions import email_sections          # with a previous edition: what changed, first
    changed_text, changed_html = email_sections(doc, L)
    lines = [marking, "", title, f"{lab['as_of']}: {as_of}", "", *changed_text, lab["bluf"].upper(), ""]
    lines += [f"{i}. {t}" for i, t in enumerate(bluf, 1)] or [lab["none"]]
    lines += ["", lab["chronology"].upper(), ""]
    lines += [f"- {d}: {s}" for d, s in dates] or [lab["none"]]
    lines += ["", f"{lab['sources']}: {len(doc.get('articles') or [])}", "", marking]
    text = "\n".join(lines) + "\n"
    e = html.escape
    h = [f'<!DOCTYPE html><html lang="{e(L.locale.language)}" dir="{"rtl" if L.rtl else "ltr"}"><head><meta charset="utf-8">'
         f"<title>{e(title)}</title></head><body style=\"font-family: Georgia, serif; max-width: 40em\">",
         f'<p style="font-family: monospace; font-weight: bold">{e(marking)}</p>',
         f"<h1 style=\"color:#1f3a5f\">{e(title)}</h1><p><strong>{e(lab['as_of'])}:</strong> {e(as_of)}</p>",
         changed_html, f"<h2>{e(lab['bluf'])}</h2>", "<ol>" + "".join(f"<li>{e(t)}</li>" for t in bluf) + "</ol>",
         f"<h2>{e(lab['chronology'])}</h2>",
         "<table>" + "".join(f"<tr><td style=\"padding-right:1em;white-space:nowrap\"><strong>{e(d)}</strong></td>"
                             f"<td>{e(s)}</td></tr>" for d, s in dates) + "</table>",
         f'<p style="font-family: monospace; font-weight: bold">{e(marking)}</p></body></html>']
    return text, "\n".join(h)


def build_message(doc: dict, audience: Audience, edition: Edition, dist: Distribution, localizer,
                  now: dt.datetime | None = None, personal: bool = False) -> EmailMessage:
    """The audience's message. ``personal``: without To, Cc and Message-ID, which each
    recipient's copy gets of its own (see ``personal_copy``)."""
    msg = EmailMessage()
    name, addr = parseaddr(dist.sender)
    domain = addr.split("@", 1)[1]
    msg["From"] = Address(display_name=name, addr_spec=addr) if name else addr
    if audience.to and not personal:
        msg["To"] = ", ".join(audience.to)
    if audience.cc and not personal:
        msg["Cc"] = ", ".join(audience.cc)
    as_of = localizer.date(doc.get("as_of")) if doc.get("as_of") else ""
    msg["Subject"] = dist.subject.format(title=doc.get("title") or "Briefing", as_of=as_of, audience=audience.name,
                                         layout=audience.layout, locale=audience.locale,
                                         organisation=doc.get("organisation") or "")
    msg["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    if not personal:
        # the same edition to the same audience keeps its Message-ID: a re-send is the same message
        ident = hashlib.sha256(f"{edition.digest}:{audience.name}".encode()).hexdigest()[:24]
        msg["Message-ID"] = f"<{ident}.briefing@{domain}>"
    msg["Content-Language"] = audience.locale.replace("_", "-")
    text, html_body = bodies(doc, audience, localizer)
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html_body, subtype="html", charset="utf-8")
    msg.add_attachment(edition.pdf, maintype="application", subtype="pdf", filename=attachment_name(doc, audience))
    return msg


def message_id(dist: Distribution, edition: Edition, audience: Audience, recipient: str) -> str:
    """One recipient's copy of one edition keeps its Message-ID: a copy sent again (in doubt, or
    --resend) is the same message, which mail clients can recognise."""
    domain = parseaddr(dist.sender)[1].split("@", 1)[1]
    ident = hashlib.sha256(f"{edition.digest}:{audience.name}:{recipient.lower()}".encode()).hexdigest()[:24]
    return f"<{ident}.briefing@{domain}>"


def personal_headers(entry: str, mid: str) -> bytes:
    """The To and Message-ID header lines of one recipient's copy, encoded for SMTP."""
    h = EmailMessage()
    name, addr = parseaddr(entry)
    try:
        h["To"] = Address(display_name=name, addr_spec=addr) if name else addr
        raw = h.as_bytes(policy=SMTP_POLICY)
    except (ValueError, TypeError, UnicodeError):
        h = EmailMessage()
        h["To"] = Address(display_name=name, addr_spec=addr) if name else addr
        raw = h.as_bytes(policy=SMTPUTF8_POLICY)      # an international address (SMTPUTF8)
    head = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    return head + f"Message-ID: {mid}\r\n".encode("ascii")


def _dot_stuffed(data: bytes) -> bytes:
    """SMTP DATA: lines starting with '.' doubled, CRLF line ends, ended by '.' on a line."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


# ---------------------------------------------------------------- lock

class SendLock:
    """One sender at a time per outbox: an advisory lock (flock) on a file next to the ledger,
    held for the whole run and released by the system even when the process is killed. A second
    run waits up to ``wait`` seconds, then refuses, naming the process that holds the lock.

    The lock file also holds a reserve of disk space, given back if the ledger's disk fills up
    while a message is in flight, so that what the server accepted can still be recorded."""

    RESERVE = 64 * 1024

    def __init__(self, path: Path, wait: float = 60.0, log=None):
        self.path = Path(path)
        self.wait = wait
        self.log = log or (lambda m: None)
        self.fd: int | None = None
        self.reserved: bool | None = None        # None: no locking on this system

    def __enter__(self):
        try:
            import fcntl
        except ImportError:               # no flock on this system: nothing to lock with
            self.log("warning: this system has no file locks; make sure only one --send runs at a time")
            return self
        if self.path.is_symlink():
            raise DistributionError("is a symbolic link; the lock file is never written through one", self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
        except IsADirectoryError:
            raise DistributionError("is a folder; the lock file next to the ledger must be a file", self.path)
        except OSError as e:
            raise DistributionError(f"cannot create the lock file next to the ledger ({e.strerror or e}); "
                                    "nothing was sent", self.path)
        deadline = time.monotonic() + max(0.0, self.wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise DistributionError(f"cannot lock ({e.strerror or e}); nothing was sent", self.path)
                holder = self.holder()
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise DistributionError(f"another run is sending from this outbox ({holder}); waited "
                                            f"{self.wait:g} s, nothing was sent. Run again when it has finished "
                                            "(--lock-wait SECONDS to wait longer)", self.path)
                if not told:
                    self.log(f"waiting up to {self.wait:g} s for another run sending from this outbox ({holder})")
                    told = True
                time.sleep(min(0.2, max(0.01, deadline - time.monotonic())))
        self.fd = fd
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                           "since": dt.datetime.now().astimezone().isoformat(timespec="seconds")}).encode() + b"\n"
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, info + b" " * (self.RESERVE - len(info)), 0)
            os.fsync(fd)
            self.reserved = True
        except OSError:
            self.reserved = False
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, info, 0)
            except OSError:
                pass                      # the ledger's own check says what is wrong with the disk
        return self

    def holder(self) -> str:
        try:
            with open(self.path, "rb") as f:
                r = json.loads(f.readline().decode("utf-8"))
            return f"process {int(r['pid'])} on {r.get('host', '?')}, since {r.get('since', '?')}"
        except (OSError, ValueError, KeyError, TypeError):
            return "a process that has just started"

    def release_reserve(self) -> bool:
        """Give the reserved space back to the disk (the ledger needs it)."""
        if self.fd is None:
            return False
        try:
            size = os.fstat(self.fd).st_size
            if size <= 512:
                return False
            os.ftruncate(self.fd, 256)
            return True
        except OSError:
            return False

    def __exit__(self, *exc):
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)          # no reserve or stale pid left behind
            except OSError:
                pass
            os.close(self.fd)                    # closing releases the lock
            self.fd = None
        return False


# ---------------------------------------------------------------- ledger

_sync = getattr(os, "fdatasync", os.fsync)      # the data and the file's size: all an append needs


def _ends_with_newline(fd: int) -> bool:
    """An empty file, or one whose last line is whole."""
    size = os.fstat(fd).st_size
    if not size:
        return True
    if hasattr(os, "pread"):
        return os.pread(fd, 1, size - 1) == b"\n"
    os.lseek(fd, size - 1, os.SEEK_SET)
    return os.read(fd, 1) == b"\n"


class LedgerWriteError(Exception):
    def __init__(self, path: Path, error: OSError):
        self.path = path
        self.error = error
        super().__init__(f"{path}: {error.strerror or error}")


class Ledger:
    """Append-only JSON lines, write-ahead, one line per event of one recipient's copy:

    ``intent`` (appended and synced before the SMTP transaction), then ``sent``, ``refused``,
    ``deferred`` or ``failed`` (after it). A recipient whose last event is an intent was in the
    transaction in flight when a run stopped: it is *in doubt*. Lines of the first format (one
    per accepted recipient, no ``event``) count as ``sent``.

    Reading never trusts the file blindly: a line cut by a crash, one that is not UTF-8 or not a
    ledger entry is reported (``problems``) and skipped. Writing never follows a symlink and never
    glues a new line onto a cut one."""

    def __init__(self, path: Path, reserve=None):
        self.path = Path(path)
        self.reserve = reserve                   # SendLock: space to give back when the disk is full
        self.sent: set[tuple[str, str, str]] = set()
        self.last: dict[tuple[str, str, str], dict] = {}
        self.problems: list[str] = []
        self.fd: int | None = None
        self.degraded: OSError | None = None     # the disk filled up: the reserve was used
        if self.path.is_symlink():
            raise DistributionError("is a symbolic link; the ledger is never read or written through one "
                                    "(put the file itself there)", self.path)
        if self.path.is_dir():
            raise DistributionError("is a folder; the ledger must be a file (it is named after the outbox: "
                                    "outbox.ledger.jsonl)", self.path)
        if not self.path.exists():
            return
        try:
            raw = self.path.read_bytes()
        except OSError as e:
            raise DistributionError(f"cannot read the ledger ({e.strerror or e}); nothing was sent", self.path)
        lines = raw.split(b"\n")
        cut = lines[-1] != b""
        if not cut:
            lines.pop()
        for n, line in enumerate(lines, 1):
            last = n == len(lines)
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                self.problems.append(f"line {n} is not UTF-8 (damaged); skipped")
                continue
            try:
                r = json.loads(text)
                if isinstance(r, dict) and r.get("event") == "run":
                    continue
                key = (str(r["edition"]), str(r["audience"]), str(r["recipient"]).lower())
            except (ValueError, KeyError, TypeError):
                self.problems.append(f"line {n} is cut off (the run writing it stopped); skipped" if last and cut
                                     else f"line {n} is damaged (not a ledger entry); skipped")
                continue
            event = r.get("event", "sent")
            if event == "sent":
                self.sent.add(key)
            self.last[key] = r

    def state(self, edition: str, audience: str, recipient: str) -> str | None:
        """'sent', 'in doubt', or None (never sent, or not delivered)."""
        key = (edition, audience, recipient.lower())
        if key in self.sent:
            return "sent"
        r = self.last.get(key)
        if r is not None and r.get("event") == "intent":
            return "in doubt"
        return None

    def has(self, edition: str, audience: str, recipient: str) -> bool:
        return self.state(edition, audience, recipient) == "sent"

    # ---- writing

    def open(self) -> None:
        """Open for appending and prove it can be written (a line, synced): before any mail goes out."""
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, flags, 0o644)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise DistributionError("is a symbolic link; the ledger is never written through one", self.path)
            if e.errno == errno.EISDIR:
                raise DistributionError("is a folder; the ledger must be a file", self.path)
            raise DistributionError(f"the ledger cannot be written ({e.strerror or e}); nothing was sent", self.path)
        import stat
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise DistributionError("is not a regular file; the ledger must be one", self.path)
        self.fd = fd
        try:
            if not _ends_with_newline(fd):
                self._write(b"\n")          # never glue onto a cut line
            self._append({"event": "run", "pid": os.getpid(), "host": socket.gethostname()}, reserve=False)
        except LedgerWriteError as e:
            self.close()
            raise DistributionError(f"the ledger cannot be written ({e.error.strerror or e.error}); nothing was sent",
                                    self.path)

    def _write(self, data: bytes) -> None:
        """Append whole lines only: a write that fails half-way is taken back (we hold the lock,
        nobody else appends)."""
        size = os.fstat(self.fd).st_size
        try:
            done = 0
            while done < len(data):
                done += os.write(self.fd, data[done:])
            _sync(self.fd)
        except OSError:
            try:
                if os.fstat(self.fd).st_size > size:
                    os.ftruncate(self.fd, size)
            except OSError:
                pass
            raise

    def _append(self, r: dict, reserve: bool = True) -> None:
        r["at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        line = json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            self._write(line)
        except OSError as e:
            # the disk filled up under us: give back the reserve and try once more
            if not (reserve and e.errno in (errno.ENOSPC, errno.EDQUOT) and self.reserve is not None
                    and self.reserve.release_reserve()):
                raise LedgerWriteError(self.path, e) from None
            self.degraded = e                   # the next send must not start
            try:
                if not _ends_with_newline(self.fd):
                    line = b"\n" + line
                self._write(line)
            except OSError as e2:
                raise LedgerWriteError(self.path, e2) from None

    def event(self, event: str, edition: str, audience: str, recipient: str, **extra) -> None:
        r = {"event": event, "edition": edition, "audience": audience, "recipient": recipient, **extra}
        self._append(r)
        key = (edition, audience, recipient.lower())
        self.last[key] = r
        if event == "sent":
            self.sent.add(key)

    def close(self) -> None:
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None


# ---------------------------------------------------------------- SMTP

@dataclass
class Outcome:
    audience: str
    recipient: str
    status: str            # sent | already sent | refused | failed | in doubt | not sent
    detail: str = ""
    attempts: int = 0
    was_in_doubt: bool = False


class SendResult(list):
    """The outcomes, one per recipient, and why sending stopped early (None if it did not)."""

    def __init__(self, outcomes=(), stopped: str | None = None, interrupted: bool = False):
        super().__init__(outcomes)
        self.stopped = stopped
        self.interrupted = interrupted
        self.ledger_problems: list[str] = []


def _password(dist: Distribution) -> str | None:
    if not dist.username:
        return None
    value = os.environ.get(dist.password_env or "")
    if value is None:
        raise DistributionError(f"the SMTP password is read from the environment variable {dist.password_env}, "
                                "which is not set")
    return value


def _connect(dist: Distribution, password: str | None) -> smtplib.SMTP:
    ctx = ssl.create_default_context(cafile=dist.ca_file) if dist.security in ("starttls", "ssl") else None
    if dist.security == "ssl":
        s = smtplib.SMTP_SSL(dist.host, dist.port, timeout=dist.timeout, context=ctx)
    else:
        s = smtplib.SMTP(dist.host, dist.port, timeout=dist.timeout)
    try:
        if dist.security == "starttls":
            s.ehlo()
            s.starttls(context=ctx)
        s.ehlo_or_helo_if_needed()
        if dist.username:
            s.login(dist.username, password or "")
    except BaseException:
        s.close()
        raise
    return s


def _transient(code: int) -> bool:
    return 400 <= code < 500


def _err(e) -> str:
    return e.decode("utf-8", "replace") if isinstance(e, bytes) else str(e)


_CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, socket.timeout,
                      TimeoutError, OSError)


@dataclass
class _Copy:
    """One recipient's copy: what to send and how it went."""
    audience: Audience
    edition: Edition
    entry: str
    addr: str
    mid: str
    body: bytes               # the audience's message, dot-stuffed, without To and Message-ID
    in_doubt: bool = False
    attempts: int = 0
    error: str = ""


def _transaction(conn: smtplib.SMTP, sender: str, c: _Copy, phase: list) -> tuple[str, int, str]:
    """One SMTP transaction: MAIL, RCPT, DATA (pipelined when the server offers it), then the
    message. Returns (stage, code, text) of the reply that decided it. ``phase[0]`` says how far it
    got, for a connection lost on the way: 'data sent' means the server may have the message."""
    intl = not (sender + c.addr).isascii()
    opts = []
    if intl:
        if not conn.has_extn("smtputf8"):
            return "mail", 553, "the server does not take international addresses (no SMTPUTF8)"
        opts.append("SMTPUTF8")
    data = personal_headers(c.entry, c.mid) + c.body
    if conn.has_extn("8bitmime") and not data.isascii():
        opts.append("BODY=8BITMIME")
    enc = "utf-8" if intl else "ascii"
    cmds = [f"MAIL FROM:<{sender}>{''.join(' ' + o for o in opts)}\r\n", f"RCPT TO:<{c.addr}>\r\n", "DATA\r\n"]
    phase[0] = "commands"
    if conn.has_extn("pipelining"):
        conn.send("".join(cmds).encode(enc))
        replies = [conn.getreply() for _ in cmds]
    else:
        replies = []
        for cmd in cmds:
            conn.send(cmd.encode(enc))
            replies.append(conn.getreply())
            if replies[-1][0] not in (250, 251, 354):
                break
    expected = {"mail": (250,), "rcpt": (250, 251), "data": (354,)}
    for stage, (code, text) in zip(("mail", "rcpt", "data"), replies):
        if code not in expected[stage]:
            if replies[-1][0] == 354 and len(replies) == 3:
                conn.send(b".\r\n")                 # RFC 2920: end the empty DATA the server opened
                conn.getreply()
            try:
                conn.rset()
            except _CONNECTION_ERRORS:
                pass
            return stage, code, _err(text)
    phase[0] = "data"
    conn.send(data)
    phase[0] = "data sent"
    code, text = conn.getreply()
    phase[0] = "done"
    return "end", code, _err(text)


class _Stop:
    """SIGINT / SIGTERM during sending: the first asks to stop after the message in flight, the
    second (Ctrl-C again) stops at once."""

    def __init__(self, log):
        self.requested = None
        self.log = log
        self.old = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    self.old[sig] = signal.signal(sig, self._handle)
                except (ValueError, OSError):
                    pass
        return self

    def _handle(self, signum, frame):
        name = signal.Signals(signum).name
        if self.requested:
            raise KeyboardInterrupt
        self.requested = name
        self.log(f"{name}: stopping after the message in flight (Ctrl-C again to stop at once)")

    def __exit__(self, *exc):
        for sig, h in self.old.items():
            signal.signal(sig, h)
        return False


def send_all(jobs, dist: Distribution, ledger: Ledger, resend: bool = False, log=None, sleep=time.sleep,
             resend_in_doubt: bool = True) -> SendResult:
    """Deliver each (audience, edition, message) to its recipients not yet in the ledger, one SMTP
    transaction per recipient, each copy addressed to that recipient alone.

    ``jobs``: list of (Audience, Edition, EmailMessage built with ``personal=True``). The ledger
    must be open (``Ledger.open``). Never raises for what happens after the first message went
    out: the result lists every recipient, and ``stopped`` says why sending ended early."""
    log = log or (lambda m: None)
    password = _password(dist)
    _, sender = parseaddr(dist.sender)
    outcomes: list[Outcome] = []
    todo: list[_Copy] = []
    for aud, ed, msg in jobs:
        for h in ("To", "Cc", "Message-ID"):
            del msg[h]
        body = _dot_stuffed(msg.as_bytes(policy=SMTP_POLICY))
        for entry, addr in aud.entries:
            st = ledger.state(ed.digest, aud.name, addr)
            if st == "sent" and not resend:
                outcomes.append(Outcome(aud.name, addr, "already sent", f"edition {ed.digest[:12]}"))
                continue
            if st == "in doubt" and not resend and not resend_in_doubt:
                outcomes.append(Outcome(aud.name, addr, "in doubt", "may have received it (a run stopped during its "
                                        "transaction); not sent again (--no-resend-in-doubt)", was_in_doubt=True))
                continue
            todo.append(_Copy(aud, ed, entry, addr, message_id(dist, ed, aud, addr), body, in_doubt=st == "in doubt"))
    result = SendResult(outcomes)
    conn: smtplib.SMTP | None = None

    def close():
        nonlocal conn
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                try:
                    conn.close()
                except OSError:
                    pass
            conn = None

    def done(c: _Copy, status: str, detail: str):
        result.append(Outcome(c.audience.name, c.addr, status, detail, c.attempts, c.in_doubt))

    def stop_rest(copies, status, detail):
        for c in copies:
            done(c, status, detail)

    pending = todo
    rounds = 0
    current: _Copy | None = None
    phase = ["before"]
    with _Stop(log) as stop:
        try:
            while pending and rounds <= dist.retries:
                if rounds:
                    delay = dist.backoff * (2 ** (rounds - 1))
                    log(f"retrying {len(pending)} recipient(s) in {delay:.1f} s")
                    end = time.monotonic() + delay
                    while not stop.requested and time.monotonic() < end:   # a signal ends the wait
                        sleep(min(0.25, max(0.0, end - time.monotonic())))
                rounds += 1
                retry: list[_Copy] = []
                for i, c in enumerate(pending):
                    if ledger.degraded is not None:
                        e = ledger.degraded
                        result.stopped = (f"the ledger {ledger.path} could not be written ({e.strerror or e}); the last "
                                          "outcome went into the space kept for it; stopped before sending to the rest")
                        stop_rest(pending[i:] + retry, "not sent", "stopped: the ledger could not be written")
                        pending = retry = []
                        break
                    if stop.requested:
                        result.interrupted = True
                        result.stopped = f"{stop.requested}: stopped before sending to the rest"
                        stop_rest(pending[i:] + retry, "not sent", f"stopped ({stop.requested})")
                        pending = retry = []
                        break
                    current, phase[0] = c, "before"
                    if conn is None:
                        try:
                            conn = _connect(dist, password)
                        except smtplib.SMTPAuthenticationError as e:
                            result.stopped = f"the SMTP server refused the login ({e.smtp_code})"
                            stop_rest(pending[i:] + retry, "failed", "the SMTP server refused the login")
                            pending = retry = []
                            break
                        except ssl.SSLError as e:
                            result.stopped = (f"TLS with {dist.host}:{dist.port} failed: {e.reason or e} "
                                              "(a private server's CA can be named with smtp.ca_file)")
                            stop_rest(pending[i:] + retry, "failed", "TLS failed")
                            pending = retry = []
                            break
                        except (smtplib.SMTPException, *_CONNECTION_ERRORS) as e:
                            conn = None
                            err = f"connection: {e.__class__.__name__}: {e}".strip()
                            for r in pending[i:]:
                                r.attempts += 1
                                r.error = err
                            retry += pending[i:]
                            break
                    c.attempts += 1
                    try:
                        ledger.event("intent", c.edition.digest, c.audience.name, c.addr, message_id=c.mid,
                                     pid=os.getpid())
                    except LedgerWriteError as e:
                        c.attempts -= 1
                        result.stopped = (f"the ledger {e.path} could not be written ({e.error.strerror or e.error}); "
                                          "stopped before sending to the rest")
                        stop_rest(pending[i:] + retry, "not sent", "stopped: the ledger could not be written")
                        pending = retry = []
                        break
                    phase[0] = "intent"
                    try:
                        stage, code, text = _transaction(conn, sender, c, phase)
                    except (smtplib.SMTPException, *_CONNECTION_ERRORS) as e:
                        close()
                        c.error = f"connection: {e.__class__.__name__}: {e}".strip()
                        if phase[0] == "data sent":
                            # the server had the whole message and did not answer: it may have it
                            c.in_doubt = True
                            if not resend_in_doubt:
                                done(c, "in doubt", "may have received it (the connection was lost before the "
                                     "server answered); not sent again (--no-resend-in-doubt)")
                                continue
                            retry.append(c)
                            continue
                        ledger.event("deferred", c.edition.digest, c.audience.name, c.addr, detail=c.error)
                        retry.append(c)
                        continue
                    if stage == "end" and code == 250:
                        phase[0] = "accepted"
                        try:
                            ledger.event("sent", c.edition.digest, c.audience.name, c.addr, message_id=c.mid)
                        except LedgerWriteError as e:
                            done(c, "sent", f"{c.mid} — but the ledger could not record it (the next run lists it "
                                 "as in doubt)")
                            current = None
                            result.stopped = (f"the ledger {e.path} could not be written ({e.error.strerror or e.error}); "
                                              "stopped before sending to the rest")
                            stop_rest(pending[i + 1:] + retry, "not sent", "stopped: the ledger could not be written")
                            pending = retry = []
                            break
                        done(c, "sent", c.mid)
                        continue
                    detail = f"{code} {text}" + ("" if stage in ("rcpt", "end") else f" (at {stage.upper()})")
                    c.error = detail
                    if _transient(code):
                        ledger.event("deferred", c.edition.digest, c.audience.name, c.addr, detail=detail)
                        if code == 421:
                            close()
                        retry.append(c)
                    else:
                        ledger.event("refused", c.edition.digest, c.audience.name, c.addr, detail=detail)
                        done(c, "refused", detail)
                    current = None
                pending = retry
            for c in pending:
                done(c, "failed", c.error or "not delivered")
        except LedgerWriteError as e:
            # an outcome that says "not delivered" could not be written: stop, nothing is lost
            result.stopped = (f"the ledger {e.path} could not be written ({e.error.strerror or e.error}); "
                              "stopped before sending to the rest")
            reported = {(o.audience, o.recipient.lower()) for o in result}
            stop_rest([c for c in todo if (c.audience.name, c.addr.lower()) not in reported], "not sent",
                      "stopped: the ledger could not be written")
        except KeyboardInterrupt:
            result.interrupted = True
            result.stopped = "interrupted"
            if conn is not None:                 # no QUIT: the server may be slow to answer it
                try:
                    conn.close()
                except OSError:
                    pass
                conn = None
            reported = {(o.audience, o.recipient.lower()) for o in result}
            for c in todo:
                if (c.audience.name, c.addr.lower()) in reported:
                    continue
                if c is current and phase[0] in ("data", "data sent"):
                    # the server may have the whole message: the intent stays, the next run sends it again
                    c.in_doubt = True
                    done(c, "in doubt", "interrupted during its transaction: may have received it (the next run "
                         "sends it again unless --no-resend-in-doubt)")
                elif c is current and phase[0] == "accepted":
                    try:
                        if ledger.state(c.edition.digest, c.audience.name, c.addr) != "sent":
                            ledger.event("sent", c.edition.digest, c.audience.name, c.addr, message_id=c.mid)
                        done(c, "sent", c.mid)
                    except (LedgerWriteError, KeyboardInterrupt):
                        done(c, "sent", f"{c.mid} — but the ledger may not have recorded it (the next run lists it "
                             "as in doubt)")
                elif c is current and phase[0] in ("intent", "commands"):
                    try:
                        ledger.event("failed", c.edition.digest, c.audience.name, c.addr,
                                     detail="interrupted before the message was sent")
                    except (LedgerWriteError, KeyboardInterrupt):
                        pass
                    done(c, "not sent", "interrupted before its message was sent")
                else:
                    done(c, "not sent", "interrupted")
        finally:
            close()
    return result


def write_outbox(jobs, outbox: Path) -> list[Path]:
    from .model import write_atomic
    outbox.mkdir(parents=True, exist_ok=True)
    paths = []
    for aud, ed, msg in jobs:
        p = outbox / outbox_file(aud.name)
        write_atomic(p, msg.as_bytes(policy=SMTP_POLICY))
        paths.append(p)
    return paths
