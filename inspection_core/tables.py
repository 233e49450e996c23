"""Plain-text presentation shared by both command lines and reports: tables and p-values."""

from __future__ import annotations

from collections.abc import Sequence

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["format_pvalue", "text_table"]


def format_pvalue(p: float) -> str:
    """A p-value to four decimals, tiny ones as ``<0.0001``.

    Examples
    --------
    >>> format_pvalue(0.16686), format_pvalue(3e-7)
    ('0.1669', '<0.0001')
    """
    return "<0.0001" if p < 0.0001 else f"{p:.4f}"


def _numeric(text: str) -> bool:
    return bool(text) and text.lstrip("+-<").replace(".", "", 1).isdigit()


def text_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns aligned with spaces: text left, numbers right.

    Examples
    --------
    >>> print(text_table(["kq", "p"], [["2.1", "0.17"], ["4.2", "0.0013"]]))
    kq  p
    2.1   0.17
    4.2 0.0013
    """
    cells = [[str(h) for h in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for k, r in enumerate(cells):
        parts = [
            c.rjust(w) if k and _numeric(c) else c.ljust(w) for c, w in zip(r, widths, strict=True)
        ]
        lines.append(" ".join(parts).rstrip())
    return "\n".join(lines)
