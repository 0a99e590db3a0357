"""Text from files and the command line, made safe to echo on a terminal (a leaf module: the command line's light
parser uses it without loading the scenario format)."""

from __future__ import annotations

import unicodedata

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: object, limit: int | None = None) -> str:
    """``text`` safe to echo on a terminal: control characters shown as escapes, at most ``limit`` characters.

    Control characters (ESC, the C1 range, DEL, line breaks, NUL …), line and paragraph separators
    and bidirectional overrides are written as ``\\x1b``/``\\u202e``: echoed raw they could clear the
    screen, recolour it, or display a line in another order than it is stored. Everything else,
    Chinese included, is kept. Rich markup is not escaped here (the CLI does that where it prints).
    """
    out = []
    for char in str(text):
        if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    shown = "".join(out)
    if limit is not None and len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown
