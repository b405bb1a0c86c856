"""The URL is the view: round trips, defaults, clamping, and forged values."""

import pytest

from dashboard.domain.viewstate import DEFAULT_DEPTH, MAX_DEPTH, ViewState, bad_as_of, parse, parse_wall, to_query


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(root=5),
        ViewState(root=5, depth=None, scope="upstream", layout="cose", incidents_only=True, change_days=7),
        ViewState(root=9_000_000_000, impact=True, expanded=frozenset({"12:virtual_machine", "3:server"})),
        ViewState(root=5, embed=True),
        ViewState(root=5, sel=42),
        ViewState(root=5, sel=42, path=7),
    ],
)
def test_vs001_every_view_survives_a_round_trip(state):
    assert parse(to_query(state)) == state


def test_vs002_defaults_are_left_out_of_the_link():
    assert to_query(ViewState(root=5)) == "?root=5"
    assert to_query(ViewState()) == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?depth=1000000000", ViewState(depth=MAX_DEPTH)),
        ("?depth=0", ViewState(depth=1)),
        ("?depth=-3", ViewState(depth=DEFAULT_DEPTH)),
        ("?root=abc", ViewState()),
        ("?root=1e9", ViewState()),
        ("?root=99999999999999999999999", ViewState()),
        ("?dir=<script>", ViewState()),
        ("?layout=javascript:alert(1)", ViewState()),
        ("?changes=100000", ViewState(change_days=90)),
        ("?impact=yes", ViewState()),
        ("%%%&&&==", ViewState()),
        (None, ViewState()),
    ],
)
def test_vs003_malformed_values_take_defaults_or_are_clamped(query, expected):
    assert parse(query) == expected


def test_vs004_open_groups_are_bounded():
    many = ",".join(f"{i}:server" for i in range(500))
    assert len(parse(f"?open={many}").expanded) <= 50


def test_vs005_re_rooting_closes_groups_and_leaves_impact():
    state = ViewState(root=1, impact=True, expanded=frozenset({"1:server"}), depth=5)
    moved = state.with_root(2)
    assert moved == ViewState(root=2, depth=5)


def test_dp010_a_path_needs_a_selected_ci_and_forged_ids_are_dropped():
    assert parse("?root=5&path=7") == ViewState(root=5)
    assert parse("?root=5&sel=x&path=7") == ViewState(root=5)
    assert parse("?root=5&sel=42&path=-1") == ViewState(root=5, sel=42)
    assert to_query(ViewState(root=5, sel=42, path=7)) == "?root=5&sel=42&path=7"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-20T10:00", "2026-11-20T10:00"),
        ("2026-11-20 10:00:30", "2026-11-20T10:00:30"),
        ("2026-11-20T11:00+01:00", "2026-11-20T10:00"),
        ("2026-11-20T10:00:00Z", "2026-11-20T10:00"),
        ("2026-11-20", "2026-11-20T00:00"),
        ("1795168800", "2026-11-20T10:00"),
    ],
)
def test_vs101_asof_takes_a_time_in_any_iso_spelling_and_round_trips(raw, expected):
    state = parse(f"?root=5&asof={raw.replace('+', '%2B')}")
    assert state.as_of == expected
    assert parse(to_query(state)) == state
    assert bad_as_of(f"?asof={raw.replace('+', '%2B')}") == ""


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01", "0", "99999999999999999", "<script>", "9999-12-31T23:59"])
def test_vs102_a_bad_asof_is_ignored_and_reported(raw):
    assert parse(f"?root=5&asof={raw}") == ViewState(root=5)
    assert bad_as_of(f"?root=5&asof={raw}") == raw


def test_vs103_diff_takes_a_time_like_asof_and_round_trips():
    state = parse("?root=5&asof=2026-11-20T10:00&diff=2026-11-20T08:00")
    assert state.diff == "2026-11-20T08:00"
    assert parse(to_query(state)) == state
    assert parse("?root=5&diff=soon") == ViewState(root=5)
    assert bad_as_of("?root=5&diff=soon", "diff") == "soon"


def test_vs104_a_wall_says_availability_with_sla_1_only():
    assert parse_wall("?sla=1").sla is True
    assert parse_wall("?sla=yes").sla is False
    assert parse_wall("").sla is False
