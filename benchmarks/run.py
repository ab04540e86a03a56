#!/usr/bin/env python3
"""Benchmarks: print a table of figures for generated corpora of 10, 100, 1,000 and 10,000
articles (never a pass/fail test).

usage: python benchmarks/run.py [--sizes 10,100,1000,10000] [--workdir DIR] [--skip-dateparser]

For each size: extract time (cold cache), extract time again (warm cache), render time
(analyst layout), end to end (a fresh `python -m briefing build` process, no cache), its peak
memory, and text throughput. Then two comparisons measured in the same run: our render against
a bare Typst compile of the same layout and data, and our whole extraction against dateparser's
search_dates over the same text. Also the seeds, process start to PDF written (median of 5).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import MAIN_WITH_MAXRSS, write_corpus  # noqa: E402


def run_build(src: Path, out: Path, extra=()) -> tuple[float, float, dict]:
    """(seconds, peak MB, json summary) of a fresh build process."""
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", MAIN_WITH_MAXRSS,
                        "build", str(src), "-o", str(out), "--json", *extra],
                       capture_output=True, text=True)
    secs = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"build failed: {r.stderr[-2000:]}")
    rss = [ln for ln in r.stderr.splitlines() if ln.startswith("MAXRSS")]
    own, kids = (int(x) for x in rss[-1].split()[1:]) if rss else (0, 0)
    return secs, max(own, kids) / 1024, json.loads(r.stdout.strip().splitlines()[-1])


BARE = """
import json, sys, time, shutil, tempfile
from pathlib import Path
import typst
from briefing.layouts import find_layout, base_dir
lay = find_layout("analyst")
data = Path(sys.argv[1]).read_text(encoding="utf-8")
tmp = tempfile.mkdtemp()
for name, src in lay.files().items():
    shutil.copy(src, Path(tmp) / name)
t = time.perf_counter()
c = typst.Compiler(str(Path(tmp) / "main.typ"), root=tmp, font_paths=[str(base_dir() / "fonts")],
                   ignore_system_fonts=True, sys_inputs={"data": data}, package_path=str(base_dir() / "packages"))
c.compile(format="pdf", pdf_standards=["a-2b", "ua-1"])
print(time.perf_counter() - t)
"""
OURS = """
import sys, time, yaml
from pathlib import Path
from briefing.layouts import find_layout
from briefing.model import load_briefing
from briefing.render import render_to_file
doc = load_briefing(sys.argv[1])
lay = find_layout("analyst")
t = time.perf_counter()
render_to_file(doc, lay, Path(sys.argv[2]))
print(time.perf_counter() - t)
"""


def fresh(code: str, *args) -> float:
    r = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(r.stderr[-2000:])
    return float(r.stdout.strip().splitlines()[-1])


def corpus_text(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10,100,1000,10000")
    ap.add_argument("--workdir", default=None, help="where corpora are generated (default: a temp folder)")
    ap.add_argument("--skip-dateparser", action="store_true")
    ap.add_argument("--dateparser-max", type=int, default=100,
                    help="largest size run through dateparser (it takes about 0.5 s an article)")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    work = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BRIEFING_CACHE_DIR"] = str(work / "cache")
    import typst

    from briefing.api import extract
    from briefing.layouts import find_layout
    from briefing.render import present

    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; typst-py {typst.__version__ if hasattr(typst, '__version__') else ''}")
    print(f"corpora in {work}\n")

    # the seeds: process start to PDF written
    def timed(extra):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "briefing", "build", str(ROOT / "seeds"), "-o", str(work / "seeds.pdf"),
                        "-q", *extra], check=True, capture_output=True)
        return time.perf_counter() - t
    times = [timed(["--no-cache"]) for _ in range(5)]
    warm = [timed([]) for _ in range(5)]
    print(f"seeds, process start to PDF written: median {statistics.median(times):.2f} s without cache, "
          f"{statistics.median(warm):.2f} s with a warm cache (5 runs each)\n")

    head = f"{'articles':>8} {'MB text':>8} {'extract':>8} {'cached':>7} {'render':>7} {'pages':>5} {'end-to-end':>10} {'peak MB':>8} {'MB/s':>6} {'bare typst':>10} {'overhead':>8} {'dateparser':>10} {'vs ours':>8}"
    print(head)
    print("-" * len(head))
    prev = None
    lay = find_layout("analyst")
    for n in sizes:
        folder = work / f"corpus-{n}"
        if not folder.exists():
            write_corpus(folder, n)
        texts = corpus_text(folder)
        mb = sum(len(t.encode()) for t in texts) / 1e6
        shutil.rmtree(work / "cache", ignore_errors=True)
        t0 = time.perf_counter()
        doc = extract([folder])
        t_extract = time.perf_counter() - t0
        t0 = time.perf_counter()
        extract([folder])
        t_cached = time.perf_counter() - t0
        # render and a bare Typst compile of the same layout and data, each in a fresh process
        # (Typst memoises within a process, so a second compile there would be unfairly fast)
        from briefing.model import save_briefing
        save_briefing(doc, work / f"doc-{n}.yaml")
        view = present(doc, lay, "en")
        (work / f"view-{n}.json").write_text(json.dumps(view, ensure_ascii=False), encoding="utf-8")
        t_render = fresh(OURS, work / f"doc-{n}.yaml", work / f"out-{n}.pdf")
        t_bare = fresh(BARE, work / f"view-{n}.json")
        from pypdf import PdfReader
        fig = {"pages": len(PdfReader(str(work / f"out-{n}.pdf")).pages)}
        e2e, peak, _ = run_build(folder, work / f"e2e-{n}.pdf", ["--no-cache"])
        dp = "-"
        ratio = "-"
        if not a.skip_dateparser and n <= a.dateparser_max:
            try:
                from dateparser.search import search_dates
                t0 = time.perf_counter()
                for t in texts:
                    search_dates(t, settings={"RELATIVE_BASE": __import__("datetime").datetime(2026, 2, 15)})
                t_dp = time.perf_counter() - t0
                dp = f"{t_dp:.2f} s"
                ratio = f"{t_dp / t_extract:.1f}x"
            except ImportError:
                dp = "n/a"
        overhead = (t_render - t_bare) / t_bare * 100 if t_bare else 0
        print(f"{n:>8} {mb:>8.2f} {t_extract:>7.2f}s {t_cached:>6.2f}s {t_render:>6.2f}s {fig['pages']:>5} "
              f"{e2e:>9.2f}s {peak:>8.0f} {mb / t_extract:>6.2f} {t_bare:>9.2f}s {overhead:>7.0f}% {dp:>10} {ratio:>8}")
        if prev:
            pn, pt = prev
            growth = e2e / pt
            print(f"{'':>8} growth from {pn}: {n / pn:.0f}x articles -> {growth:.1f}x end-to-end time")
        prev = (n, e2e)
    print("\nextract: cold cache, in-process; cached: the same again (unchanged folder); render: analyst layout,"
          " PDF/A-2b + PDF/UA-1, written; end-to-end: a fresh process, no cache; overhead: our render beyond a"
          " bare Typst compile of the same data; dateparser: search_dates over the same text (ours is 'vs ours' times faster).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
