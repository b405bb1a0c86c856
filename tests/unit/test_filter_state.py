"""Filters in the URL: round trips, repeated parameters, forged values; and how the filters read in words."""

import pytest

from dashboard.domain.viewstate import MAX_FILTER_CHARS, MAX_FILTER_VALUES, ViewState, parse, to_query
from dashboard.map_filters import FilterSummary
from layouts.filters import build_via_details, filter_notice, via_label


@pytest.mark.parametrize(
    "state",
    [
        ViewState(root=5, classes=frozenset({"server", "database"})),
        ViewState(root=5, environments=frozenset({"production"}), locations=frozenset({"London, UK", "FRA1"})),
        ViewState(root=5, incidents_only=True, criticalities=frozenset({"1 - critical", "high"}), details=False),
        ViewState(root=5, embed=True, details=False, locations=frozenset({"a&b=c", "ünïcødé ☃"})),
    ],
)
def test_fe020_filters_and_details_survive_a_round_trip(state):
    assert parse(to_query(state)) == state


def test_fe021_each_value_repeats_its_parameter_and_defaults_stay_out_of_the_link():
    assert (
        to_query(ViewState(root=5, classes=frozenset({"server", "database"}))) == "?root=5&class=database&class=server"
    )
    assert to_query(ViewState(root=5, details=True)) == "?root=5"
    assert to_query(ViewState(root=5, details=False)) == "?root=5&details=0"
    assert parse("?root=5&loc=FRA1&loc=LON3").locations == frozenset({"FRA1", "LON3"})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?class=&class=%20%20", frozenset()),
        ("?class=" + "x" * (MAX_FILTER_CHARS + 1), frozenset()),
        ("?class=<script>alert(1)</script>", frozenset({"<script>alert(1)</script>"})),  # text, matches nothing
        ("?class[]=server", frozenset()),
        ("&".join(f"class=c{i}" for i in range(MAX_FILTER_VALUES + 20)), {f"c{i}" for i in range(MAX_FILTER_VALUES)}),
    ],
)
def test_fe022_forged_filter_values_are_cut_dropped_or_kept_as_plain_text(query, expected):
    assert parse(query).classes == expected


def test_fe023_details_hide_only_with_details_0():
    assert parse("?details=0").details is False
    for query in ("?details=1", "?details=no", "", "?details=00"):
        assert parse(query).details is True


def test_fe024_the_notice_says_what_is_shown_what_filtered_and_what_was_contracted():
    summary = FilterSummary(shown_cis=5, total_cis=134, contracted_cis=12, by=("open incidents", "class (Server)"))
    assert filter_notice(summary) == (
        "Showing 5 of 134 CIs: filtered by open incidents, class (Server); 12 hidden CIs contracted into “via” edges."
    )
    assert (
        filter_notice(FilterSummary(2, 3, 0, ("open incidents",))) == "Showing 2 of 3 CIs: filtered by open incidents."
    )
    assert via_label(1) == "via 1 hidden"
    assert via_label(3) == "via 3 hidden"


def test_fe025_via_details_name_the_hidden_cis_as_text_and_count_the_rest():
    panel = build_via_details("<b>shop</b>", "db", 20, ["<img src=x onerror=alert(1)>", "api"])
    text = str(panel)
    assert "<img src=x onerror=alert(1)>" in text  # a child string: rendered as text by React, never as HTML
    assert "and 18 more" in text
    assert "via 20 hidden" in text
