"""The per-article cache: one SQLite file of JSON entries, which nothing in it can make run code.

Entries live in ``briefing-cache.sqlite3`` inside the cache folder, one row per (stage, key),
the value as zlib-compressed JSON in a tagged encoding (dates, tuples, non-string dict keys and
the package's own dataclasses are tagged; nothing else is accepted). Decoding builds only plain
data and dataclasses defined in ``briefing`` modules, never calls a constructor the entry
names, and any entry that does not decode (damaged, from another codec version, naming a field
the class no longer has) is a miss.

The folder must be the user's own: a folder (or database file) owned by another user, or
writable by others, is refused, since whoever can write the cache can feed a build. SQLite
gives atomic writes and locking, so concurrent builds can share one cache.

``clear`` removes only what the tool wrote: its database file (with its journal) and the
entries of the old pickle cache (``analysis/ab/<sha256>.pkl``...), never other files.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import os
import re
import sqlite3
import stat
import sys
import zlib
from pathlib import Path, PurePath

from .errors import BriefingError
from .text import no_gc

DB_NAME = "briefing-cache.sqlite3"
APP_ID = 0x62726631            # 'brf1' in the SQLite header: this file is briefing's cache
CODEC = 1                      # bump when the encoding changes: older entries are then misses
MAX_ENTRY = 1 << 30            # an entry never decompresses to more than this
_FLUSH_EVERY = 256
_LEGACY_STAGES = ("analysis", "positions", "briefing")
_LEGACY_ENTRY = re.compile(r"^[0-9a-f]{64}\.pkl$")
_LEGACY_PART = re.compile(r"^tmp[A-Za-z0-9_]+\.part$")
_MODULE = re.compile(r"^briefing(?:\.[a-z][a-z0-9_]*)*$")   # no __main__, no private modules


class CacheError(BriefingError):
    """A cache folder that must not be used (another user's, writable by others)."""


# ---------------------------------------------------------------- the codec

def encode(value) -> object:
    """JSON-ready form of ``value``; TypeError for anything outside plain data and the
    package's dataclasses."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list) or type(value).__name__ == "Packed" and type(value).__module__ == "briefing.articles":
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$": "t", "v": [encode(v) for v in value]}
    if isinstance(value, dict):
        if all(type(k) is str for k in value) and "$" not in value:
            return {k: encode(v) for k, v in value.items()}
        return {"$": "d", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {"$": "dt", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, PurePath):
        return {"$": "path", "v": str(value)}
    if isinstance(value, (set, frozenset)):
        return {"$": "fs" if isinstance(value, frozenset) else "set", "v": [encode(v) for v in value]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if not _MODULE.match(cls.__module__ or "") or "." in cls.__qualname__:
            raise TypeError(f"not cacheable: {cls.__module__}.{cls.__qualname__}")
        out = {"$": f"dc:{cls.__module__}:{cls.__qualname__}"}
        for f in dataclasses.fields(value):
            out[f.name] = encode(getattr(value, f.name))
        return out
    raise TypeError(f"not cacheable: {type(value).__name__}")


class _Refused(ValueError):
    pass


def _dataclass(name: str):
    """The dataclass an entry names: only one defined in a ``briefing`` module."""
    mod, _, qual = name.partition(":")
    if not _MODULE.match(mod) or not qual.isidentifier():
        raise _Refused(name)
    module = sys.modules.get(mod) or importlib.import_module(mod)
    cls = getattr(module, qual, None)
    if not isinstance(cls, type) or not dataclasses.is_dataclass(cls) or cls.__module__ != mod:
        raise _Refused(name)
    return cls


def _hook(d: dict):
    tag = d.pop("$", None)
    if tag is None:
        return d
    if tag == "t":
        return tuple(d["v"])
    if tag == "d":
        return {_hashable(k): v for k, v in d["v"]}
    if tag == "date":
        return dt.date.fromisoformat(d["v"])
    if tag == "dt":
        return dt.datetime.fromisoformat(d["v"])
    if tag == "path":
        return Path(d["v"])
    if tag == "set":
        return set(d["v"])
    if tag == "fs":
        return frozenset(d["v"])
    if isinstance(tag, str) and tag.startswith("dc:"):
        cls = _dataclass(tag[3:])
        names = {f.name for f in dataclasses.fields(cls)}
        if set(d) != names:
            raise _Refused(f"{tag}: fields {sorted(d)} are not {sorted(names)}")
        obj = object.__new__(cls)              # no constructor, no __post_init__: data only
        for k, v in d.items():
            object.__setattr__(obj, k, v)
        return obj
    raise _Refused(f"unknown tag {tag!r}")


def _hashable(k):
    return tuple(_hashable(x) for x in k) if isinstance(k, list) else k


def dumps(value) -> bytes:
    return zlib.compress(json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"),
                                    allow_nan=True).encode("utf-8"), 1)


def loads(blob: bytes):
    """The value of an entry; ValueError (or another ordinary exception) if it does not decode."""
    z = zlib.decompressobj()
    raw = z.decompress(blob, MAX_ENTRY)
    if z.unconsumed_tail:
        raise _Refused("entry too large")
    with no_gc():
        return json.loads(raw.decode("utf-8"), object_hook=_hook)


# ---------------------------------------------------------------- the folder

def _problem(st: os.stat_result, what: str) -> str | None:
    """Why a folder or file must not be trusted, or None."""
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        try:
            import pwd
            owner = pwd.getpwuid(st.st_uid).pw_name
        except (ImportError, KeyError):
            owner = f"uid {st.st_uid}"
        return f"{what} is owned by another user ({owner})"
    if os.name == "posix" and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{what} is writable by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def check_folder(root: Path) -> None:
    """CacheError unless ``root`` (and the database in it) is this user's alone."""
    try:
        st = os.stat(root)
    except OSError as e:
        raise CacheError(f"cannot use the cache folder ({e.strerror or e})", root)
    if not stat.S_ISDIR(st.st_mode):
        raise CacheError("the cache folder is not a folder", root)
    fix = ("; a cache others can write could make this build read their data: use a folder of your own "
           "(--cache-dir, BRIEFING_CACHE_DIR) or --no-cache")
    why = _problem(st, "the cache folder")
    if why:
        hint = f" (or `chmod go-w {root}`)" if "writable" in why else ""
        raise CacheError(why + fix + hint, root)
    db = Path(root) / DB_NAME
    try:
        dst = os.lstat(db)
    except FileNotFoundError:
        return
    except OSError as e:
        raise CacheError(f"cannot use the cache file ({e.strerror or e})", db)
    if not stat.S_ISREG(dst.st_mode):
        raise CacheError("the cache file is not a regular file (a link?); remove it or use another folder", db)
    why = _problem(dst, "the cache file")
    if why:
        raise CacheError(why + fix, db)


def _ours(db: Path) -> bool | None:
    """True for briefing's database, False for another file, None for a new (empty) one."""
    try:
        with open(db, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        return None
    if not head:
        return None
    return len(head) == 100 and head.startswith(b"SQLite format 3\x00") and int.from_bytes(head[68:72], "big") == APP_ID


def _make_folder(root: Path) -> None:
    if not root.exists():
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            root.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError as e:
            raise CacheError(f"cannot create the cache folder ({e.strerror or e})", root)


class Cache:
    """Stage results by key in the SQLite file of ``root``; an unreadable entry is a miss.

    ``root`` None: no cache (every get a miss, puts dropped). Writes are batched; ``flush`` (or
    ``close``) commits them. A cache that cannot be written only costs speed (``warn`` says so
    once)."""

    def __init__(self, root: Path | None, warn=None):
        self.root = Path(root) if root else None
        self.hits = self.misses = 0
        self.warn = warn
        self._db: sqlite3.Connection | None = None
        self._pending: dict[tuple[str, str], bytes] = {}
        if self.root:
            self._open()

    def _open(self) -> None:
        _make_folder(self.root)
        check_folder(self.root)
        path = self.root / DB_NAME
        mine = _ours(path)
        if mine is False:
            self._disable(f"{path} is not a briefing cache; left alone, running without the cache "
                          "(remove it or choose another --cache-dir)")
            return
        try:
            if mine is None:
                # created private (0600) before SQLite opens it; journals copy its mode
                fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
                os.close(fd)
            db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 30000")
            if mine is None:
                db.execute(f"PRAGMA application_id = {APP_ID}")
            db.execute("CREATE TABLE IF NOT EXISTS entries (stage TEXT NOT NULL, key TEXT NOT NULL, "
                       "codec INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (stage, key)) WITHOUT ROWID")
            self._db = db
        except (sqlite3.Error, OSError) as e:
            self._disable(f"cache {path} unusable ({e}); running without it")

    def _disable(self, message: str) -> None:
        if self.warn:
            self.warn(f"warning: {message}")
        self.root = None
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def has(self, stage: str, key: str) -> bool:
        """Whether an entry is there (not whether it decodes: ``get`` says that)."""
        if (stage, key) in self._pending:
            return True
        if self._db is None:
            return False
        try:
            return self._db.execute("SELECT 1 FROM entries WHERE stage = ? AND key = ? AND codec = ?",
                                    (stage, key, CODEC)).fetchone() is not None
        except sqlite3.Error:
            return False

    def get(self, stage: str, key: str):
        blob = self._pending.get((stage, key))
        if blob is None and self._db is not None:
            try:
                row = self._db.execute("SELECT codec, value FROM entries WHERE stage = ? AND key = ?",
                                       (stage, key)).fetchone()
            except sqlite3.Error:
                row = None
            if row and row[0] == CODEC and isinstance(row[1], bytes):
                blob = row[1]
        if blob is not None:
            try:
                value = loads(blob)
                self.hits += 1
                return value
            except (Exception, RecursionError):     # damaged, stale or refused: a miss
                pass
        self.misses += 1
        return None

    def put(self, stage: str, key: str, value) -> None:
        if self._db is None:
            return
        try:
            blob = dumps(value)
        except (TypeError, ValueError, RecursionError):
            return                                  # not plain data: not cached
        self._pending[(stage, key)] = blob
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            return
        rows = [(s, k, CODEC, v) for (s, k), v in self._pending.items()]
        self._pending.clear()
        try:
            with self._db:                             # one transaction
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO entries (stage, key, codec, value) VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as e:
            self._disable(f"cannot write the cache in {self.root} ({e}); running without it")

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


# ---------------------------------------------------------------- info and clear

def info(root: Path) -> dict:
    """{'entries': {stage: n}, 'bytes': size, 'legacy': n} of the cache in ``root``."""
    root = Path(root)
    out = {"entries": {}, "bytes": 0, "legacy": len(_legacy_files(root)), "foreign": False}
    db = root / DB_NAME
    mine = _ours(db)
    if mine is False:
        out["foreign"] = True
    elif mine:
        check_folder(root)
        out["bytes"] = db.stat().st_size
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
            try:
                out["entries"] = dict(con.execute("SELECT stage, count(*) FROM entries GROUP BY stage").fetchall())
            finally:
                con.close()
        except sqlite3.Error:
            pass
    return out


def _legacy_files(root: Path) -> list[Path]:
    """Entries of the old pickle cache: stage/ab/<sha256>.pkl (and its .part temporaries)."""
    found = []
    for stage in _LEGACY_STAGES:
        sd = root / stage
        if not sd.is_dir() or sd.is_symlink():
            continue
        for sub in sd.iterdir():
            if not (re.fullmatch(r"[0-9a-f]{2}", sub.name) and sub.is_dir() and not sub.is_symlink()):
                continue
            for f in sub.iterdir():
                if (_LEGACY_ENTRY.match(f.name) or _LEGACY_PART.match(f.name)) and f.is_file() and not f.is_symlink():
                    found.append(f)
    return found


def clear(root: Path) -> dict:
    """Remove what briefing wrote in ``root``; returns what was removed and what was left."""
    root = Path(root)
    report = {"entries": 0, "bytes": 0, "files": [], "legacy": 0, "left": []}
    if not root.is_dir():
        return report
    check_folder(root)
    db = root / DB_NAME
    mine = _ours(db)
    if mine:
        before = info(root)
        report["entries"] = sum(before["entries"].values())
        report["bytes"] = before["bytes"]
    if mine or (mine is None and db.is_file()):     # ours, or the empty file it starts as
        for f in (db, *(db.with_name(db.name + s) for s in ("-journal", "-wal", "-shm"))):
            try:
                f.unlink()
                report["files"].append(str(f))
            except FileNotFoundError:
                pass
    elif mine is False:
        report["left"].append(str(db))
    legacy = _legacy_files(root)
    for f in legacy:
        try:
            f.unlink()
            report["legacy"] += f.suffix == ".pkl"
        except OSError:
            report["left"].append(str(f))
    for stage in _LEGACY_STAGES:
        sd = root / stage
        if sd.is_dir() and not sd.is_symlink():
            for sub in sd.iterdir():
                if re.fullmatch(r"[0-9a-f]{2}", sub.name) and sub.is_dir() and not sub.is_symlink():
                    try:
                        sub.rmdir()                  # only if empty
                    except OSError:
                        pass
            try:
                sd.rmdir()
            except OSError:
                pass
    others = [p for p in root.iterdir()]
    report["left"] += [str(p) for p in others if str(p) not in report["left"]]
    return report


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def info_text(root: Path) -> str:
    """`briefing cache info`: where the cache is, its entries by stage, its size."""
    i = info(root)
    by_stage = ", ".join(f"{n} {stage}" for stage, n in sorted(i["entries"].items()))
    return (f"{root}: {sum(i['entries'].values())} entries{f' ({by_stage})' if by_stage else ''}, {_size(i['bytes'])}"
            + (f"; {i['legacy']} entries of the old pickle cache, never read (`briefing cache clear` removes them)"
               if i["legacy"] else "")
            + (f"; {DB_NAME} there was not written by briefing and is not used" if i["foreign"] else ""))


def clear_text(root: Path) -> str:
    """`briefing cache clear`: clear, and say what was removed and what was left alone."""
    if not Path(root).is_dir():
        return f"{root}: no cache folder, nothing to remove"
    r = clear(root)
    parts = [f"{r['entries']} entries ({_size(r['bytes'])})"] + ([f"{r['legacy']} old-format entries"] if r["legacy"] else [])
    lines = [f"{root}: removed {' and '.join(parts)}"] + [f"  removed {f}" for f in r["files"]]
    if r["legacy"]:
        lines.append(f"  removed {r['legacy']} old-format entries under {', '.join(_LEGACY_STAGES)}/")
    if r["left"]:
        n = len(r["left"])
        lines.append(f"  left untouched (not written by briefing): {', '.join(r['left'][:5])}"
                     + (f" and {n - 5} more" if n > 5 else ""))
    return "\n".join(lines)
