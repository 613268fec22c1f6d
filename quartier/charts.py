"""Server-rendered SVG bar charts (no JavaScript, no CDN, nothing inline the CSP forbids).

The functions compute geometry; ``quartier/partials/bar_chart.html`` draws it with SVG
attributes and CSS classes from ``quartier/static/quartier/quartier.css``.
"""

from dataclasses import dataclass

LABEL_WIDTH = 230
BAR_AREA = 420
ROW_HEIGHT = 26


@dataclass
class Bar:
    label: str
    value: float
    display: str
    css: str = "rn-bar"
    y: int = 0
    width: float = 0.0
    text_x: float = 0.0


def bar_chart(bars: list[Bar], *, maximum: float | None = None) -> dict:
    top = maximum if maximum is not None else max((bar.value for bar in bars), default=0)
    top = top or 1
    for index, bar in enumerate(bars):
        bar.y = index * ROW_HEIGHT
        bar.width = round(max(bar.value, 0) / top * BAR_AREA, 1)
        bar.text_x = LABEL_WIDTH + bar.width + 6
    return {
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "width": LABEL_WIDTH + BAR_AREA + 70,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "row_height": ROW_HEIGHT - 6,
        "text_dy": (ROW_HEIGHT - 6) // 2 + 5,
    }
