"""briefing: turn a folder of news articles into a printable, intelligence-style briefing.

Public API::

    from briefing import extract, render, build, load_briefing
    doc = extract(["seeds"])                 # the briefing/1 document (a dict)
    render(doc, "out.pdf", layout="analyst") # compile with Typst, written atomically

The names are loaded on first use, so `import briefing` (and the command line starting up)
stays cheap and an interrupt during start-up is handled by the command line.
"""
__version__ = "0.1.0"

__all__ = ["build", "extract", "render", "load_briefing", "save_briefing", "distribute", "__version__"]


def __getattr__(name):
    if name in __all__ and name != "__version__":
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'briefing' has no attribute {name!r}")
