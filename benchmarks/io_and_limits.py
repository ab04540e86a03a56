#!/usr/bin/env python3
"""Benchmark (never a pass/fail test) for issue #13: the YAML and cache I/O and the size limits.

usage: python benchmarks/io_and_limits.py [--workdir DIR] [--articles 1000] [--big-mb 10]

Prints, each figure from fresh `briefing` processes on generated corpora:
* extract of N articles, first run (empty cache) and unchanged re-run (warm cache), and their ratio;
* writing and reading that briefing/1 file with libyaml against pure-Python PyYAML (CPU seconds);
* one article of --big-mb MB built end to end (limit raised), and a 20 MB one skipped by the default limit.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import article, write_corpus  # noqa: E402


def run(args: list[str]) -> float:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"briefing {' '.join(args)} failed:\n{r.stderr[-2000:]}")
    return time.perf_counter() - t


def big_article(folder: Path, mb: float, seed: int = 3) -> Path:
    rng = random.Random(seed)
    parts, size = [], 0
    while size < mb * 1_000_000:
        body = article(rng, 0, dt.date(2026, 2, 15)).split("---\n")[-1]
        parts.append(body)
        size += len(body)
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / "huge.txt"
    f.write_text("\n".join(parts), encoding="utf-8")
    return f


def yaml_figures(path: Path) -> dict:
    import yaml

    from briefing.model import _Dumper, dump_yaml
    from briefing.text import safe_yaml
    text = path.read_text(encoding="utf-8")
    T = time.process_time
    out = {}
    t = T(); doc = yaml.safe_load(text); out["load_py"] = T() - t                      # noqa: E702
    t = T(); doc2 = safe_yaml(text); out["load_c"] = T() - t                           # noqa: E702
    assert doc == doc2
    t = T(); a = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)   # noqa: E702
    out["dump_py"] = T() - t
    t = T(); b = dump_yaml(doc); out["dump_c"] = T() - t                               # noqa: E702
    out["same_bytes"] = a == b
    out["mb"] = len(text.encode()) / 1e6
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir")
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--big-mb", type=float, default=10)
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="briefing-bench13-"))
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "cache"
    cache.mkdir(mode=0o700, exist_ok=True)

    src = write_corpus(work / f"corpus-{a.articles}", a.articles)
    out = work / "brief.yaml"
    first = run(["extract", str(src), "-o", str(out), "-q", "--cache-dir", str(cache)])
    again = [run(["extract", str(src), "-o", str(out), "-q", "--cache-dir", str(cache)]) for _ in range(3)]
    rerun = sorted(again)[1]
    print(f"extract {a.articles} articles: first run {first:.2f} s, unchanged re-run {rerun:.2f} s "
          f"(median of 3) = {100 * rerun / first:.0f} % of the first")
    y = yaml_figures(out)
    print(f"briefing/1 file {y['mb']:.1f} MB: write {y['dump_py']:.2f} s pure Python -> {y['dump_c']:.2f} s libyaml "
          f"(same bytes: {y['same_bytes']}); read {y['load_py']:.2f} s -> {y['load_c']:.2f} s (CPU seconds)")

    big = big_article(work / "big", a.big_mb)
    t = run(["build", str(big.parent), "-o", str(work / "big.pdf"), "-q", "--no-cache",
             "--max-article-mb", str(a.big_mb * 1.1)])
    print(f"one {big.stat().st_size / 1e6:.1f} MB article, limit raised: built in {t:.1f} s")
    huge = big_article(work / "huge", 20)
    (huge.parent / "small.txt").write_text("Ruritania said on March 3 that it would reopen the border.\n",
                                           encoding="utf-8")
    t = run(["build", str(huge.parent), "-o", str(work / "huge.pdf"), "-q", "--no-cache"])
    print(f"a {huge.stat().st_size / 1e6:.1f} MB article next to a small one, default limit: skipped, "
          f"built in {t:.1f} s")
    print(f"(work folder: {work})")


if __name__ == "__main__":
    main()
