"""Delivery you can trust (issue #12): exit status, a lock per outbox, the write-ahead ledger and
what a crash, a kill -9, a full or read-only disk and a damaged ledger do to it, validation before
any work, and byte-identical editions. Against a real SMTP server (aiosmtpd on 127.0.0.1) that
commits a message before it answers, real subprocesses and real files."""
from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller

from briefing.cli import cli

from .conftest import ROOT, SEEDS
from .test_distribute import free_port

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


class Server:
    """A recording SMTP handler: commits each message (appends it) *before* answering, and can
    answer late, stall at a given recipient, refuse recipients, advertise PIPELINING and run a
    hook once a message is committed."""

    def __init__(self, refuse=(), pipelining=False, late=None, stall_rcpt=None, on_commit=None, answer_delay=0.0):
        self.messages: list[tuple[str, bytes]] = []
        self.refuse = set(refuse)
        self.pipelining = pipelining
        self.late = late or {}                 # recipient -> seconds to wait after committing
        self.stall_rcpt = stall_rcpt           # recipient whose RCPT is never answered (until release)
        self.stall_ehlo = False                # EHLO is never answered (until release)
        self.on_commit = on_commit
        self.answer_delay = answer_delay
        self.committed = threading.Event()     # set at each commit
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.pipelined = []
        self.lock = threading.Lock()

    def copies(self) -> Counter:
        return Counter(r for r, _ in self.messages)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.stall_ehlo:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # pipelined: RCPT and DATA arrived with MAIL, before it was answered
        self.pipelined.append(len(getattr(server._reader, "_buffer", b"")) > 0)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.stall_rcpt:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 released"
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for r in envelope.rcpt_tos:
            with self.lock:
                self.messages.append((r, envelope.original_content))
        self.committed.set()
        if self.on_commit:
            self.on_commit(self)
        wait = max((self.late.get(r, 0) for r in envelope.rcpt_tos), default=0) + self.answer_delay
        t = time.monotonic()
        while time.monotonic() - t < wait and not self.release.is_set():
            await asyncio.sleep(0.02)
        return "250 Message accepted"


@pytest.fixture
def server():
    started = []

    def start(handler: Server) -> int:
        port = free_port()
        c = Controller(handler, hostname="127.0.0.1", port=port)
        c.start()
        started.append((c, handler))
        return port
    yield start
    for c, h in started:
        h.release.set()
        c.stop()


def recipients(n: int, prefix="r") -> list[str]:
    return [f"{prefix}{i}@example.org" for i in range(1, n + 1)]


def write_dist(folder: Path, port: int, audiences=None, **extra) -> Path:
    d = {"from": "Briefing Desk <desk@example.org>",
         "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "backoff": 0.01, "retries": 2,
                  "timeout": 10},
         "audiences": audiences or [{"name": "leadership", "layout": "executive", "to": recipients(3)},
                                    {"name": "field", "layout": "executive", "to": recipients(6)[3:]}],
         **extra}
    p = folder / "dist.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return p


def command(dist: Path, *more: str, python_m=True) -> list[str]:
    head = [sys.executable, "-m", "briefing"] if python_m else [str(Path(sys.executable).parent / "briefing")]
    return [*head, "distribute", str(SEEDS), "-d", str(dist), "--send", *more]


def ledger_lines(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "outbox.ledger.jsonl").read_text(encoding="utf-8").splitlines() if x]


def send(runner, dist, *more):
    return runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--send", *more])


# ---------------------------------------------------------------- exit status

@pytest.mark.parametrize("python_m", [False, True], ids=["briefing", "python -m briefing"])
def test_exit_status_is_non_zero_when_anyone_was_refused(tmp_path, server, python_m):
    srv = Server(refuse={"r2@example.org"})
    dist = write_dist(tmp_path, server(srv), audiences=[{"name": "a", "layout": "executive", "to": recipients(3)}])
    p = subprocess.run(command(dist, python_m=python_m), capture_output=True, text=True, env=ENV, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "r2@example.org" in p.stdout and "refused" in p.stdout and "550" in p.stdout
    assert "2 sent, 0 already sent, 1 refused, 0 failed" in p.stdout
    assert "Traceback" not in p.stderr
    if python_m:
        # and 0 when everyone has it
        srv.refuse.clear()
        p = subprocess.run(command(dist), capture_output=True, text=True, env=ENV, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "1 sent, 2 already sent" in p.stdout


# ---------------------------------------------------------------- per-recipient, pipelined

def test_one_message_per_recipient_pipelined_on_one_connection(runner, tmp_path, server):
    srv = Server(pipelining=True, refuse={"gone@example.org"})
    dist = write_dist(tmp_path, server(srv), audiences=[
        {"name": "a", "layout": "executive", "to": ["One <r1@example.org>", "gone@example.org", "r2@example.org"],
         "cc": ["R1@Example.org"]},
        {"name": "b", "layout": "executive", "to": ["Zoë Ünal <r3@example.org>"]}])
    res = send(runner, dist)
    assert res.exit_code == 1, res.output
    # R1@Example.org is the same recipient as r1: merged, with a note
    assert "is listed twice" in res.output and "3 sent, 0 already sent, 1 refused" in res.output
    assert "gone@example.org" in res.output and "550 5.1.1 mailbox unavailable" in res.output
    assert sorted(srv.copies().items()) == [("r1@example.org", 1), ("r2@example.org", 1), ("r3@example.org", 1)]
    assert all(srv.pipelined) and len(srv.pipelined) == 4      # a refusal mid-way keeps the connection usable
    for rcpt, raw in srv.messages:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        assert m["To"].addresses[0].addr_spec == rcpt and len(m["To"].addresses) == 1 and m["Cc"] is None
        others = {"r1@example.org", "r2@example.org", "r3@example.org"} - {rcpt}
        assert not any(o.encode() in raw for o in others)        # nobody sees another's address
    m3 = email.message_from_bytes(dict(srv.messages)["r3@example.org"], policy=email.policy.default)
    assert m3["To"].addresses[0].display_name == "Zoë Ünal"
    events = [(x["event"], x.get("recipient")) for x in ledger_lines(tmp_path)]
    assert events[0][0] == "run"
    assert events[1:] == [("intent", "r1@example.org"), ("sent", "r1@example.org"),
                          ("intent", "gone@example.org"), ("refused", "gone@example.org"),
                          ("intent", "r2@example.org"), ("sent", "r2@example.org"),
                          ("intent", "r3@example.org"), ("sent", "r3@example.org")]


def test_a_ledger_of_the_first_format_still_counts(runner, tmp_path, server):
    """Ledgers written before the write-ahead format (one line per accepted recipient) are read."""
    from briefing.distribute import Ledger
    srv = Server()
    dist = write_dist(tmp_path, server(srv), audiences=[{"name": "a", "layout": "executive", "to": recipients(2)}])
    assert send(runner, dist).exit_code == 0
    digest = ledger_lines(tmp_path)[1]["edition"]
    (tmp_path / "outbox.ledger.jsonl").write_text(json.dumps(
        {"edition": digest, "audience": "a", "recipient": "R1@example.org", "message_id": "<x@y>",
         "accepted_at": "2026-02-15T10:00:00+00:00"}) + "\n", encoding="utf-8")
    assert Ledger(tmp_path / "outbox.ledger.jsonl").state(digest, "a", "r1@example.org") == "sent"
    res = send(runner, dist)
    assert res.exit_code == 0 and "1 sent, 1 already sent" in res.output


# ---------------------------------------------------------------- kill -9

def _wait(event: threading.Event, what: str, proc, timeout=60):
    t = time.monotonic()
    while not event.wait(0.05):
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before {what}: {proc.stdout.read()} {proc.stderr.read()}")
        if time.monotonic() - t > timeout:
            proc.kill()
            raise AssertionError(f"timed out waiting for {what}")


def test_kill_9_at_several_points_nobody_missed_and_at_most_one_repeat_per_kill(runner, tmp_path, server):
    everyone = recipients(6)
    # kill 1: while the server has committed r2's message but not yet answered
    srv = Server(late={"r2@example.org": 30})
    port = server(srv)
    dist = write_dist(tmp_path, port)
    p = subprocess.Popen(command(dist), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    t = time.monotonic()
    while "r2@example.org" not in srv.copies():
        _wait(srv.committed, "r2's message was committed", p)
        srv.committed.clear()
        assert time.monotonic() - t < 60
    p.kill()
    p.wait()
    srv.late.clear()
    srv.release.set()
    assert dict(srv.copies()) == {"r1@example.org": 1, "r2@example.org": 1}
    time.sleep(0.1)

    # kill 2: the next run re-sends r2 (in doubt) first, then is killed while the server holds
    # r5's RCPT (its intent is written, its message never was)
    srv.release.clear()
    srv.stall_rcpt = "r5@example.org"
    p = subprocess.Popen(command(dist), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    _wait(srv.stalled, "r5's RCPT", p)
    p.kill()
    p.wait()
    srv.stall_rcpt = None
    srv.release.set()
    assert srv.copies()["r2@example.org"] == 2              # the one in-doubt repeat of kill 1
    assert "r5@example.org" not in srv.copies()
    time.sleep(0.1)

    # kill 3: while the server holds the greeting (nothing in flight: no new doubt)
    srv.release.clear()
    srv.stalled.clear()
    srv.stall_ehlo = True
    p = subprocess.Popen(command(dist), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    _wait(srv.stalled, "EHLO", p)
    p.kill()
    p.wait()
    srv.stall_ehlo = False
    srv.release.set()

    # a run that does not send in-doubt recipients: r5 (killed at its RCPT) is named, not sent,
    # and the exit status says someone may not have it
    res = send(runner, dist, "--no-resend-in-doubt")
    assert res.exit_code == 1, res.output
    assert "r5@example.org" in res.output and "in doubt (may have received it)" in res.output
    lines = {ln.split()[1]: ln for ln in res.output.splitlines() if ln.startswith(("leadership", "field"))}
    assert "in doubt (may have received it)" in lines["r5@example.org"]
    assert "already sent" in lines["r2@example.org"]
    assert "sent" in lines["r6@example.org"] and "already" not in lines["r6@example.org"]
    # the default: the in-doubt recipient is sent again, and said so
    res = send(runner, dist)
    assert res.exit_code == 0, res.output
    assert "r5@example.org" in res.output and "sent again: was in doubt (may have received it)" in res.output
    assert "1 sent, 5 already sent" in res.output
    copies = srv.copies()
    assert set(copies) == set(everyone)                     # nobody missed
    assert sum(copies.values()) - len(everyone) <= 3        # at most one repeat per kill
    assert copies["r2@example.org"] == 2 and all(copies[r] == 1 for r in everyone if r != "r2@example.org")
    # an unchanged edition is not sent again
    res = send(runner, dist)
    assert res.exit_code == 0 and "0 sent, 6 already sent" in res.output


# ---------------------------------------------------------------- two runs at once

def test_two_sends_at_once_on_one_outbox_never_duplicate(runner, tmp_path, server):
    srv = Server(late={"r2@example.org": 60})
    dist = write_dist(tmp_path, server(srv))
    first = subprocess.Popen(command(dist), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    t = time.monotonic()
    while "r2@example.org" not in srv.copies():
        _wait(srv.committed, "the first run is sending", first)
        srv.committed.clear()
        assert time.monotonic() - t < 60
    # a second run that will not wait refuses, naming the other process
    res = send(runner, dist, "--lock-wait", "0")
    assert res.exit_code == 1
    assert f"another run is sending from this outbox (process {first.pid} on" in res.output
    assert "nothing was sent" in res.output and "Traceback" not in res.output
    # a second run that waits: it starts while the first holds the lock, then finds everything sent
    second = subprocess.Popen(command(dist), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    line = ""
    t = time.monotonic()
    while "waiting up to" not in line:
        line = second.stderr.readline()
        assert line or second.poll() is None, second.stdout.read()
        assert time.monotonic() - t < 60
    assert f"process {first.pid}" in line
    srv.late.clear()
    srv.release.set()
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 0, out2 + err2
    assert "6 sent" in out1 and "0 sent, 6 already sent" in out2
    assert sorted(srv.copies().values()) == [1] * 6


# ---------------------------------------------------------------- ledger on a bad disk

def _mount_tmpfs(where: Path, size: str):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small tmpfs")
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")


@pytest.fixture
def small_disk(tmp_path):
    where = tmp_path / "disk"
    yield lambda size: _mount_tmpfs(where, size) or where
    if where.is_dir() and os.path.ismount(where):
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(folder: Path):
    """Fill the disk up to the last byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 4096, 512, 64, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def test_read_only_ledger_folder_refused_clearly_then_nothing_lost(runner, tmp_path, server, small_disk):
    srv = Server()
    port = server(srv)
    if os.geteuid() == 0:
        folder = small_disk("1m")
        dist = write_dist(folder, port)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        dist = write_dist(folder, port)
        folder.chmod(0o555)
    res = send(runner, dist)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "nothing was sent" in res.output and str(folder) in res.output
    assert "Read-only file system" in res.output or "Permission denied" in res.output
    assert not srv.messages
    if os.geteuid() == 0:
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
    else:
        folder.chmod(0o755)
    res = send(runner, dist)
    assert res.exit_code == 0, res.output
    res = send(runner, dist)
    assert "0 sent, 6 already sent" in res.output
    assert sorted(srv.copies().values()) == [1] * 6


def test_full_ledger_disk_before_and_during_sending(runner, tmp_path, server, small_disk):
    folder = small_disk("512k")
    everyone = recipients(30)

    def fill_at_third(s: Server):
        if len(s.messages) >= 3 and not (folder / "filler").exists():
            _fill(folder)
    srv = Server()
    dist = write_dist(folder, server(srv), audiences=[{"name": "a", "layout": "executive", "to": everyone}])
    # full before sending: refused clearly, nothing sent
    _fill(folder)
    res = send(runner, dist)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "nothing was sent" in res.output and "no space left" in res.output.lower()
    assert not srv.messages
    (folder / "filler").unlink()
    # the disk fills up while the third message is in flight: sending stops, with a report of who
    # has it and who has not; nobody is lost or repeated
    srv.on_commit = fill_at_third
    res = send(runner, dist)
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert "stopped: the ledger" in res.output and "No space left on device" in res.output
    rows = {ln.split()[1]: ln for ln in res.output.splitlines() if ln.startswith("a  ")}
    sent = [r for r in everyone if rows[r].split()[2] == "sent"]
    assert 3 <= len(sent) < 30 and all("not sent" in rows[r] for r in everyone if r not in sent)
    assert sorted(srv.copies()) == sorted(sent) and set(srv.copies().values()) == {1}
    srv.on_commit = None
    (folder / "filler").unlink()
    res = send(runner, dist)
    assert res.exit_code == 0, res.output
    assert f"{30 - len(sent)} sent, {len(sent)} already sent" in res.output and "in doubt" not in res.output
    assert sorted(srv.copies()) == sorted(everyone) and set(srv.copies().values()) == {1}


def test_a_full_disk_while_a_message_is_in_flight_still_records_it(tmp_path, small_disk):
    """The lock file keeps 64 KB in reserve: when the disk fills up, the outcome of the message in
    flight is still written (and the ledger says to stop)."""
    from briefing.distribute import Ledger, LedgerWriteError, SendLock
    folder = small_disk("256k")
    with SendLock(folder / "outbox.ledger.lock", wait=0) as lock:
        assert lock.reserved
        ledger = Ledger(folder / "outbox.ledger.jsonl", reserve=lock)
        ledger.open()
        _fill(folder)
        written = 0
        while ledger.degraded is None:           # write until the page the ledger had is full
            ledger.event("sent", "ed", "a", f"r{written}@example.org", message_id="<x@y>")
            written += 1
            assert written < 1000
        assert ledger.state("ed", "a", f"r{written - 1}@example.org") == "sent"
        with pytest.raises(LedgerWriteError):    # the reserve is spent: the next write fails, clearly
            for i in range(1000):
                ledger.event("intent", "ed", "a", f"s{i}@example.org")
        ledger.close()
    # what was written reads back; a write that failed half-way was taken back, not left cut
    again = Ledger(folder / "outbox.ledger.jsonl")
    assert all(again.state("ed", "a", f"r{i}@example.org") == "sent" for i in range(written))
    assert again.problems == []


# ---------------------------------------------------------------- damaged ledger

def test_cut_or_undecodable_last_line_is_reported_and_skipped(runner, tmp_path, server):
    srv = Server()
    dist = write_dist(tmp_path, server(srv), audiences=[{"name": "a", "layout": "executive", "to": recipients(3)}])
    assert send(runner, dist).exit_code == 0
    ledger = tmp_path / "outbox.ledger.jsonl"
    raw = ledger.read_bytes()
    # the run was killed while writing r3's "sent" line: the line is cut
    ledger.write_bytes(raw[: len(raw) - 25])
    res = send(runner, dist)
    assert res.exit_code == 0, res.output
    assert "is cut off" in res.output and "skipped" in res.output
    assert "r3@example.org" in res.output and "sent again: was in doubt (may have received it)" in res.output
    assert "1 sent, 2 already sent" in res.output
    # the new lines were not glued onto the cut one: every other line parses
    lines = ledger.read_bytes().split(b"\n")
    bad = [ln for ln in lines if ln and not ln.startswith(b"{") or (ln and not ln.endswith(b"}"))]
    assert len(bad) == 1
    assert sorted(srv.copies().values()) == [1, 1, 2]       # only r3, whose record was cut, twice
    # one byte that is not UTF-8 (used to make every later --send crash): reported, skipped
    lines = ledger.read_bytes().split(b"\n")
    n = next(i for i, ln in enumerate(lines) if b'"intent"' in ln and b"r1@" in ln)
    lines[n] = lines[n].replace(b"r1@", b"r1\xff@")
    ledger.write_bytes(b"\n".join(lines))
    res = send(runner, dist)
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output
    assert f"line {n + 1} is not UTF-8 (damaged); skipped" in res.output and "0 sent, 3 already sent" in res.output
    # ... and in the line that recorded r3's delivery: r3 is in doubt, named
    lines = ledger.read_bytes().split(b"\n")
    n = max(i for i, ln in enumerate(lines) if b'"sent"' in ln and b"r3@" in ln)
    lines[n] = lines[n][:-10] + b"\xff" + lines[n][-9:]
    ledger.write_bytes(b"\n".join(lines))
    res = send(runner, dist, "--no-resend-in-doubt")
    assert "Traceback" not in res.output and "is not UTF-8" in res.output
    assert res.exit_code == 1 and "r3@example.org" in res.output and "in doubt (may have received it)" in res.output
    assert sorted(srv.copies().values()) == [1, 1, 2]


def test_ledger_never_written_through_a_symlink_or_into_a_folder(runner, tmp_path, server):
    srv = Server()
    dist = write_dist(tmp_path, server(srv))
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    (tmp_path / "outbox.ledger.jsonl").symlink_to(target)
    res = send(runner, dist)
    assert res.exit_code == 1 and "symbolic link" in res.output and "Traceback" not in res.output
    assert target.read_text() == "precious\n" and not srv.messages
    (tmp_path / "outbox.ledger.jsonl").unlink()
    (tmp_path / "outbox.ledger.jsonl").mkdir()
    res = send(runner, dist)
    assert res.exit_code == 1 and "is a folder" in res.output and "Traceback" not in res.output
    assert not srv.messages


# ---------------------------------------------------------------- interrupted

def test_sigterm_and_ctrl_c_say_what_was_delivered(runner, tmp_path, server):
    srv = Server(late={"r2@example.org": 1.0})
    dist = write_dist(tmp_path, server(srv))
    p = subprocess.Popen(command(dist), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    while "r2@example.org" not in srv.copies():
        _wait(srv.committed, "r2's message", p)
        srv.committed.clear()
    p.send_signal(signal.SIGTERM)          # stop after the message in flight
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, out + err
    assert "nothing was written" not in err and "Traceback" not in err
    assert "2 sent" in out and "4 not sent" in out and "stopped: SIGTERM" in err
    assert "Delivered in this run: 2; not delivered: 4" in err
    # Ctrl-C twice while r4's answer is late: r4 is in doubt, said so
    srv.late = {"r4@example.org": 30}
    srv.release.clear()
    srv.committed.clear()
    p = subprocess.Popen(command(dist), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    while "r4@example.org" not in srv.copies():
        _wait(srv.committed, "r4's message", p)
        srv.committed.clear()
    p.send_signal(signal.SIGINT)
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    srv.release.set()
    srv.late = {}
    assert p.returncode == 130, out + err
    assert "nothing was written" not in err and "Traceback" not in err
    r4 = next(ln for ln in out.splitlines() if "r4@example.org" in ln)
    assert "in doubt (may have received it)" in r4
    assert "1 sent" in out and "2 already sent" in out and "2 not sent" in out
    res = send(runner, dist)
    assert res.exit_code == 0, res.output
    assert "3 sent, 3 already sent" in res.output
    copies = srv.copies()
    assert set(copies) == set(recipients(6)) and copies["r4@example.org"] == 2 and sum(copies.values()) == 7


# ---------------------------------------------------------------- validation before any work

def _dry(runner, tmp_path, audiences, **extra):
    dist = write_dist(tmp_path, 2525, audiences=audiences, **extra)
    return runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--dry-run"])


@pytest.mark.parametrize("entry", ["a@x.org, b@y.org", "a@x.org; b@y.org", "A <a@x.org>, b@y.org"])
def test_one_address_per_entry(runner, tmp_path, entry):
    res = _dry(runner, tmp_path, [{"name": "a", "to": [entry]}])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"audiences[0].to[0]: one address per entry; {entry!r} holds several" in res.output
    assert "dist.yaml" in res.output


def test_a_quoted_name_with_a_comma_is_one_address(runner, tmp_path):
    res = _dry(runner, tmp_path, [{"name": "a", "layout": "executive", "to": ['"Doe, Jane" <jane@x.org>']}])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("names", [("team.a", "teama"), ("team a", "team_a"), ("Team", "team")])
def test_audiences_sharing_an_outbox_file_are_refused(runner, tmp_path, names):
    res = _dry(runner, tmp_path, [{"name": names[0], "to": ["a@x.org"]}, {"name": names[1], "to": ["b@x.org"]}])
    assert res.exit_code == 1
    assert f"audiences[1].name: {names[1]!r} and audiences[0].name {names[0]!r} would both be written" in res.output


@pytest.mark.parametrize("where,value", [
    ("subject", "Briefing\r\nBcc: victim@x.org"),
    ("to", "a@x.org\nBcc: victim@x.org"),
    ("from", "Desk <desk@example.org>\r\nBcc: victim@x.org"),
])
def test_line_breaks_in_header_values_are_errors_naming_the_field(runner, tmp_path, where, value):
    aud = [{"name": "a", "to": [value if where == "to" else "a@x.org"]}]
    extra = {"subject": value} if where == "subject" else {}
    dist = write_dist(tmp_path, 2525, audiences=aud, **extra)
    if where == "from":
        d = yaml.safe_load(dist.read_text())
        d["from"] = value
        dist.write_text(yaml.safe_dump(d))
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--dry-run"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    field = {"subject": "subject:", "to": "audiences[0].to[0]:", "from": "from:"}[where]
    assert f"{field} contains a line break (CR/LF)" in res.output


def test_line_break_in_the_title_is_an_error_naming_the_project_file(runner, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(SEEDS, proj)
    (proj / "briefing.yaml").write_text('title: "Israel\\r\\nBcc: victim@x.org"\nas_of: 2026-02-15\n', encoding="utf-8")
    dist = write_dist(tmp_path, 2525, audiences=[{"name": "a", "to": ["a@x.org"]}])
    res = runner.invoke(cli, ["distribute", str(proj), "-d", str(dist), "--dry-run"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "briefing.yaml" in res.output and "title: contains a line break (CR/LF)" in res.output


def test_bounded_retries_timeout_and_subject_length(runner, tmp_path):
    dist = write_dist(tmp_path, 2525, audiences=[{"name": "a", "to": ["a@x.org"]}])
    d = yaml.safe_load(dist.read_text())
    d["smtp"].update(retries=20, backoff=60, timeout="soon")
    d["subject"] = "x" * 300
    dist.write_text(yaml.safe_dump(d))
    res = runner.invoke(cli, ["distribute", str(SEEDS), "-d", str(dist), "--dry-run"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "smtp.retries, smtp.backoff: 20 retries from 60 s" in res.output and "within an hour" in res.output
    assert "smtp.timeout: expected seconds" in res.output
    assert "subject: 300 characters long; at most 250" in res.output


# ---------------------------------------------------------------- deterministic editions

def test_same_articles_give_byte_identical_pdfs_under_any_hash_seed(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import write_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = write_corpus(tmp_path / "corpus", 64, seed=7)
    procs = []
    for seed in ("1", "2", "3"):
        env = {**ENV, "PYTHONHASHSEED": seed}
        out = tmp_path / f"seed{seed}.pdf"
        procs.append((out, subprocess.Popen(
            [sys.executable, "-m", "briefing", "build", str(folder), "--no-cache", "-q", "--layout", "executive",
             "-o", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    for out, p in procs:
        o, e = p.communicate(timeout=300)
        assert p.returncode == 0, o + e
    a, b, c = (out.read_bytes() for out, _ in procs)
    assert a[:5] == b"%PDF-" and a == b == c
