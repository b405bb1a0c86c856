"""The report's markup helpers: sections, tables, bar charts and links, every CMDB string escaped."""

import html
from collections.abc import Collection, Iterable

import plotly.graph_objects as go
import plotly.io as pio


def section(title: str, text: str, step: str, rest: str) -> str:
    return f'<section><h2>{e(title)}</h2>{text}<p class="next"><b>What to do next:</b> {step}</p>{rest}</section>'


def bar(labels: list[str], values: list[int], colours: list[str], title: str) -> str:
    figure = go.Figure(go.Bar(x=labels, y=values, marker={"color": colours, "line": {"color": "#3d4552", "width": 1}}))
    figure.update_layout(
        title={"text": title, "font": {"size": 18}},
        font={"size": 15},  # plotly's 12 px is small beside the page's text, on paper and on a 4K screen
        height=300,
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
    )
    chart = pio.to_html(figure, full_html=False, include_plotlyjs=False, config={"staticPlot": True})
    return f'<div class="chart">{chart}</div>'


def table(head: Iterable[str], rows: list[list[str]], numeric: Collection[int] = ()) -> str:
    if not rows:
        return "<p>None.</p>"
    th = "".join(f"<th{' class=num' if i in numeric else ''}>{e(h)}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def ci_link(ci_id: int, name: str, map_url: str) -> str:
    label = e(name) if name else f"#{ci_id}"
    return f'<a href="{e(map_url)}?root={ci_id}">{label}</a>' if map_url else f"{label} (#{ci_id})"


def e(text: object) -> str:
    return html.escape(str(text), quote=True)
