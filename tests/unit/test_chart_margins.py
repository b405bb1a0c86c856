"""/health's chart margins: wide enough for the labels the server knows, so that plotly's automargin has nothing to
push (a second draw); the browser test bh011 checks that against what Chromium draws."""

from hypothesis import given
from hypothesis import strategies as st

from dashboard.health_page import ParetoBars, StatusBars
from layouts.chart_margins import TICK_PAD, labels_px, text_px
from layouts.health_charts import pareto_chart, status_bars
from layouts.health_sections import bar_chart

LABELS = st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=12, unique=True)


@given(st.text(max_size=40), st.text(min_size=1, max_size=5))
def test_cm001_a_longer_text_is_never_estimated_narrower(text, more):
    assert text_px(text + more) > text_px(text)
    assert text_px(text, 28) == 2 * text_px(text, 14)


@given(LABELS)
def test_cm002_a_horizontal_bar_chart_leaves_room_for_its_widest_label_and_says_so_in_meta(labels):
    counts = tuple((1, 0, 0, 0, 0, 0) for _ in labels)
    figure = status_bars(StatusBars(labels=tuple(labels), keys=tuple(labels), counts=counts), "mixclass")
    layout = figure["layout"]
    assert layout["margin"]["l"] >= max(text_px(label) for label in labels) + TICK_PAD - 1
    assert layout["meta"] == {"height": layout["height"], "margin": layout["margin"]}
    section = bar_chart("x", "t", labels, [1] * len(labels), ["1"] * len(labels)).figure["layout"]
    assert section["margin"]["l"] >= labels_px(labels[:15]) + TICK_PAD - 1
    assert section["meta"] == {"height": section["height"], "margin": section["margin"]}


@given(LABELS)
def test_cm003_a_pareto_leaves_room_under_it_for_its_slanted_names(names):
    bars = ParetoBars(
        names=tuple(names),
        ci_ids=tuple(str(i) for i in range(len(names))),
        values=tuple(range(len(names), 0, -1)),
        cumulative=tuple((i + 1) / len(names) for i in range(len(names))),
        total=len(names),
        contributors=len(names),
    )
    layout = pareto_chart(bars, "incidents")["layout"]
    widest = labels_px(names)
    assert layout["margin"]["b"] >= 0.6 * widest  # sin 40° of the widest name
    assert layout["margin"]["l"] >= 0.7 * labels_px(names[:1])  # cos 40° of the first, reaching left
