"""Saved views, the pure part: names and positions from untrusted input, and positions put on the elements."""

import math

from hypothesis import given
from hypothesis import strategies as st

from dashboard.domain.saved_view import MAX_NAME, MAX_POSITIONS, clean_name, clean_positions, pinned


def test_sv001_a_name_is_trimmed_printable_text_of_bounded_length():
    assert clean_name("  Payments \t core\n view ") == "Payments core view"
    assert clean_name("<b>x</b>") == "<b>x</b>"  # text, shown as text
    assert clean_name("bell\x07") == "bell"
    for bad in ("", "   ", None, 5, ["x"], "x" * (MAX_NAME + 1)):
        assert clean_name(bad) is None


@given(st.text())
def test_sv002_any_text_gives_a_clean_name_or_none(raw):
    name = clean_name(raw)
    assert name is None or (0 < len(name) <= MAX_NAME and name == name.strip() and name.isprintable())


def test_sv003_positions_keep_only_the_maps_node_ids_with_finite_bounded_coordinates():
    raw = {
        "ci-5": {"x": 10.04, "y": -3},
        "group-5:server": [1, 2],
        "rel-1": [0, 0],  # an edge: not a node
        "ci-x": [0, 0],
        "ci-6": [math.inf, 0],
        "ci-7": [1e9, 0],
        "ci-8": [True, 0],
        "ci-9": "1,2",
        "ci-10": [1, 2, 3],
        5: [1, 2],
    }
    assert clean_positions(raw) == {"ci-5": (10.0, -3.0), "group-5:server": (1.0, 2.0)}
    assert clean_positions(["ci-5", [1, 2]]) == {}
    many = {f"ci-{i}": [i, i] for i in range(MAX_POSITIONS + 10)}
    assert len(clean_positions(many)) == MAX_POSITIONS


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=10,
)


@given(st.dictionaries(st.one_of(st.text(max_size=15), st.from_regex(r"ci-[0-9]{1,5}", fullmatch=True)), json_values))
def test_sv004_any_json_gives_positions_or_nothing_never_an_error(raw):
    for key, (x, y) in clean_positions(raw).items():
        assert key.startswith(("ci-", "group-"))
        assert math.isfinite(x)
        assert math.isfinite(y)


def test_sv005_pinned_moves_the_saved_nodes_only_and_leaves_the_kept_elements_alone():
    elements = [
        {"data": {"id": "ci-1"}, "position": {"x": 0, "y": 0}, "classes": "root"},
        {"data": {"id": "ci-2"}, "position": {"x": 5, "y": 5}, "classes": ""},
        {"data": {"id": "rel-1", "source": "ci-1", "target": "ci-2"}, "classes": ""},
    ]
    out = pinned(elements, {"ci-1": (100.0, 200.0), "rel-1": (1.0, 1.0)})
    assert out[0] == {"data": {"id": "ci-1"}, "position": {"x": 100.0, "y": 200.0}, "classes": "root"}
    assert out[1] is elements[1]
    assert out[2] is elements[2]
    assert elements[0]["position"] == {"x": 0, "y": 0}
    assert pinned(elements, {}) is elements
