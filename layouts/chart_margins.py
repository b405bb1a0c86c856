"""Margins wide enough for a /health chart's tick labels, axis titles and legend, computed from their text.

plotly's `automargin` measures the labels after a first draw and draws the whole chart again with wider margins
(each /health chart was drawn twice for it). These margins are computed on the server from the labels' lengths at
the charts' font size (14 px, layouts/health_charts.py's FONT; a big screen scales them with the fonts,
assets/vendor/plotly-scale.js), a little wider than the text of system-ui/DejaVu Sans, so that plotly's automargin
pass finds nothing to push and each chart is drawn once. Automargin stays on as a safety net: a font wider than
estimated costs a redraw, never a clipped label.
"""

from collections.abc import Iterable, Sequence
from math import cos, radians, sin

FONT_PX = 14
LINE_PX = 1.3 * FONT_PX  # one line of text
TICK_PAD = 12  # between a tick label and the plot (tick, standoff) and from the label to the chart's edge
LEGEND_PX = 56  # a one-row horizontal legend above the plot
TITLE_PX = 26  # an axis title's line and its standoff
_NARROW, _WIDE = set("iljtf.,:;'|!()[] -"), set("mwMW@%")


def text_px(text: str, size: float = FONT_PX) -> float:
    """The width of `text` at `size` px, a little over what system-ui draws (wide letters and capitals count more)."""
    ems = sum(0.4 if c in _NARROW else 0.95 if c in _WIDE else 0.78 if c.isupper() else 0.62 for c in text)
    return ems * size


def labels_px(labels: Iterable[object], size: float = FONT_PX) -> float:
    """The width of the widest label."""
    return max((text_px(str(label), size) for label in labels), default=0.0)


def slanted_px(labels: Iterable[object], degrees: float) -> float:
    """The height of the widest label turned by `degrees`."""
    return labels_px(labels) * sin(radians(abs(degrees))) + LINE_PX * cos(radians(degrees))


def count_ticks_px(largest: float, title: bool = True) -> float:
    """The room beside a value axis of counts up to `largest` (its tick labels, and its title when it has one)."""
    return labels_px([f"{largest:,.0f}", "100"]) + TICK_PAD + (TITLE_PX if title else 0)


def first_slanted_px(labels: Sequence[object], degrees: float) -> float:
    """How far left of the plot the first labels reach when labels are slanted by `degrees`, each ending at its tick
    (the first three, as if at the first tick: a later one is a category or more further right)."""
    return labels_px(labels[:3]) * cos(radians(degrees)) + TICK_PAD


DATE_PX = slanted_px(["2026-11-24"], 30) + 2 * TICK_PAD  # dates over or under an axis, turned by 30° when close


def margin(left: float = 10, right: float = 10, top: float = 10, bottom: float = 10) -> dict:
    """plotly's margin, in whole pixels."""
    return {"l": round(left), "r": round(right), "t": round(top), "b": round(bottom)}
