"""briefing: turn a folder of news articles into a printable, intelligence-style briefing.

Public API::

    from briefing import extract, render, build, load_briefing
    doc = extract(["seeds"])                 # the briefing/1 document (a dict)
    render(doc, "out.pdf", layout="analyst") # compile with Typst, written atomically
"""
__version__ = "0.1.0"

from .api import build, extract, load_briefing, render, save_briefing  # noqa: E402

__all__ = ["build", "extract", "render", "load_briefing", "save_briefing", "__version__"]
