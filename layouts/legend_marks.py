"""Small SVG pictures for the legend, drawn from the vocabulary: each status's node shape and colour, each
relationship type's line pattern and arrowhead. They are images (data: URIs): no markup from them reaches the page."""

from urllib.parse import quote

from dashboard.domain.vocabulary import EdgeStyle, HealthStyle

OUTLINE = "#3d4552"  # the node outline of layouts/map.py
_LINE_END = 40.0  # where the line sample stops and its arrowhead begins (the picture is 56 × 16)
_ARROWS = {
    "triangle": '<polygon points="40,2 54,8 40,14" fill="{c}"/>',
    "vee": '<polygon points="38,2 54,8 38,14 43,8" fill="{c}"/>',
    "tee": '<rect x="40" y="1" width="4" height="14" fill="{c}"/>',
    "square": '<rect x="41" y="2" width="12" height="12" fill="{c}"/>',
    "diamond": '<polygon points="40,8 47,2 54,8 47,14" fill="{c}"/>',
    "circle": '<circle cx="47" cy="8" r="6.5" fill="{c}"/>',
    "none": "",
}


def _uri(svg: str) -> str:
    return "data:image/svg+xml," + quote(svg)


def status_mark(style: HealthStyle) -> str:
    """The node of a status as the map draws it: its shape filled with its colour, with the map's dark outline."""
    paint = f'fill="{style.colour}" stroke="{OUTLINE}" stroke-width="0.12"'
    if style.outline:
        points = " ".join(f"{x:g},{y:g}" for x, y in zip(style.outline[::2], style.outline[1::2], strict=True))
        body = f'<polygon points="{points}" {paint} stroke-linejoin="round"/>'
    else:
        body = f'<circle cx="0" cy="0" r="1" {paint}/>'
    return _uri(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1.15 -1.15 2.3 2.3">{body}</svg>')


def relationship_mark(style: EdgeStyle, symmetric: bool) -> str:
    """A relationship type's line as the map draws it: pattern, colour and arrowhead (none for a peer link)."""
    end = 54.0 if symmetric or style.arrow == "none" else _LINE_END
    dash = f' stroke-dasharray="{" ".join(str(d) for d in style.dash)}"' if style.dash else ""
    line = f'<line x1="2" y1="8" x2="{end:g}" y2="8" stroke="{style.colour}" stroke-width="2.5"{dash}/>'
    arrow = "" if symmetric else _ARROWS.get(style.arrow, _ARROWS["triangle"]).format(c=style.colour)
    return _uri(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 56 16">{line}{arrow}</svg>')
