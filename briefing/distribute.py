"""Distribution: per-audience editions sent to lists of readers by email, safely.

A distribution file (YAML) names the sender, the SMTP server and the audiences; each audience
gets the edition of its layout and locale (each distinct edition built once). Messages are
RFC 5322 multipart: a plain-text body and an HTML alternative carrying the bottom line up front
and the key dates, the PDF attached. They are written to an outbox as .eml files, or sent.

Sending is safe to run again: a ledger next to the outbox records each (edition, audience,
recipient) the server accepted, appended and synced as soon as the server accepts, so a run
after a crash or a partial failure sends only what is missing, and a run on an unchanged edition
sends nothing. A refused recipient does not stop the others; transient failures (4xx, a dropped
connection) are retried with backoff a bounded number of times. The password comes only from an
environment variable named in the file, and is never printed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from pathlib import Path

import yaml

from .errors import BriefingError

SECURITY = ("none", "starttls", "ssl")
DEFAULT_SUBJECT = "{title} — {as_of}"
_ADDR = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


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
    def recipients(self) -> list[str]:
        return list(dict.fromkeys(parseaddr(a)[1] for a in self.to + self.cc))


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

    @property
    def ledger(self) -> Path:
        return self.outbox.parent / f"{self.outbox.name}.ledger.jsonl"


def _addr_ok(a: str) -> bool:
    name, addr = parseaddr(a)
    return bool(addr) and bool(_ADDR.match(addr))


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
    if not isinstance(sender, str) or not _addr_ok(sender):
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
        names.add(name)
        lists = {}
        for k in ("to", "cc"):
            v = a.get(k) or []
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                p.append(f"{w}.{k}: expected a list of addresses")
                v = []
            for j, x in enumerate(v):
                if not _addr_ok(x):
                    p.append(f"{w}.{k}[{j}]: not an email address: {x!r}")
            lists[k] = v
        if not lists["to"] and not lists["cc"]:
            p.append(f"{w}.to: an audience needs at least one recipient")
        audiences.append(Audience(name, str(a.get("layout") or data.get("layout") or "executive"),
                                  str(a.get("locale") or data.get("locale") or "en"), lists["to"], lists["cc"]))
    subject = data.get("subject", DEFAULT_SUBJECT)
    if not isinstance(subject, str):
        p.append("subject: expected a template like '{title} — {as_of}'")
        subject = DEFAULT_SUBJECT
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
    if not isinstance(backoff, (int, float)) or not 0 <= backoff <= 60:
        p.append("smtp.backoff: expected seconds from 0 to 60")
        backoff = 1.0
    if p:
        raise DistributionError("invalid distribution file:\n  " + "\n  ".join(p), path)
    return Distribution(sender=sender, host=host.strip(), port=port, security=security,
                        username=smtp.get("username"), password_env=smtp.get("password_env"), ca_file=ca,
                        timeout=float(smtp.get("timeout", 30)), audiences=audiences, subject=subject,
                        outbox=outbox, max_attachment_mb=float(mx), retries=retries, backoff=float(backoff), path=path)


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
    lines = [marking, "", title, f"{lab['as_of']}: {as_of}", "", lab["bluf"].upper(), ""]
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
         f"<h2>{e(lab['bluf'])}</h2>", "<ol>" + "".join(f"<li>{e(t)}</li>" for t in bluf) + "</ol>",
         f"<h2>{e(lab['chronology'])}</h2>",
         "<table>" + "".join(f"<tr><td style=\"padding-right:1em;white-space:nowrap\"><strong>{e(d)}</strong></td>"
                             f"<td>{e(s)}</td></tr>" for d, s in dates) + "</table>",
         f'<p style="font-family: monospace; font-weight: bold">{e(marking)}</p></body></html>']
    return text, "\n".join(h)


def build_message(doc: dict, audience: Audience, edition: Edition, dist: Distribution, localizer,
                  now: dt.datetime | None = None) -> EmailMessage:
    msg = EmailMessage()
    name, addr = parseaddr(dist.sender)
    domain = addr.split("@", 1)[1]
    msg["From"] = Address(display_name=name, addr_spec=addr) if name else addr
    if audience.to:
        msg["To"] = ", ".join(audience.to)
    if audience.cc:
        msg["Cc"] = ", ".join(audience.cc)
    as_of = localizer.date(doc.get("as_of")) if doc.get("as_of") else ""
    msg["Subject"] = dist.subject.format(title=doc.get("title") or "Briefing", as_of=as_of, audience=audience.name,
                                         layout=audience.layout, locale=audience.locale,
                                         organisation=doc.get("organisation") or "")
    msg["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    # the same edition to the same audience keeps its Message-ID: a re-send is the same message
    ident = hashlib.sha256(f"{edition.digest}:{audience.name}".encode()).hexdigest()[:24]
    msg["Message-ID"] = f"<{ident}.briefing@{domain}>"
    msg["Content-Language"] = audience.locale.replace("_", "-")
    text, html_body = bodies(doc, audience, localizer)
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html_body, subtype="html", charset="utf-8")
    msg.add_attachment(edition.pdf, maintype="application", subtype="pdf", filename=attachment_name(doc, audience))
    return msg


# ---------------------------------------------------------------- ledger

class Ledger:
    """Append-only JSON lines: one line per recipient the server accepted."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.done: set[tuple[str, str, str]] = set()
        if self.path.is_file():
            for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                    self.done.add((r["edition"], r["audience"], r["recipient"].lower()))
                except (ValueError, KeyError, TypeError, AttributeError):
                    # a line cut by a crash is ignored, never fatal
                    continue

    def has(self, edition: str, audience: str, recipient: str) -> bool:
        return (edition, audience, recipient.lower()) in self.done

    def record(self, edition: str, audience: str, recipients: list[str], message_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with open(self.path, "a", encoding="utf-8") as f:
            for r in recipients:
                f.write(json.dumps({"edition": edition, "audience": audience, "recipient": r,
                                    "message_id": message_id, "accepted_at": now}) + "\n")
                self.done.add((edition, audience, r.lower()))
            f.flush()
            os.fsync(f.fileno())


# ---------------------------------------------------------------- SMTP

@dataclass
class Outcome:
    audience: str
    recipient: str
    status: str            # sent | already sent | refused | failed
    detail: str = ""
    attempts: int = 0


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
        if dist.security == "starttls":
            s.ehlo()
            s.starttls(context=ctx)
            s.ehlo()
    if dist.username:
        s.login(dist.username, password or "")
    return s


def _transient(code: int) -> bool:
    return 400 <= code < 500


def send_all(jobs, dist: Distribution, ledger: Ledger, resend: bool = False, log=None, sleep=time.sleep) -> list[Outcome]:
    """Deliver each (audience, edition, message) to its recipients not yet in the ledger.

    ``jobs``: list of (Audience, Edition, EmailMessage)."""
    log = log or (lambda m: None)
    password = _password(dist)
    outcomes: list[Outcome] = []
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

    _, sender = parseaddr(dist.sender)
    try:
        for aud, ed, msg in jobs:
            pending = [r for r in aud.recipients if resend or not ledger.has(ed.digest, aud.name, r)]
            for r in aud.recipients:
                if r not in pending:
                    outcomes.append(Outcome(aud.name, r, "already sent", f"edition {ed.digest[:12]}"))
            attempts = 0
            last_error: dict[str, str] = {}
            while pending and attempts <= dist.retries:
                if attempts:
                    delay = dist.backoff * (2 ** (attempts - 1))
                    log(f"retrying {len(pending)} recipient(s) of '{aud.name}' in {delay:.1f} s")
                    sleep(delay)
                attempts += 1
                try:
                    if conn is None:
                        conn = _connect(dist, password)
                    refused = conn.send_message(msg, from_addr=sender, to_addrs=pending)
                except smtplib.SMTPRecipientsRefused as e:
                    refused = e.recipients
                except smtplib.SMTPAuthenticationError as e:
                    close()
                    raise DistributionError(f"the SMTP server refused the login ({e.smtp_code})")
                except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, socket.timeout,
                        TimeoutError) as e:
                    close()
                    for r in pending:
                        last_error[r] = f"connection: {e.__class__.__name__}: {e}".strip()
                    continue
                except smtplib.SMTPResponseException as e:
                    close()
                    if _transient(e.smtp_code):
                        for r in pending:
                            last_error[r] = f"{e.smtp_code} {e.smtp_error.decode(errors='replace') if isinstance(e.smtp_error, bytes) else e.smtp_error}"
                        continue
                    for r in pending:
                        outcomes.append(Outcome(aud.name, r, "refused", f"{e.smtp_code} {_err(e.smtp_error)}", attempts))
                    pending = []
                    break
                except ssl.SSLError as e:
                    close()
                    raise DistributionError(f"TLS with {dist.host}:{dist.port} failed: {e.reason or e} "
                                            "(a private server's CA can be named with smtp.ca_file)")
                except OSError as e:
                    close()
                    for r in pending:
                        last_error[r] = f"connection: {e.strerror or e}"
                    continue
                accepted = [r for r in pending if r not in refused]
                if accepted:
                    ledger.record(ed.digest, aud.name, accepted, msg["Message-ID"])
                    for r in accepted:
                        outcomes.append(Outcome(aud.name, r, "sent", msg["Message-ID"], attempts))
                still = []
                for r, (code, text) in refused.items():
                    if _transient(code):
                        still.append(r)
                        last_error[r] = f"{code} {_err(text)}"
                    else:
                        outcomes.append(Outcome(aud.name, r, "refused", f"{code} {_err(text)}", attempts))
                pending = still
            for r in pending:
                outcomes.append(Outcome(aud.name, r, "failed", last_error.get(r, "not delivered"), attempts))
    finally:
        close()
    return outcomes


def _err(e) -> str:
    return e.decode("utf-8", "replace") if isinstance(e, bytes) else str(e)


def write_outbox(jobs, outbox: Path) -> list[Path]:
    from .model import write_atomic
    outbox.mkdir(parents=True, exist_ok=True)
    paths = []
    for aud, ed, msg in jobs:
        p = outbox / f"{_slug(aud.name, 40).replace(' ', '_')}.eml"
        write_atomic(p, msg.as_bytes(policy=SMTP_POLICY))
        paths.append(p)
    return paths
