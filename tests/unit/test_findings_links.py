"""Data-quality findings: worst first, each leading to a few of its CIs on the map; example names stay text."""

import json

from dashboard.domain.findings import Finding, Severity, by_severity
from layouts.overview import build_body
from tests.rows import ci, incident, rel
from tests.unit.test_quality import by_code, snapshot_of

HOSTILE = "<img src=x onerror=window.__pwned=1>"


def finding(code, severity, count, **fields):
    return Finding(code, severity, code, count, **fields)


def test_sm030_findings_are_sorted_worst_first_then_by_count():
    found = [
        finding("a", Severity.INFO, 900),
        finding("b", Severity.WARNING, 3),
        finding("c", Severity.ERROR, 1),
        finding("d", Severity.WARNING, 40),
        finding("e", Severity.ERROR, 7),
    ]
    assert [f.code for f in by_severity(found)] == ["e", "c", "d", "b", "a"]


def test_sm031_the_page_lists_them_in_that_order_with_links_to_their_cis():
    found = [
        finding("stale", Severity.INFO, 50, examples=("old-1",), ci_ids=(7,)),
        finding("names", Severity.WARNING, 2, examples=(HOSTILE,), ci_ids=(4, 5, 6, 8, 9, 10, 11)),
        finding("dangling", Severity.ERROR, 1, examples=("1 depends on 404",), ci_ids=(1,)),
        finding("no ci", Severity.INFO, 3, examples=("INC1",)),
    ]
    body = build_body(None, {}, {}, found, "/servicemap/")
    text = json.dumps([part.to_plotly_json() for part in body], default=lambda c: c.to_plotly_json())
    assert text.index('"dangling"') < text.index('"names"') < text.index('"stale"')
    hrefs = list(_hrefs(body))
    assert "/servicemap/?root=1" in hrefs
    assert "/servicemap/?root=1&view=table" in hrefs
    assert [h for h in hrefs if h.startswith("/servicemap/?root=") and "view" not in h][1:6] == [
        f"/servicemap/?root={i}"
        for i in (4, 5, 6, 8, 9)  # five per finding
    ]
    assert HOSTILE in _texts(body)  # a string child: React shows it as text
    assert all("<" not in href for href in hrefs)


def test_sm032_quality_rules_name_example_cis_that_are_on_the_graph():
    snap = snapshot_of(
        ci=[ci(1, cls="business_service"), ci(2, cls="application"), ci(3, "dup"), ci(4, "DUP"), ci(6, "lonely")],
        relationship=[
            rel(1, 1, "depends on", 2),
            rel(2, 2, "runs on", 3),
            rel(3, 2, "runs on", 4),
            rel(8, 1, "depends on", 404),
        ],
        incident=[incident("INC1", 999), incident("INC2", 2, priority=9)],
    )
    found = by_code(snap)
    assert found["ci.orphan"].ci_ids == (6,)
    assert found["ci.duplicate_name"].ci_ids == (3, 4)
    assert found["relationship.dangling"].ci_ids == (1,)  # the end that exists
    assert found["incident.bad_priority"].ci_ids == (2,)
    assert found["incident.unknown_ci"].ci_ids == ()  # no such CI to show
    assert found["ci.orphan"].as_dict()["ci_ids"] == [6]


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def _hrefs(body):
    return [c.href for part in body for c in _walk(part) if getattr(c, "href", None)]


def _texts(body):
    found = []
    for part in body:
        for c in _walk(part):
            children = getattr(c, "children", None)
            if isinstance(children, str):
                found.append(children)
    return found
