"""Errors a user can act on. Every library failure is a BriefingError; the CLI prints its
message on one line (click.ClickException) and exits non-zero, never with a traceback."""
from __future__ import annotations

import click


class BriefingError(click.ClickException):
    """Base class: a message meant for the user, naming the file and what is wrong."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None):
        self.path = str(path) if path else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class SourceError(BriefingError):
    """No sources, unreadable file, bad front matter."""


class SkippedSource(SourceError):
    """A file that is not an article (empty, binary): skipped with a warning, not fatal."""


class ConfigError(BriefingError):
    """A project file that does not validate."""


class ValidationError(BriefingError):
    """A briefing/1 document with problems; `problems` lists them all, each with its path."""

    def __init__(self, problems: list[str], path: str | None = None):
        self.problems = list(problems)
        head = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the briefing file"
        super().__init__(head + ":\n  " + "\n  ".join(self.problems), path)


class LayoutError(BriefingError):
    """Unknown layout, broken layout.yaml, Typst error in a layout."""


class RenderError(BriefingError):
    """Compilation or writing the output failed."""
