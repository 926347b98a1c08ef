"""Bar charts as numbers for an SVG template: the geometry is computed here, the template draws and escapes.

No chart library and nothing from outside: a few rectangles and labels read well and print well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    href: str | None = None
    css: str = ""


@dataclass(slots=True)
class Chart:
    title: str
    kind: str  # "rows" (horizontal bars, long labels) or "columns"
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    label_width: int = 0
    empty: str = "Chưa có dữ liệu"


def rows(title: str, items: Sequence[tuple[str, int, str | None]], *, width: int = 640, label_width: int = 300,
         row: int = 22) -> Chart:
    """Horizontal bars: one row per (label, value, link)."""
    top = max((v for _, v, _ in items), default=0) or 1
    room = width - label_width - 50
    bars = [Bar(label, value, label_width, i * row + 4, max(1.0, room * value / top), row - 6, href)
            for i, (label, value, href) in enumerate(items)]
    return Chart(title, "rows", width, max(row, len(items) * row + 8), bars, label_width)


def columns(title: str, items: Sequence[tuple[str, int, str | None, str]], *, width: int = 640,
            height: int = 220) -> Chart:
    """Vertical columns: one per (label, value, link, css class), labels under them."""
    top = max((v for _, v, _, _ in items), default=0) or 1
    n = max(1, len(items))
    slot = (width - 20) / n
    plot = height - 50
    bars = []
    for i, (label, value, href, css) in enumerate(items):
        h = plot * value / top
        bars.append(Bar(label, value, 10 + i * slot + slot * 0.15, 20 + plot - h, slot * 0.7, h, href, css))
    return Chart(title, "columns", width, height, bars)
