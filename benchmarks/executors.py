#!/usr/bin/env python3
"""Executors benchmark: a fresh `briefing extract --no-cache` process over generated corpora,
once with a process pool and once with a local Dask cluster, printing time, peak memory and
throughput (never a pass/fail test).

usage: python benchmarks/executors.py [--sizes 1000,10000] [--executors processes:2,dask:2]
                                      [--workdir DIR] [--command extract|build]

Peak memory is the largest resident size of the whole process tree (the build and every pool or
Dask worker process, sampled every 0.1 s with psutil, which Dask installs), and the build
process's own peak (ru_maxrss). ``--executors tcp://HOST:PORT`` measures an existing Dask
cluster instead (its workers are not in the tree then: only the client's memory is counted).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import MAIN_WITH_MAXRSS, write_corpus  # noqa: E402


def tree_rss(proc) -> int:
    import psutil
    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(src: Path, out: Path, executor: str, command: str = "extract") -> dict:
    import psutil
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", MAIN_WITH_MAXRSS,
                          command, str(src), "-o", str(out), "--no-cache", "--json", "--executor", executor],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(p.pid)
    peak = 0
    while p.poll() is None:
        peak = max(peak, tree_rss(ps))
        time.sleep(0.1)
    stdout, stderr = p.communicate()
    secs = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{command} failed ({executor}): {stderr[-2000:]}")
    own = [ln for ln in stderr.splitlines() if ln.startswith("MAXRSS")]
    summary = json.loads(stdout.strip().splitlines()[-1])
    return {"seconds": secs, "tree_mb": peak / 2**20, "own_mb": int(own[-1].split()[1]) / 1024 if own else 0,
            "articles": summary["articles"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--executors", default="processes:2,dask:2")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--command", choices=["extract", "build"], default="extract",
                    help="extract (the briefing/1 YAML, every item) or build (the PDF)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="briefing-exec-bench-"))
    print(f"{'articles':>9} {'executor':<22} {'seconds':>8} {'art/s':>7} {'peak tree MB':>13} {'peak own MB':>12}")
    for n in (int(x) for x in args.sizes.split(",")):
        src = work / f"corpus-{n}"
        if not src.exists():
            write_corpus(src, n)
        for ex in args.executors.split(","):
            r = run(src, work / f"out-{n}.{'yaml' if args.command == 'extract' else 'pdf'}", ex, args.command)
            print(f"{r['articles']:>9} {ex:<22} {r['seconds']:>8.1f} {r['articles'] / r['seconds']:>7.0f} "
                  f"{r['tree_mb']:>13.0f} {r['own_mb']:>12.0f}", flush=True)


if __name__ == "__main__":
    main()
