"""Layouts: folders with layout.yaml and main.typ, found by name or path, with `extends`.

Lookup order for a name, the same for every command: ``layouts/NAME`` in the project folder (the
folder of the project file, else of the sources; ``briefing layouts -p``), then ``layouts/NAME``
in the current folder (where ``briefing layouts new`` writes by default), then the built-in
layouts shipped with the package. A path (containing a slash, or starting with a dot)
is taken as the layout folder itself. A name that walks out of its folder is refused.

``extends: other`` inherits the other layout's settings (this file's keys win; mappings merge)
and its Typst files (a file in this folder replaces the parent's file of the same name).
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .errors import LayoutError
from .text import safe_yaml, yaml_problem
from .lazyre import lazy

LAYOUT_KEYS = {
    "name": "layout name", "description": "one line for `briefing layouts`", "audience": "who reads it",
    "extends": "layout to inherit from", "paper": "a4, us-letter, or {width, height}",
    "margins": "{top, bottom, x} lengths", "fonts": "{size, body: [families]}", "accent": "colour, #rrggbb",
    "logo": "image file in the layout folder", "marking": "handling banner text",
    "marking_color": "banner colour, #rrggbb", "sections": "sections in order",
    "limits": "{positions_per_actor, chronology, undated, sources, glance_per_actor, bluf, timeline, key_events, ahead, issues, changes}", "locale": "default locale",
    "pdf_standards": "list, e.g. [a-2b, ua-1]; [] for none", "quotes": "show source sentences",
    "justify": "justified text", "numbered": "numbered headings", "cited_sources_only": "source notes only for cited articles",
    "max_pages": "page budget the layout promises",
}
SECTIONS = {"bluf", "glance", "matrix", "positions", "timeline", "key_events", "chronology", "sources", "grading"}
_LENGTH = lazy(r"^\d+(?:\.\d+)?(?:pt|mm|cm|in|em)$")
_COLOR = lazy(r"^#[0-9a-fA-F]{6}$")
STANDARDS = {"a-1b", "a-2b", "a-2u", "a-3b", "a-3u", "a-4", "ua-1", "1.7", "2.0"}


@dataclass
class Layout:
    name: str
    folder: Path
    origin: str                      # built-in | project | path
    settings: dict = field(default_factory=dict)
    chain: list[Path] = field(default_factory=list)   # this folder first, then what it extends

    @property
    def main(self) -> Path:
        return self.file("main.typ")

    def file(self, name: str) -> Path:
        """A file the layout names, from the first folder of the chain that has it; it must
        resolve inside that folder (a linked file or sub-folder pointing elsewhere is refused)."""
        for folder in self.chain or [self.folder]:
            if (folder / name).is_file():
                return _inside(folder / name, folder, name)
        raise LayoutError(f"layout '{self.name}' has no {name}", self.folder)

    def files(self) -> dict[str, Path]:
        """Every Typst file (and the logo) the layout uses, child folders winning."""
        out: dict[str, Path] = {}
        for folder in reversed(self.chain or [self.folder]):
            for f in folder.iterdir():
                if f.is_file() and f.suffix == ".typ":
                    out[f.name] = _inside(f, folder)
        logo = self.settings.get("logo")
        if logo:
            out["logo" + Path(logo).suffix.lower()] = self.file(logo)
        return out

    def font_dirs(self) -> list[Path]:
        """The layouts' own fonts/ folders; each must lie inside its layout folder with nothing
        in it linking out (Typst would otherwise read, or scan, whatever the link names)."""
        out = []
        for folder in self.chain or [self.folder]:
            fonts = folder / "fonts"
            if not fonts.is_dir():
                continue
            _inside(fonts, folder, "fonts")
            home = folder.resolve()
            for dirpath, dirnames, filenames in os.walk(fonts):
                for n in dirnames + filenames:
                    p = Path(dirpath) / n
                    if p.is_symlink():
                        _inside(p, folder, str(p.relative_to(folder)), home)
            out.append(fonts)
        return out


def _inside(f: Path, folder: Path, name: str | None = None, home: Path | None = None) -> Path:
    """A layout file must really be in its folder: a symlink (to the file, or to a folder on its
    way) pointing elsewhere is refused, so a layout can read nothing but its own files and the
    data it is given."""
    real, home = f.resolve(), home or folder.resolve()
    if home not in real.parents:
        raise LayoutError(f"{name or f.name} resolves to {real}, outside the layout folder {home} "
                          "(a link?); copy the file in instead", f)
    return f


_PACKAGE = re.compile(r'"@([A-Za-z][\w-]*/[^"\n]*)"')


def check_imports(files: dict[str, Path]) -> None:
    """Refuse a Typst file that names a package other than the shipped ``@local/briefing``: a
    ``@preview`` package would make Typst fetch it from the network."""
    for name, f in files.items():
        if f.suffix != ".typ":
            continue
        for i, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for m in _PACKAGE.finditer(line):
                if not m.group(1).startswith("local/briefing:"):
                    raise LayoutError(f"line {i}: imports the package @{m.group(1)}; rendering never uses the network "
                                      "and layouts may use only @local/briefing: copy what you need into the "
                                      "layout's .typ files", f)


def builtin_root() -> Path:
    try:
        root = Path(str(resources.files("briefing.builtin_layouts")))
        if (root / "_base").is_dir():
            return root
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "layouts"


def base_dir() -> Path:
    return builtin_root() / "_base"


def _read_settings(folder: Path) -> dict:
    cfg = folder / "layout.yaml"
    if not cfg.is_file():
        return {}
    _inside(cfg, folder)
    try:
        settings = safe_yaml(cfg.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as e:
        raise LayoutError(f"not UTF-8 text ({e.reason} at byte {e.start})", cfg)
    except yaml.YAMLError as e:
        raise LayoutError(f"not valid YAML ({yaml_problem(e)})", cfg)
    if not isinstance(settings, dict):
        raise LayoutError("expected a mapping of layout settings", cfg)
    problems = validate_settings(settings, folder)
    if problems:
        raise LayoutError("; ".join(problems), cfg)
    return settings


def _key_line(folder: Path, key: str) -> str:
    try:
        for i, line in enumerate((folder / "layout.yaml").read_text(encoding="utf-8").splitlines(), 1):
            if re.match(rf"^{re.escape(key)}\s*:", line):
                return f"line {i}: "
    except OSError:
        pass
    return ""


def validate_settings(s: dict, folder: Path) -> list[str]:
    p = []
    for k in s:
        if k not in LAYOUT_KEYS:
            close = [x for x in LAYOUT_KEYS if x.startswith(str(k)[:3])]
            hint = f" (did you mean {', '.join(close)}?)" if close else f" (allowed: {', '.join(sorted(LAYOUT_KEYS))})"
            p.append(f"{_key_line(folder, k)}unknown key {k}{hint}")
    for k in ("accent", "marking_color"):
        if k in s and not (isinstance(s[k], str) and _COLOR.match(s[k])):
            p.append(f"{_key_line(folder, k)}{k}: expected a colour like '#1f3a5f'")
    if "sections" in s:
        if not isinstance(s["sections"], list) or not all(x in SECTIONS for x in s["sections"]):
            p.append(f"{_key_line(folder, 'sections')}sections: expected a list of {', '.join(sorted(SECTIONS))}")
    if "margins" in s:
        m = s["margins"]
        if not isinstance(m, dict) or not all(k in ("top", "bottom", "x") and _LENGTH.match(str(v)) for k, v in m.items()):
            p.append(f"{_key_line(folder, 'margins')}margins: expected {{top, bottom, x}} lengths like 2cm")
    if "paper" in s:
        pa = s["paper"]
        if isinstance(pa, dict):
            if not _LENGTH.match(str(pa.get("width", ""))) or ("height" in pa and not _LENGTH.match(str(pa["height"]))):
                p.append(f"{_key_line(folder, 'paper')}paper: expected {{width, height}} lengths like 105mm")
        elif not isinstance(pa, str) or not re.fullmatch(r"[a-z0-9-]+", pa):
            p.append(f"{_key_line(folder, 'paper')}paper: expected a paper name like a4 or us-letter")
    if "fonts" in s:
        f = s["fonts"]
        if not isinstance(f, dict) or ("size" in f and not _LENGTH.match(str(f["size"]))) or \
                ("body" in f and not (isinstance(f["body"], list) and all(isinstance(x, str) for x in f["body"]))):
            p.append(f"{_key_line(folder, 'fonts')}fonts: expected {{size: 10.5pt, body: [family, ...]}}")
    if "pdf_standards" in s:
        v = s["pdf_standards"]
        if not isinstance(v, list) or not all(str(x) in STANDARDS for x in v):
            p.append(f"{_key_line(folder, 'pdf_standards')}pdf_standards: expected a list of {', '.join(sorted(STANDARDS))}")
    if "limits" in s and not (isinstance(s["limits"], dict) and all(isinstance(v, int) and v >= 0 for v in s["limits"].values())):
        p.append(f"{_key_line(folder, 'limits')}limits: expected whole numbers")
    if "logo" in s and not (isinstance(s["logo"], str) and not Path(s["logo"]).is_absolute() and ".." not in Path(s["logo"]).parts):
        p.append(f"{_key_line(folder, 'logo')}logo: expected a file name inside the layout folder")
    return p


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def search_dirs(project_base: Path | None = None) -> list[Path]:
    """The project layout folders, first match wins: the project folder's layouts/, then the
    current folder's layouts/ (once, when they are the same folder)."""
    dirs = [Path(project_base) / "layouts"] if project_base else []
    here = Path("layouts")
    if not _same(here, builtin_root()) and (not dirs or not _same(dirs[0], here)):
        dirs.append(here)                # (not in a source checkout, where ./layouts is the built-in one)
    return [d for d in dirs if not _same(d, builtin_root())]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _where(project_base: Path | None) -> str:
    return ", ".join(f"{d}/" for d in search_dirs(project_base)) + " and the built-in layouts"


def _locate(name: str, project_base: Path | None) -> tuple[Path, str]:
    name = str(name).strip()
    p = Path(name)
    if "/" in name or "\\" in name or p.is_absolute() or name.startswith("."):
        if ".." in p.parts and not p.is_dir():
            raise LayoutError(f"layout name {name!r} walks out of the layouts folder; "
                              "give a layout name or the path of a layout folder")
        if p.is_dir():
            return p.resolve(), "path"
        raise LayoutError(f"no layout folder at {name!r}")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name:
        raise LayoutError(f"invalid layout name {name!r}")
    for d in search_dirs(project_base):
        cand = d / name
        if cand.is_dir():
            return cand.resolve(), "project"
    cand = builtin_root() / name
    if cand.is_dir() and not name.startswith("_"):
        return cand, "built-in"
    names = [n for n, _, _ in list_layouts(project_base)]
    import difflib
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6) or \
        difflib.get_close_matches(name.lower(), [n.lower() for n in names], n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise LayoutError(f"unknown layout {name!r}{hint} (looked in {_where(project_base)}; "
                      f"available: {', '.join(names) or 'none'})")


def find_layout(name: str, project_base: Path | None = None) -> Layout:
    folder, origin = _locate(name, project_base)
    chain, settings, seen = [folder], _read_settings(folder), {folder}
    merged = dict(settings)
    parent = settings.get("extends")
    while parent:
        # a project layout may extend a built-in one of the same name: look past itself
        pf, _ = _locate(parent, project_base)
        if pf in seen:
            pf = builtin_root() / str(parent)
            if pf in seen or not pf.is_dir():
                raise LayoutError(f"layout '{name}' extends itself through '{parent}'", folder / "layout.yaml")
        seen.add(pf)
        chain.append(pf)
        ps = _read_settings(pf)
        merged = _merge(ps, merged)
        parent = ps.get("extends")
    merged.pop("extends", None)
    lay = Layout(settings.get("name") or folder.name, folder, origin, merged, chain)
    lay.main  # raises if no folder in the chain has main.typ
    if merged.get("logo"):
        lay.file(merged["logo"])
    return lay


def list_layouts(project_base: Path | None = None) -> list[tuple[str, str, Path]]:
    """(name, origin, folder) of every layout: project ones shadow built-in ones."""
    found: dict[str, tuple[str, str, Path]] = {}
    # lowest priority first: a later root shadows an earlier one
    roots = [(builtin_root(), "built-in")] + [(d, "project") for d in reversed(search_dirs(project_base))]
    for root, origin in roots:
        if root.is_dir():
            for d in sorted(root.iterdir()):
                if d.is_dir() and not d.name.startswith(("_", ".")) and ((d / "main.typ").is_file() or (d / "layout.yaml").is_file()):
                    found[d.name] = (d.name, origin, d)
    return sorted(found.values())


def available_layouts(project_base: Path | None = None) -> list[str]:
    return [n for n, _, _ in list_layouts(project_base)]


def scaffold(name: str, source: str, project_base: Path) -> Path:
    """Copy a layout into the project's layouts/ folder to edit."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name:
        raise LayoutError(f"invalid layout name {name!r}: use letters, digits, '-', '_' and '.'")
    src = find_layout(source, project_base)
    dst = Path(project_base) / "layouts" / name
    if dst.exists():
        raise LayoutError("a layout of that name already exists; choose another name or remove it", dst)
    dst.mkdir(parents=True)
    for fname, path in src.files().items():
        if not fname.startswith("logo"):
            shutil.copy(path, dst / fname)
    settings = dict(src.settings)
    settings["name"] = name
    settings["description"] = f"{settings.get('description', '')} (copied from {src.name})".strip()
    (dst / "layout.yaml").write_text(
        f"# Layout '{name}', copied from '{src.name}'. Edit freely; see `briefing layouts --help`.\n"
        + yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return dst
