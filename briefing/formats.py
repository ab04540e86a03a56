"""The one list of what briefing reads and writes, for help texts, messages and the README.

Kept free of imports so that the command line can show it without loading anything else."""

# article files read from a sources folder (or named on the command line)
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
# how every help text, message and the README name them
ARTICLE_FORMATS = ", ".join(ARTICLE_SUFFIXES)
# what `build` and `render` write
OUTPUT_FORMATS = ("pdf", "png", "svg")
