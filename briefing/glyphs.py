"""Pictographs no shipped font can draw, dropped from what a layout prints.

Articles copied from the web carry emoji as labels ("📌 KEY FACTS:", "🔴 LIVE"). The fonts the
briefing ships (Libertinus Serif and Amiri for text, DejaVu Sans Mono; all open licences) have
no colour or monochrome emoji, and no monochrome emoji font under an open licence is packaged
for PyPI or Debian (Noto Emoji's monochrome cut is not; Noto Sans Symbols 2 lacks most of them,
📌 included). A glyph no font has would print as a box and break PDF/A, so the layouts get the
text without them: a pictograph of Unicode's emoji set that the fonts lack, with the marks that
dress it (variation selector, skin tone, keycap, tag characters, zero-width joiner), and the
space it leaves. Symbols the fonts do draw (★ ✓ ⚠ ☎ ✈ → ©) stay, and so does every letter,
mark and digit of any script: the table below holds only symbols and unassigned code points.
The briefing file keeps the text as written.

The table was made with the ``regex`` module's Extended_Pictographic, Emoji_Presentation,
Emoji_Modifier and Regional_Indicator properties (Unicode 16), less what the shipped fonts
cover (each character compiled to PDF/A with them); tests/test_newuser.py checks both halves.
"""
from __future__ import annotations

from functools import lru_cache

# pictographs and emoji components the shipped fonts do not draw (symbols and unassigned only)
MISSING = (
    "\u26B0-\u26B1\u26BD-\u26BE\u26C4-\u26C5\u26C8\u26CE-\u26CF\u26D1\u26D3-\u26D4\u26E9-\u26EA"
    "\u26F0-\u26F5\u26F7-\u26FA\u26FD\u2705\u270A-\u270B\u2716\u2728\u274C\u274E\u2753-\u2755\u2757"
    "\u2795-\u2797\u27B0\u303D\u3297\u3299\U0001F004\U0001F02C-\U0001F02F\U0001F094-\U0001F09F"
    "\U0001F0AF-\U0001F0B0\U0001F0C0\U0001F0CF-\U0001F0D0\U0001F0F6-\U0001F0FF\U0001F170-\U0001F171"
    "\U0001F17E-\U0001F17F\U0001F18E\U0001F191-\U0001F19A\U0001F1AF-\U0001F1FF\U0001F201-\U0001F20F"
    "\U0001F21A\U0001F22F\U0001F232-\U0001F23A\U0001F23C-\U0001F23F\U0001F249-\U0001F25F"
    "\U0001F266-\U0001F321\U0001F324-\U0001F393\U0001F396-\U0001F397\U0001F399-\U0001F39B"
    "\U0001F39E-\U0001F3F0\U0001F3F3-\U0001F3F5\U0001F3F7-\U0001F4FD\U0001F4FF-\U0001F53D"
    "\U0001F549-\U0001F54E\U0001F550-\U0001F567\U0001F56F-\U0001F570\U0001F573-\U0001F57A\U0001F587"
    "\U0001F58A-\U0001F58D\U0001F590\U0001F595-\U0001F596\U0001F5A4-\U0001F5A5\U0001F5A8"
    "\U0001F5B1-\U0001F5B2\U0001F5BC\U0001F5C2-\U0001F5C4\U0001F5D1-\U0001F5D3\U0001F5DC-\U0001F5DE"
    "\U0001F5E1\U0001F5E3\U0001F5E8\U0001F5EF\U0001F5F3\U0001F5FA-\U0001F64F\U0001F680-\U0001F6C5"
    "\U0001F6CB-\U0001F6D0\U0001F6D2\U0001F6D5-\U0001F6E5\U0001F6E9\U0001F6EB-\U0001F6F0"
    "\U0001F6F3-\U0001F6FF\U0001F7DC-\U0001F7DF\U0001F7EC-\U0001F7F0\U0001F80C-\U0001F80F"
    "\U0001F848-\U0001F84F\U0001F85A-\U0001F85F\U0001F888-\U0001F88F\U0001F8AE-\U0001F8AF"
    "\U0001F8BC-\U0001F8BF\U0001F8C2-\U0001F8CF\U0001F8D9-\U0001F8FF\U0001F90C-\U0001F93A"
    "\U0001F93C-\U0001F945\U0001F947-\U0001F9FF\U0001FA58-\U0001FA5F\U0001FA6E-\U0001FAFF"
    "\U0001FC00-\U0001FFFD"
)
# emoji-set symbols the shipped fonts do draw: kept
COVERED = (
    "\u00A9\u00AE\u203C\u2049\u2122\u2194-\u2199\u21A9-\u21AA\u231A-\u231B\u2328\u23CF\u23E9-\u23F3"
    "\u23F8-\u23FA\u24C2\u25AA-\u25AB\u25B6\u25C0\u25FB-\u25FE\u2600-\u2604\u260E\u2611\u2614-\u2615"
    "\u2618\u261D\u2620\u2622-\u2623\u2626\u262A\u262E-\u262F\u2638-\u263A\u2640\u2642\u2648-\u2653"
    "\u265F-\u2660\u2663\u2665-\u2666\u2668\u267B\u267E-\u267F\u2692-\u2697\u2699\u269B-\u269C"
    "\u26A0-\u26A1\u26A7\u26AA-\u26AB\u2702\u2708-\u2709\u270C-\u270D\u270F\u2712\u2714\u271D\u2721"
    "\u2733-\u2734\u2744\u2747\u2763-\u2764\u27A1\u27BF\u2934-\u2935\u2B05-\u2B07\u2B1B-\u2B1C\u2B50"
    "\u2B55\u3030\U0001F6D1\U0001F7E0-\U0001F7EB"
)
_DRESS = "\\uFE0E\\uFE0F\\u20E3\\U0001F3FB-\\U0001F3FF\\U000E0020-\\U000E007F"


@lru_cache(maxsize=1)
def _pattern():
    import re
    one = f"[{MISSING}][{_DRESS}]*"
    seq = f"\\u200D?{one}(?:\\u200D(?:{one}|[{COVERED}][{_DRESS}]*))*"
    keycap = "\\uFE0F?\\u20E3"
    return re.compile(f"[ \\t]?(?:{seq}|{keycap})"), re.compile(f"[{MISSING}]|\\u20E3")


def drop_pictographs(text: str) -> str:
    """``text`` without the pictographs no shipped font draws ("📌 KEY FACTS:" -> "KEY FACTS:")."""
    if text.isascii():
        return text
    rx, probe = _pattern()
    if not probe.search(text):
        return text
    out = rx.sub("", text)
    # a pictograph that opened the text leaves no space behind it
    return out.lstrip(" \t") if not text[:1].isspace() else out


def clean_view(value):
    """Every string in a view-model (dicts, lists) through drop_pictographs."""
    if isinstance(value, str):
        return drop_pictographs(value)
    if isinstance(value, dict):
        return {k: clean_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_view(v) for v in value]
    return value
