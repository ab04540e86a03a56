"""Layouts: folders with layout.yaml and main.typ, found by name or path.

Lookup order for a name: ``layouts/NAME`` next to the project file, then the built-in
layouts shipped with the package. A path (containing a slash, or an existing folder) is
taken as the layout folder itself. A name that walks out of its folder is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .errors import LayoutError

LAYOUT_KEYS = {"name", "description", "audience", "extends", "paper", "margins", "fonts", "accent",
               "marking", "marking_color", "sections", "limits", "locale", "pdf_standards", "logo"}


@dataclass
class Layout:
    name: str
    folder: Path
    origin: str                      # built-in | project | path
    settings: dict = field(default_factory=dict)

    @property
    def main(self) -> Path:
        return self.folder / "main.typ"


def builtin_root() -> Path:
    try:
        root = Path(str(resources.files("briefing.builtin_layouts")))
        if root.is_dir():
            return root
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "layouts"


def _load(folder: Path, name: str, origin: str) -> Layout:
    cfg = folder / "layout.yaml"
    if not (folder / "main.typ").is_file():
        raise LayoutError(f"layout '{name}' has no main.typ", folder)
    settings = {}
    if cfg.is_file():
        try:
            settings = yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark else ""
            raise LayoutError(f"{where}not valid YAML ({getattr(e, 'problem', None) or e})", cfg)
        if not isinstance(settings, dict):
            raise LayoutError("expected a mapping of layout settings", cfg)
        unknown = sorted(set(settings) - LAYOUT_KEYS)
        if unknown:
            raise LayoutError(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                              f"(allowed: {', '.join(sorted(LAYOUT_KEYS))})", cfg)
    return Layout(settings.get("name") or name, folder, origin, settings)


def find_layout(name: str, project_base: Path | None = None) -> Layout:
    name = str(name).strip()
    p = Path(name)
    if "/" in name or "\\" in name or p.is_absolute() or name.startswith("."):
        if p.is_dir():
            return _load(p.resolve(), p.name, "path")
        if ".." in p.parts or name.startswith("."):
            raise LayoutError(f"layout name {name!r} walks out of the layouts folder; "
                              "give a layout name or the path of a layout folder")
        raise LayoutError(f"no layout folder at {name!r}")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise LayoutError(f"invalid layout name {name!r}")
    searched = []
    if project_base:
        cand = Path(project_base) / "layouts" / name
        searched.append(str(cand))
        if cand.is_dir():
            return _load(cand, name, "project")
    cand = builtin_root() / name
    searched.append("built-in")
    if cand.is_dir() and not name.startswith("_"):
        return _load(cand, name, "built-in")
    available = ", ".join(available_layouts(project_base)) or "none"
    raise LayoutError(f"unknown layout {name!r} (available: {available})")


def available_layouts(project_base: Path | None = None) -> list[str]:
    names = set()
    roots = [builtin_root()] + ([Path(project_base) / "layouts"] if project_base else [])
    for r in roots:
        if r.is_dir():
            names.update(d.name for d in r.iterdir() if (d / "main.typ").is_file() and not d.name.startswith("_"))
    return sorted(names)
