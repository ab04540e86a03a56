#!/usr/bin/env python3
"""Send the seed briefing to 200 recipients in 3 audiences through a local SMTP server
(aiosmtpd on 127.0.0.1) and print the figures: editions built, time, recipients per second.
Each recipient gets a message of their own (one SMTP transaction each, on one connection); the
server offers PIPELINING unless --no-pipelining.

usage: python benchmarks/distribute.py [--recipients 200] [--audiences 3] [--no-pipelining]
Needs the test extras (pip install -e '.[test]').
"""
from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from pathlib import Path

import yaml
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


class Count:
    def __init__(self, pipelining: bool = True):
        self.messages = 0
        self.recipients = 0
        self.bytes = 0
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        self.bytes += len(envelope.original_content or b"")
        return "250 OK"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipients", type=int, default=200)
    ap.add_argument("--audiences", type=int, default=3)
    ap.add_argument("--no-pipelining", action="store_true", help="the server does not offer PIPELINING")
    a = ap.parse_args()
    from briefing.api import distribute
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Count(pipelining=not a.no_pipelining)
    ctl = Controller(handler, hostname="127.0.0.1", port=port)
    ctl.start()
    layouts = ["executive", "analyst", "mobile"]
    locales = ["en", "fr", "de"]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            per = a.recipients // a.audiences
            auds = []
            for i in range(a.audiences):
                n = per + (1 if i < a.recipients % a.audiences else 0)
                auds.append({"name": f"audience-{i + 1}", "layout": layouts[i % 3], "locale": locales[i % 3],
                             "to": [f"reader{i}-{j}@example.org" for j in range(n)]})
            dist = Path(tmp) / "dist.yaml"
            dist.write_text(yaml.safe_dump({"from": "Desk <desk@example.org>",
                                            "smtp": {"host": "127.0.0.1", "port": port, "security": "none"},
                                            "audiences": auds}))
            t0 = time.perf_counter()
            _, jobs, out = distribute([ROOT / "seeds"], dist, mode="send")
            t1 = time.perf_counter()
            _, _, again = distribute([ROOT / "seeds"], dist, mode="send")
            t2 = time.perf_counter()
    finally:
        ctl.stop()
    sent = sum(1 for o in out if o.status == "sent")
    print(f"audiences: {a.audiences}, recipients: {a.recipients}, editions built: {len({(j[1].layout, j[1].locale) for j in jobs})}")
    print(f"first run (extract + render + send): {t1 - t0:.2f} s; {sent} recipients accepted in "
          f"{handler.messages} SMTP transactions ({'pipelined' if handler.pipelining else 'not pipelined'}, "
          f"{handler.bytes / 1024 / 1024:.1f} MB); {sent / (t1 - t0):.0f} recipients/s")
    print(f"second run (unchanged editions): {t2 - t1:.2f} s; sent "
          f"{sum(1 for o in again if o.status == 'sent')}, already sent {sum(1 for o in again if o.status == 'already sent')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
