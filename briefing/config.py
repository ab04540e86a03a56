"""The project file (`briefing.yaml` next to the sources, or `--config`).

Contract: ``title``, optional ``as_of``, ``actors: [{name, aliases}]``. Extra keys used here:
``organisation`` (issuing line, PDF author), ``marking`` (handling banner), ``layout``, ``locale``.
Validation collects every problem and reports them together.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError

PROJECT_FILE = "briefing.yaml"

DEFAULTS = {
    "title": "Situation Briefing",
    "as_of": None,
    "organisation": None,
    "marking": "TLP:CLEAR",
    "layout": "analyst",
    "locale": "en",
    "actors": None,
}


@dataclass
class Actor:
    name: str
    aliases: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        seen, out = set(), []
        for t in [self.name, *self.aliases]:
            if t and t not in seen:
                seen.add(t)
                out.append(t)
        return out


@dataclass
class Project:
    title: str = DEFAULTS["title"]
    as_of: dt.date | None = None
    organisation: str | None = None
    marking: str = DEFAULTS["marking"]
    layout: str = DEFAULTS["layout"]
    locale: str = DEFAULTS["locale"]
    actors: list[Actor] | None = None
    locale_set: bool = False          # the project file names a locale
    path: Path | None = None          # the project file, when there is one
    base: Path | None = None          # folder that relative paths in it are taken from
    reliability: str | None = None    # outlets -> reliability letters (grading.py), relative to base


def parse_date(value, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date from YAML (already a date) or a string; ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{what}: expected a date as YYYY-MM-DD, got {value!r}")


def load_project(path: Path | None) -> Project:
    """Load and validate a project file; None gives the defaults."""
    if path is None:
        return Project()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("project file not found", path)
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read project file ({e})", path)
    from .text import safe_yaml, yaml_problem
    try:
        data = safe_yaml(text) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"not valid YAML ({yaml_problem(e)})", path)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings (title, as_of, actors...)", path)

    problems: list[str] = []
    proj = Project(path=path.resolve(), base=path.resolve().parent)
    for key in ("title", "organisation", "marking", "layout", "locale"):
        if key in data and data[key] is not None:
            if not isinstance(data[key], str) or not data[key].strip():
                problems.append(f"{key}: expected a non-empty string")
            else:
                setattr(proj, key, data[key].strip())
                if key == "locale":
                    proj.locale_set = True
    if data.get("reliability") is not None:       # the outlet reliability file (grading.py)
        if not isinstance(data["reliability"], str) or not data["reliability"].strip():
            problems.append("reliability: expected the name of a file mapping outlets to letters A-F")
        else:
            proj.reliability = data["reliability"].strip()
    if data.get("as_of") is not None:
        try:
            proj.as_of = parse_date(data["as_of"], "as_of")
        except ValueError as e:
            problems.append(str(e))
    if data.get("actors") is not None:
        actors = data["actors"]
        if not isinstance(actors, list):
            problems.append("actors: expected a list of {name, aliases}")
        else:
            proj.actors = []
            for i, a in enumerate(actors):
                if isinstance(a, str):
                    a = {"name": a}
                if not isinstance(a, dict) or not isinstance(a.get("name"), str) or not a["name"].strip():
                    problems.append(f"actors[{i}].name: expected a non-empty string")
                    continue
                aliases = a.get("aliases") or []
                if not isinstance(aliases, list) or not all(isinstance(x, (str, int)) for x in aliases):
                    problems.append(f"actors[{i}].aliases: expected a list of strings")
                    aliases = []
                proj.actors.append(Actor(a["name"].strip(), [str(x).strip() for x in aliases if str(x).strip()]))
            names = [a.name for a in proj.actors]
            for n in dict.fromkeys(n for n in names if names.count(n) > 1):   # in file order, not hash order
                problems.append(f"actors: {n!r} is listed more than once")
    if problems:
        raise ConfigError("invalid project file:\n  " + "\n  ".join(problems), path)
    return proj


def find_project_file(sources: list[Path]) -> Path | None:
    """`briefing.yaml` in the first source folder (or next to the first source file)."""
    for s in sources:
        folder = s if s.is_dir() else s.parent
        cand = folder / PROJECT_FILE
        if cand.is_file():
            return cand
    return None
