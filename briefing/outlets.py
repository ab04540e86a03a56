"""News outlets: what kind of organisation a cited outlet is, and where it is from.

Reads briefing/data/outlets.yaml (the file the source extractor also reads for names):
``lookup("the AP")`` -> ``{"name": "Associated Press", "type": "wire", "country": "US"}``.
Matching is case-insensitive and ignores a leading "the", as in extraction.
"""
from __future__ import annotations

import re
from functools import cache

from .extract.common import fold
from .text import data_file

TYPES = ("wire", "state_agency", "broadcaster", "newspaper", "online", "magazine")


def _key(s: str) -> str:
    s = " ".join(fold(s).split()).lower()
    return re.sub(r"^the\s+", "", s)


@cache
def _table() -> tuple[dict[str, dict], tuple[str, ...]]:
    table: dict[str, dict] = {}
    names = []
    for o in data_file("outlets.yaml")["outlets"]:
        info = {"name": o["name"], "type": o.get("type"), "country": o.get("country")}
        names.append(o["name"])
        for n in [o["name"], *(o.get("aliases") or [])]:
            table.setdefault(_key(n), info)
    return table, tuple(names)


def lookup(name: str) -> dict | None:
    """{name, type, country} of the outlet a canonical name or alias names, or None."""
    if not isinstance(name, str) or not name.strip():
        return None
    info = _table()[0].get(_key(name))
    return dict(info) if info else None


def all_names() -> list[str]:
    """The canonical names of all known outlets, in file order."""
    return list(_table()[1])
