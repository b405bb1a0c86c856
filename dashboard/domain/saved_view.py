"""Saved views, the pure part: a view's name and its pinned node positions, from untrusted input, in bounded sizes.

A saved view is a name for a map's URL (root, direction, depth, filters, layout …) and the positions its nodes had
when it was saved (cytoscape's, after any drag), so that the map opens as it was left. What the browser sends is
untrusted: a name is trimmed text of at most MAX_NAME characters; positions keep only element ids of the map's own
shapes with finite coordinates within MAX_COORDINATE, at most MAX_POSITIONS of them.
"""

import math
import re

MAX_NAME = 80
MAX_POSITIONS = 5000  # a map holds at most map_budget (≤ 20,000) elements, nodes and edges
MAX_COORDINATE = 1e7
MAX_ELEMENT_ID = 200
_ELEMENT_ID = re.compile(r"(?:ci-[0-9]{1,18}|group-[^\x00-\x1f]{1,190})")


def clean_name(raw: object) -> str | None:
    """The view's name: printable text, whitespace runs as one space, trimmed; None when nothing is left or too long."""
    if not isinstance(raw, str):
        return None
    name = " ".join("".join(c for c in raw if c.isprintable()).split())
    return name if 0 < len(name) <= MAX_NAME else None


def clean_positions(raw: object) -> dict[str, tuple[float, float]]:
    """{element id: (x, y)} of the map's nodes, from what the browser sent ({id: {x, y}} or {id: [x, y]}); anything
    else is left out, never an error."""
    if not isinstance(raw, dict):
        return {}
    kept: dict[str, tuple[float, float]] = {}
    for key, value in raw.items():
        if len(kept) >= MAX_POSITIONS:
            break
        point = _point(value)
        if isinstance(key, str) and len(key) <= MAX_ELEMENT_ID and _ELEMENT_ID.fullmatch(key) and point is not None:
            kept[key] = point
    return kept


def _point(value: object) -> tuple[float, float] | None:
    if isinstance(value, dict):
        value = [value.get("x"), value.get("y")]
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    x, y = value
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y)):
        return None
    if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in (x, y)):
        return None
    return round(float(x), 1), round(float(y), 1)


def pinned(elements: list[dict], positions: dict[str, tuple[float, float]]) -> list[dict]:
    """The elements with the saved positions of the nodes that have one (new dicts: the kept elements stay as they
    are); a node the saved view did not have keeps the server's position."""
    if not positions:
        return elements
    out = []
    for element in elements:
        point = positions.get(element["data"].get("id", "")) if "source" not in element["data"] else None
        out.append(element if point is None else {**element, "position": {"x": point[0], "y": point[1]}})
    return out
