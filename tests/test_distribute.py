"""Distribution by email against a real SMTP server (aiosmtpd on 127.0.0.1, a free port)."""
from __future__ import annotations

import email
import email.policy
from html import escape as html_escape
import json
import socket
import ssl

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefing.cli import cli

from .conftest import SEEDS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every message the server accepted; can refuse recipients and drop connections."""

    def __init__(self, refuse=(), drop_data_times=0, transient=()):
        self.messages = []
        self.refuse = set(refuse)
        self.transient = dict.fromkeys(transient, 1)     # refuse with 450 once
        self.drop_data_times = drop_data_times

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if self.transient.get(address):
            self.transient[address] -= 1
            return "450 4.2.1 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_data_times > 0:
            self.drop_data_times -= 1
            server.transport.close()
            return "421 connection dropped"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    servers = []

    def start(handler, **kw):
        port = free_port()
        c = Controller(handler, hostname="127.0.0.1", port=port, **kw)
        c.start()
        servers.append(c)
        return port
    yield start
    for c in servers:
        c.stop()


def write_dist(tmp_path, port, audiences=None, **smtp):
    d = {
        "from": "Briefing Desk <desk@example.org>",
        "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "backoff": 0.01, **smtp},
        "subject": "{title} — {as_of} ({audience})",
        "audiences": audiences or [
            {"name": "leadership", "layout": "executive", "locale": "en", "to": ["minister@example.org"],
             "cc": ["chief@example.org"]},
            {"name": "paris", "layout": "executive", "locale": "fr", "to": ["bureau@example.org"]},
        ],
    }
    p = tmp_path / "dist.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return p


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_send_two_audiences_real_messages(runner, tmp_path, smtp_server):
    rec = Recorder()
    port = smtp_server(rec)
    dist = write_dist(tmp_path, port)
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    assert "3 sent, 0 already sent, 0 refused, 0 failed" in res.output
    # one transaction and one message per recipient, addressed to that recipient alone
    assert len(rec.messages) == 3 and all(len(r) == 1 for _, r, _ in rec.messages)
    by_to = {r[0]: parse(raw) for _, r, raw in rec.messages}
    lead = by_to["minister@example.org"]
    chief = by_to["chief@example.org"]
    paris = by_to["bureau@example.org"]
    assert lead["From"] == "Briefing Desk <desk@example.org>"
    assert lead["To"] == "minister@example.org" and lead["Cc"] is None
    assert chief["To"] == "chief@example.org" and b"minister@" not in rec.messages[[r[0] for _, r, _ in rec.messages].index("chief@example.org")][2]
    assert len({m["Message-ID"] for m in (lead, chief, paris)}) == 3
    assert lead["Date"] and lead["Message-ID"].startswith("<")
    assert lead["Subject"].endswith("(leadership)") and "February 15, 2026" in lead["Subject"]
    assert "15 février 2026" in paris["Subject"]
    # bodies carry the bottom line; the attachment is the built PDF
    text = lead.get_body(("plain",)).get_content()
    htm = lead.get_body(("html",)).get_content()
    assert runner.invoke(cli, ["extract", str(SEEDS), "-o", str(tmp_path / "b.yaml"), "-q"]).exit_code == 0
    doc = yaml.safe_load((tmp_path / "b.yaml").read_text(encoding="utf-8"))
    for point in doc["bluf"]:
        assert point["text"] in text
        assert html_escape(point["text"]) in htm
    assert "Bottom line up front" in htm and "L'ESSENTIEL" in paris.get_body(("plain",)).get_content()
    att = [p for p in lead.iter_attachments()]
    assert len(att) == 1 and att[0].get_content_type() == "application/pdf"
    assert att[0].get_filename() == "2026-02-15 Israel Iran and the United States Strike Planning and Diplomacy (leadership).pdf"
    built = tmp_path / "exec.pdf"
    assert runner.invoke(cli, ["build", str(SEEDS), "-o", str(built), "--layout", "executive", "-q"]).exit_code == 0
    assert att[0].get_content() == built.read_bytes()


def test_second_run_sends_nothing_and_resend_sends_again(runner, tmp_path, smtp_server):
    rec = Recorder()
    port = smtp_server(rec)
    dist = write_dist(tmp_path, port)
    assert runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"]).exit_code == 0
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    assert "0 sent, 3 already sent" in res.output and "nothing to send" in res.output
    assert len(rec.messages) == 3
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send", "--resend"])
    assert res.exit_code == 0 and "3 sent" in res.output
    assert len(rec.messages) == 6
    # a copy sent again is the same message (same Message-ID)
    ids = [parse(raw)["Message-ID"] for _, _, raw in rec.messages]
    assert sorted(ids[:3]) == sorted(ids[3:])


def test_refused_recipient_does_not_stop_the_others(runner, tmp_path, smtp_server):
    rec = Recorder(refuse={"chief@example.org"})
    port = smtp_server(rec)
    dist = write_dist(tmp_path, port)
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code != 0
    assert "chief@example.org" in res.output and "refused" in res.output and "550" in res.output
    assert "2 sent, 0 already sent, 1 refused, 0 failed" in res.output
    delivered = sorted(r for _, rs, _ in rec.messages for r in rs)
    assert delivered == ["bureau@example.org", "minister@example.org"]
    ledger = [json.loads(x) for x in (tmp_path / "outbox.ledger.jsonl").read_text().splitlines()]
    assert sorted(x["recipient"] for x in ledger if x["event"] == "sent") == ["bureau@example.org", "minister@example.org"]
    assert [x["recipient"] for x in ledger if x["event"] == "refused"] == ["chief@example.org"]
    # the next run tries only the refused one
    rec.refuse.clear()
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    assert "1 sent, 2 already sent" in res.output
    assert rec.messages[-1][1] == ["chief@example.org"]


def test_dropped_connection_is_retried_and_delivered_once(runner, tmp_path, smtp_server):
    rec = Recorder(drop_data_times=1, transient={"bureau@example.org"})
    port = smtp_server(rec)
    dist = write_dist(tmp_path, port)
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    assert "after 2 tries" in res.output
    delivered = sorted(r for _, rs, _ in rec.messages for r in rs)
    assert delivered == ["bureau@example.org", "chief@example.org", "minister@example.org"]


def test_unreachable_server_fails_cleanly(runner, tmp_path):
    dist = write_dist(tmp_path, free_port(), retries=1)
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code != 0
    assert "failed" in res.output and "Traceback" not in res.output
    # the ledger was proved writable before sending; nothing was ever in flight
    events = [json.loads(x)["event"] for x in (tmp_path / "outbox.ledger.jsonl").read_text().splitlines()]
    assert events == ["run"]


def test_starttls_and_auth_with_password_from_environment(runner, tmp_path, smtp_server, monkeypatch):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"desk" and auth_data.password == b"s3cr3t-pw"
        seen.append(ok)
        return AuthResult(success=ok)

    rec = Recorder()
    port = smtp_server(rec, tls_context=server_ctx, require_starttls=True, authenticator=authenticator,
                       auth_required=True, auth_require_tls=True)
    dist = write_dist(tmp_path, port, security="starttls", username="desk", password_env="BRIEFING_TEST_PW",
                      ca_file=str(ca_file))
    # without the variable: a clear error naming it, and nothing sent
    monkeypatch.delenv("BRIEFING_TEST_PW", raising=False)
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code != 0 and "BRIEFING_TEST_PW" in res.output and not rec.messages
    monkeypatch.setenv("BRIEFING_TEST_PW", "s3cr3t-pw")
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    assert "s3cr3t-pw" not in res.output
    assert seen == [True] and len(rec.messages) == 3          # one login, one connection, 3 messages
    # the certificate is verified: without the CA file the same server is refused
    dist2 = write_dist(tmp_path, port, security="starttls", username="desk", password_env="BRIEFING_TEST_PW")
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist2), "--send", "--resend"])
    assert res.exit_code != 0 and "certificate" in res.output.lower()


def test_outbox_mode_writes_eml_files_that_parse(runner, tmp_path):
    dist = write_dist(tmp_path, 2525)
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist)])
    assert res.exit_code == 0, res.output
    emls = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [p.name for p in emls] == ["leadership.eml", "paris.eml"]
    for p in emls:
        raw = p.read_bytes()
        assert b"\r\n" in raw                                  # SMTP line endings, as mail clients expect
        m = parse(raw)
        assert m.is_multipart() and m.get_content_type() == "multipart/mixed"
        assert m.get_body(("plain",)) is not None and m.get_body(("html",)) is not None
        assert next(m.iter_attachments()).get_content()[:5] == b"%PDF-"
    assert not (tmp_path / "outbox.ledger.jsonl").exists()      # nothing was sent


def test_dry_run_prints_who_gets_what(runner, tmp_path):
    dist = write_dist(tmp_path, 2525)
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "leadership: executive/en" in res.output and "minister@example.org, chief@example.org" in res.output
    assert "paris: executive/fr" in res.output and "KB" in res.output
    assert not (tmp_path / "outbox").exists()


def test_utf8_names_and_subjects(runner, tmp_path, smtp_server):
    rec = Recorder()
    port = smtp_server(rec)
    dist = write_dist(tmp_path, port, audiences=[
        {"name": "Bureau Zürich", "layout": "executive", "locale": "de", "to": ["Jürgen Müller <jm@example.org>"]},
        {"name": "القاهرة", "layout": "executive", "locale": "ar", "to": ["cairo@example.org"]},
    ])
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send"])
    assert res.exit_code == 0, res.output
    msgs = [parse(raw) for _, _, raw in rec.messages]
    assert any(m["To"] == "Jürgen Müller <jm@example.org>" and "Zürich" in m["Subject"] for m in msgs)
    ar = next(m for m in msgs if m["To"] == "cairo@example.org")
    assert "القاهرة" in ar["Subject"] and "القاهرة" in next(ar.iter_attachments()).get_filename()


def test_bad_distribution_file_lists_every_problem(runner, tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text("from: nobody\nsmtp: {host: '', security: tls, password: hunter2}\n"
                 "audiences:\n  - {name: a, to: [not-an-address]}\n  - {name: a, to: []}\n", encoding="utf-8")
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(p), "--dry-run"])
    assert res.exit_code != 0
    for needle in ("from:", "smtp.host", "smtp.security", "smtp.password: a password never goes in the file",
                   "audiences[0].to[0]: not an email address", "audiences[1].name: 'a' is listed twice",
                   "audiences[1].to: an audience needs at least one recipient"):
        assert needle in res.output, needle
    assert "hunter2" not in res.output


def test_attachment_size_warning(runner, tmp_path):
    dist = write_dist(tmp_path, 2525)
    d = yaml.safe_load(dist.read_text())
    d["max_attachment_mb"] = 0.01
    dist.write_text(yaml.safe_dump(d))
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--dry-run"])
    assert res.exit_code == 0
    assert "over the 0.01 MB attachment limit" in res.output
