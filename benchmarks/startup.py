#!/usr/bin/env python3
"""Start-up figures (a benchmark, never a pass/fail test): how long the seeds build takes in a
fresh process against a bare Typst process compiling the same 7-page PDF/A + PDF/UA document,
what the imports cost, and what one shared font book saves per compile.

usage: python benchmarks/startup.py [--runs 7]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# a bare Typst process: Python, the typst module, the same layout files, fonts and data, PDF/A-2b
# and PDF/UA-1, the PDF written; nothing of briefing's own work
BARE = """
import json, shutil, sys, tempfile
from pathlib import Path
import typst
files, fonts, packages, data, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
tmp = tempfile.mkdtemp()
for name, src in files.items():
    shutil.copy(src, Path(tmp) / name)
c = typst.Compiler(str(Path(tmp) / "main.typ"), root=tmp, font_paths=[fonts], ignore_system_fonts=True,
                   sys_inputs={"data": Path(data).read_text(encoding="utf-8")}, package_path=packages)
Path(out).write_bytes(c.compile(format="pdf", pdf_standards=["a-2b", "ua-1"]))
"""

MODULES = """
import sys
from briefing.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("EXTRACTORS", sorted(m for m in sys.modules if m.startswith("briefing.extract") or m in ("briefing.assemble", "briefing.actors")), file=sys.stderr)
from briefing.lazyre import LazyPattern
import gc
pats = [o for o in gc.get_objects() if isinstance(o, LazyPattern)]
print("PATTERNS", len(pats), sum(1 for p in pats if p._rx is not None), file=sys.stderr)
"""


def wall(cmd, env=None) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t
    if r.returncode:
        raise SystemExit(f"{cmd[:4]} failed: {r.stderr[-2000:]}")
    return secs, r


def median(cmd, runs, env) -> float:
    return statistics.median(wall(cmd, env)[0] for _ in range(runs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE (modules compiled every run)")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="briefing-startup-"))
    # as an installed package runs: with its bytecode compiled (pip does that at install time;
    # this machine sets PYTHONDONTWRITEBYTECODE, which would recompile every module every run)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE" or a.no_bytecode}
    env = dict(base_env, BRIEFING_CACHE_DIR=str(work / "cache"))
    py = sys.executable
    if not a.no_bytecode:
        subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "briefing")], check=True, env=base_env)

    from briefing.api import extract
    from briefing.layouts import base_dir, find_layout
    from briefing.render import present
    lay = find_layout("analyst")
    doc = extract([ROOT / "seeds"], cache_dir=False)
    (work / "view.json").write_text(json.dumps(present(doc, lay, "en"), ensure_ascii=False), encoding="utf-8")
    files = json.dumps({k: str(v) for k, v in lay.files().items()})
    bare_cmd = [py, "-c", BARE, files, str(base_dir() / "fonts"), str(base_dir() / "packages"),
                str(work / "view.json"), str(work / "bare.pdf")]
    build = [py, "-m", "briefing", "build", str(ROOT / "seeds"), "-o", str(work / "seeds.pdf"), "-q"]

    t_python = median([py, "-c", "pass"], a.runs, env)
    t_bare = median(bare_cmd, a.runs, env)
    from pypdf import PdfReader
    pages = len(PdfReader(str(work / "bare.pdf")).pages)
    t_cold = median(build + ["--no-cache"], a.runs, env)
    wall(build, env)                                      # fill the cache
    t_warm = median(build, a.runs, env)
    t_imp_cli = median([py, "-c", "import briefing.cli"], a.runs, env)
    t_imp_api = median([py, "-c", "import briefing.api, briefing.render"], a.runs, env)
    t_imp_all = median([py, "-c", "import briefing.api, briefing.render, briefing.assemble, briefing.pipeline"], a.runs, env)

    _, r = wall([py, "-c", MODULES, "build", str(ROOT / "seeds"), "-o", str(work / "m.pdf"), "-q"], env)
    extractors = next(ln for ln in r.stderr.splitlines() if ln.startswith("EXTRACTORS"))[11:]
    npat, ncompiled = next(ln for ln in r.stderr.splitlines() if ln.startswith("PATTERNS")).split()[1:]
    _, r = wall([py, "-c", MODULES, "build", str(ROOT / "seeds"), "-o", str(work / "m.pdf"), "-q", "--no-cache"], env)
    cold_compiled = next(ln for ln in r.stderr.splitlines() if ln.startswith("PATTERNS")).split()[2]

    # one small compile: font folders scanned for each compiler, against one shared font book
    import typst
    from briefing.render import fonts_for
    dirs = [str(base_dir() / "fonts")]
    src = b'#set text(font: "Libertinus Serif")\nHello'

    def per_compile(fonts, n=30):
        t = time.perf_counter()
        for _ in range(n):
            typst.Compiler(src, font_paths=fonts, ignore_system_fonts=True).compile(format="pdf")
        return (time.perf_counter() - t) / n * 1000
    per_compile(dirs, 3)
    t_dirs = per_compile(dirs)
    shared = fonts_for(dirs)
    t_shared = per_compile(shared)

    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
          f"bytecode {'not written (PYTHONDONTWRITEBYTECODE)' if a.no_bytecode else 'compiled'}; median of {a.runs} runs\n")
    print(f"python -c pass                                   {t_python:6.3f} s")
    print(f"bare Typst process, seeds analyst ({pages} pages, PDF/A+UA) {t_bare:6.3f} s")
    print(f"seeds build, fresh process, no cache             {t_cold:6.3f} s   {t_cold / t_bare:4.1f}x bare Typst")
    print(f"seeds build, fresh process, warm cache           {t_warm:6.3f} s   {t_warm / t_bare:4.1f}x bare Typst")
    print(f"import briefing.cli                              {t_imp_cli:6.3f} s")
    print(f"import briefing.api + render                     {t_imp_api:6.3f} s")
    print(f"  + assemble, pipeline (every extractor)         {t_imp_all:6.3f} s")
    print(f"extractor modules a warm-cache build imports:    {extractors}")
    print(f"patterns: {npat} lazy; compiled by a warm-cache build: {ncompiled}; by a cold build: {cold_compiled}")
    print(f"one small compile: {t_dirs:.1f} ms scanning the font folder each time, {t_shared:.1f} ms with one shared typst.Fonts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
