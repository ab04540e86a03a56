"""Regular expressions compiled on first use, not at import.

The extractors hold well over a hundred module-level patterns; compiling them all at import
cost a quarter of a second on every run, including runs that read every article from the
cache and never match a thing. ``lazy(pattern, flags)`` stands where ``re.compile(pattern,
flags)`` stood: the pattern is compiled the first time one of its methods or attributes is
used, and from then on the compiled pattern's bound methods are plain attribute lookups.
"""
from __future__ import annotations

import re


class LazyPattern:
    """A stand-in for ``re.Pattern``: compiles itself when first used."""

    __slots__ = ("_args", "_rx", "__dict__")

    def __init__(self, pattern, flags: int = 0):
        self._args = (pattern, flags)
        self._rx = None

    def compiled(self) -> re.Pattern:
        if self._rx is None:
            self._rx = re.compile(*self._args)
        return self._rx

    def __getattr__(self, name):
        # only reached for names not yet cached on the instance
        value = getattr(self.compiled(), name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"lazy({self._args[0]!r})"


def lazy(pattern, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
