"""The one parser for untrusted values: ASCII digits only, bounds, lengths; it never raises."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.domain.search import id_query
from dashboard.domain.untrusted import bounded, number_list, prefixed_id, text, whole_number
from dashboard.domain.viewstate import DEFAULT_DEPTH, DEFAULT_WALL_REFRESH, parse, parse_wall


@pytest.mark.parametrize(
    "value", ["²", "٣", "१२", "1²", "-1", "+1", " 1", "1.0", "1e3", "", "9" * 19, None, True, 1.0, [1]]
)
def test_ut001_only_ascii_digits_are_numbers(value):
    assert whole_number(value) is None


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("007", 7), ("9" * 18, 10**18 - 1), (42, 42)])
def test_ut002_ascii_digits_and_json_integers_are_read(value, expected):
    assert whole_number(value) == expected


def test_ut003_bounds_clamp_and_fall_back_to_the_default():
    assert bounded("1000", default=3, low=1, high=10) == 10
    assert bounded("0", default=3, low=1, high=10) == 1
    assert bounded("²", default=3, low=1, high=10) == 3


def test_ut004_lists_lengths_and_element_ids():
    assert number_list("²,7, 8,x,", 10) == [7, 8]
    assert number_list("1,2,3", 2) == [1, 2]
    assert number_list(None, 5) == []
    assert text("abcdef", 3) == "abc"
    assert text(5) == ""
    assert prefixed_id("ci-42", "ci-") == 42
    assert prefixed_id("ci-²", "ci-") is None
    assert prefixed_id("group-4", "ci-") is None
    assert id_query("#²") is None
    assert id_query("#٣") is None


@given(st.text(max_size=30) | st.integers() | st.none() | st.floats() | st.booleans())
def test_ut005_never_raises(value):
    number = whole_number(value)
    assert number is None or 0 <= number < 10**18
    prefixed_id(value, "ci-")
    number_list(value, 5)


@pytest.mark.parametrize("query", ["?depth=²", "?root=²", "?changes=²", "?depth=٣"])
def test_ut006_found_by_a_user_unicode_digits_in_a_map_link_give_the_default_view(query):
    state = parse(query)
    assert state.root is None
    assert state.depth == DEFAULT_DEPTH
    assert state.change_days == 0


@pytest.mark.parametrize("query", ["?refresh=²", "?rotate=²", "?services=²,7"])
def test_ut007_found_by_a_user_unicode_digits_in_a_wall_link_give_the_default_wall(query):
    wall = parse_wall(query)
    assert wall.refresh == DEFAULT_WALL_REFRESH
    assert wall.rotate == 0
    assert wall.services <= {7}


def test_ut008_query_values_first_value_stripped_and_cut():
    from dashboard.domain.untrusted import MAX_TEXT, query_values

    assert query_values("?a=1&a=2&b=+x+&c=") == {"a": "1", "b": "x"}
    assert query_values("a=%ZZ") == {"a": "%ZZ"}
    assert len(query_values("?a=" + "x" * 3000)["a"]) == MAX_TEXT
    assert query_values(None) == {}
    assert query_values(["?a=1"]) == {}
