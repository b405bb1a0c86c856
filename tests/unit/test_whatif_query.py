"""The what-if URL: parsed with the untrusted-input parser, bounded, and written back the same."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.whatif_query import MAX_CIS, MAX_CONTAINERS, MAX_SITES, WhatIfQuery, parse_query, to_query


def test_wq001_choices_round_trip_through_the_url():
    query = WhatIfQuery(cis=(424, 7), within=(348,), sites=("DUB1", "LON 3"))
    assert parse_query(to_query(query)) == query
    assert to_query(WhatIfQuery()) == ""
    assert parse_query("").empty


def test_wq002_forged_values_are_left_out_and_repeats_dropped():
    query = parse_query("?fail=5,abc,-3,5,²,7&in=%3Cscript%3E&site=&site=" + "x" * 200)
    assert query == WhatIfQuery(cis=(5, 7))


def test_wq003_more_than_the_bounds_is_cut_and_said():
    search = "?fail=" + ",".join(map(str, range(1, 500))) + "&in=" + ",".join(map(str, range(1, 50)))
    search += "".join(f"&site=S{i}" for i in range(30))
    query = parse_query(search)
    assert (len(query.cis), len(query.within), len(query.sites)) == (MAX_CIS, MAX_CONTAINERS, MAX_SITES)
    assert query.cut


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.none(), st.integers(), st.lists(st.text(max_size=5), max_size=3)))
def test_wq004_any_value_parses_to_bounded_choices_without_raising(search):
    query = parse_query(search)
    assert len(query.cis) <= MAX_CIS
    assert len(query.sites) <= MAX_SITES
    assert all(isinstance(i, int) and i >= 0 for i in query.cis + query.within)
    assert parse_query(to_query(query)) == WhatIfQuery(query.cis, query.within, query.sites)
