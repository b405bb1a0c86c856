"""Traces as a source: span files of each format (written by hand from their specifications), the real Online
Boutique span CSV, pairing invariants (hypothesis), and imports into servicemap's own database."""

import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cmdb.derived import Derived
from dashboard.cmdb.store import SnapshotStore
from dashboard.domain.traffic import compact_count
from dashboard.domain.viewstate import ViewState
from dashboard.imports import import_batch, parse, spans
from dashboard.imports.spans import detect
from dashboard.imports.traces import read_traces, service_calls, service_of_pod
from dashboard.maps import build_map
from layouts.map import build_elements

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "traces"
NEZHA = "nezha-online-boutique"
# The one trace every JSON fixture holds: frontend → cartservice (the server span failed, 10 ms), cartservice →
# redis-cart (2 ms), each with a call inside its own service.
EXPECTED = {("frontend", "cartservice"): (1, 1, 10.0), ("cartservice", "redis-cart"): (1, 0, 2.0)}


def figures(calls: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int, float]]:
    return {
        (r.source, r.target): (int(r.requests), int(r.errors), float(r.p50_ms)) for r in calls.itertuples(index=False)
    }


def table(url: str, name: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = pd.read_sql(sa.text(f"SELECT * FROM {name}"), connection)  # names without quotes: MariaDB
    finally:
        engine.dispose()
    return rows.sort_values(list(rows.columns[:3])).reset_index(drop=True)


@pytest.mark.parametrize(
    ("name", "kind", "layout"),
    [
        ("otlp_lines.json", "otlp", "lines"),
        ("otlp_document.json", "otlp", "document"),
        ("jaeger.json", "jaeger", "document"),
        ("zipkin.json", "zipkin", "document"),
        ("spans.csv", "csv", "csv"),
    ],
)
def test_tr001_a_span_file_is_known_by_its_content_not_its_name(tmp_path, name, kind, layout):
    renamed = tmp_path / "spans.data"
    shutil.copy(FIXTURES / name, renamed)
    detected = detect(renamed)
    assert (detected.kind, detected.layout) == (kind, layout)


@pytest.mark.parametrize("name", ["otlp_lines.json", "otlp_document.json", "jaeger.json", "zipkin.json"])
def test_tr002_each_json_format_gives_the_calls_between_services_with_errors_and_latency(name):
    read = read_traces([FIXTURES / name])
    assert figures(service_calls([FIXTURES / name])) == EXPECTED
    assert read.rejected == []
    assert (read.pairing.calls, read.pairing.unpaired) == (2, 0)


def test_tr014_json_lines_too_long_to_read_as_lines_are_read_item_by_item(monkeypatch):
    monkeypatch.setattr(spans, "LINE_LIMIT", 100)
    assert detect(FIXTURES / "otlp_lines.json").layout == "document"
    assert figures(service_calls([FIXTURES / "otlp_lines.json"])) == EXPECTED


def test_tr003_zipkin_shared_spans_pair_the_server_half_with_the_callers_span():
    # The redis-cart half of a span reported by both sides is the parent of the span below it: that span is a call
    # within redis-cart, not a second call from cartservice.
    read = read_traces([FIXTURES / "zipkin.json"])
    assert (read.pairing.calls, read.pairing.within, read.pairing.roots) == (2, 3, 1)


def test_tr004_span_csv_rejects_what_cannot_be_paired_with_a_reason_and_accounts_for_every_span():
    read = read_traces([FIXTURES / "spans.csv"])
    assert {r.origin: r.reason for r in read.rejected} == {
        "spans.csv line 7": "no service",
        "spans.csv line 8": "no trace id",
        "spans.csv line 9": "no readable start time",
    }
    assert read.pairing.spans + len(read.rejected) == 8
    assert figures(read.graph.figures()) == {
        ("frontend", "cartservice"): (1, 1, 10.0),
        ("cartservice", "redis-cart-0"): (1, 0, 2.0),
    }


def test_tr005_a_service_pattern_names_the_service_by_its_group_or_whole_match():
    by_group = service_calls([FIXTURES / "spans.csv"], service_pattern=r"^(?P<service>[a-z]+?)(service)?(-|$)")
    assert set(figures(by_group)) == {("frontend", "cart"), ("cart", "redis")}
    whole = service_calls([FIXTURES / "spans.csv"], service_pattern=r"^[a-z]+")
    assert set(figures(whole)) == {("frontend", "cartservice"), ("cartservice", "redis")}
    with pytest.raises(ValueError, match="not a regular expression"):
        service_calls([FIXTURES / "spans.csv"], service_pattern="(")


def test_tr006_pod_names_reduce_to_their_deployment():
    assert service_of_pod("frontend-579b9bff58-t2dbm") == "frontend"
    assert service_of_pod("redis-cart-6b5dcbdb9b-x2lqm") == "redis-cart"
    assert service_of_pod(" emailservice ") == "emailservice"


def test_tr007_a_file_that_is_no_span_file_is_refused(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("source,target\na,b\n")
    with pytest.raises(ValueError, match="not a span file"):
        read_traces([other])
    json_other = tmp_path / "other.json"
    json_other.write_text('{"nodes": []}\n')
    with pytest.raises(ValueError, match="not OTLP"):
        read_traces([json_other])


def test_tr008_the_real_online_boutique_spans_give_the_data_sets_service_graph(shared_data):
    folder = shared_data / NEZHA
    read = read_traces([folder / "trace" / "17_00_trace.csv"])
    calls = service_calls([folder / "trace" / "17_00_trace.csv"])
    listed = pd.read_csv(folder / "onlineboutique_service_edges_from_traces.csv")
    # The list is of every trace file of the data set; the 17:00 file holds all of its 13 edges of 10 services.
    assert set(zip(calls["source"], calls["target"], strict=True)) == set(
        zip(listed["source"], listed["target"], strict=True)
    )
    assert set(calls["source"]) | set(calls["target"]) == set(read.graph.services)
    assert len(read.graph.services) == 10
    assert read.pairing.spans == 22_969
    assert (read.rejected, read.pairing.unpaired) == ([], 0)
    assert int(calls["requests"].sum()) == read.pairing.calls
    assert (calls["p50_ms"] <= calls["p95_ms"]).all()


def test_tr009_importing_the_same_spans_twice_changes_nothing(empty_db):
    sqlite_db = empty_db  # every kind of database: the figures must read back as they were written
    path = FIXTURES / "otlp_lines.json"
    first = import_batch(sqlite_db, parse("traces", [path]), progress=False)
    assert (first.parts["relationships"].added, first.parts["traffic"].added) == (2, 2)
    before = table(sqlite_db, "call_traffic")
    second = import_batch(sqlite_db, parse("traces", [path]), progress=False)
    assert (second.parts["traffic"].added, second.parts["traffic"].updated, second.parts["traffic"].unchanged) == (
        0,
        0,
        2,
    )
    assert (second.parts["relationships"].added, second.parts["relationships"].unchanged) == (0, 2)
    assert table(sqlite_db, "call_traffic").equals(before)
    assert set(pd.to_datetime(table(sqlite_db, "ci")["updated_at"]).astype(str)) == {
        "2022-08-23 16:59:34"
    }  # the latest span
    cis = table(sqlite_db, "ci").set_index("id")["name"]
    rows = {(cis[r.source_id], cis[r.target_id]): (r.requests, r.errors, r.p50_ms) for r in before.itertuples()}
    assert rows == EXPECTED


def test_tr010_new_figures_for_a_bucket_held_replace_the_old_ones(sqlite_db, tmp_path):
    import_batch(sqlite_db, parse("traces", [FIXTURES / "otlp_lines.json"]), progress=False)
    slower = tmp_path / "slower.json"
    slower.write_text((FIXTURES / "otlp_lines.json").read_text().replace("1661273974005500000", "1661273974007500000"))
    report = import_batch(sqlite_db, parse("traces", [slower]), progress=False)
    assert (report.parts["traffic"].updated, report.parts["traffic"].unchanged) == (1, 1)
    assert sorted(table(sqlite_db, "call_traffic")["p50_ms"]) == [4.0, 10.0]


# --- invariants ------------------------------------------------------------------------------------------------------

SERVICES = ("web", "cart", "db", "mail")


@st.composite
def trace_forests(draw: st.DrawFn) -> list[dict[str, object]]:
    """Random traces: each span's parent is an earlier span of its trace; rows in a random order."""
    spans = []
    for trace in range(draw(st.integers(1, 6))):
        size = draw(st.integers(1, 12))
        services = draw(st.lists(st.sampled_from(SERVICES), min_size=size, max_size=size))
        for n, service in enumerate(services):
            parent = draw(st.integers(0, n - 1)) if n else None
            spans.append(
                {
                    "trace_id": f"t{trace}",
                    "span_id": f"s{n}",
                    "parent_id": None if parent is None else f"s{parent}",
                    "service": f"{service}-5d8f7c9b4-{n:05d}",
                    "start": 1_700_000_000_000 + n,
                    "duration_ms": draw(st.integers(0, 1000)),
                    "status": draw(st.sampled_from(["", "ERROR"])),
                }
            )
    return draw(st.permutations(spans))


@settings(max_examples=40, deadline=None)
@given(spans=trace_forests(), chunk=st.integers(1, 7))
def test_tr011_calls_are_the_cross_service_parent_child_pairs_whatever_the_chunk_size(tmp_path_factory, spans, chunk):
    path = tmp_path_factory.mktemp("spans") / "spans.csv"
    pd.DataFrame(spans).to_csv(path, index=False)
    by_id = {(s["trace_id"], s["span_id"]): s["service"].split("-")[0] for s in spans}
    pairs = [(by_id[(s["trace_id"], s["parent_id"])], s["service"].split("-")[0]) for s in spans if s["parent_id"]]
    crossing = [(p, c) for p, c in pairs if p != c]
    whole = read_traces([path])
    streamed = read_traces([path], chunk_rows=chunk)
    calls = whole.graph.figures()
    assert set(zip(calls["source"], calls["target"], strict=True)) == set(crossing)
    assert int(calls["requests"].sum()) == len(crossing) == whole.pairing.calls
    assert whole.pairing.spans == len(spans)
    assert streamed.graph.figures().equals(calls)
    assert streamed.graph.figures(60).equals(whole.graph.figures(60))
    assert (streamed.pairing.calls, streamed.pairing.within, streamed.pairing.unpaired) == (
        whole.pairing.calls,
        whole.pairing.within,
        0,
    )


@settings(max_examples=25, deadline=None)
@given(spans=trace_forests(), bound=st.integers(1, 4))
def test_tr012_a_store_too_small_loses_pairs_only_by_count(tmp_path_factory, spans, bound):
    path = tmp_path_factory.mktemp("spans") / "spans.csv"
    pd.DataFrame(spans).to_csv(path, index=False)
    read = read_traces([path], chunk_rows=2, max_spans=bound)
    p = read.pairing
    assert p.spans == len(spans)
    assert p.roots + p.calls + p.within + p.unpaired + p.gave_up == p.spans


# --- on the map ------------------------------------------------------------------------------------------------------


def test_tr013_the_map_draws_each_traced_call_with_its_traffic(shared_data, sqlite_db):
    spans = shared_data / NEZHA / "trace" / "17_00_trace.csv"
    import_batch(sqlite_db, parse("traces", [spans]), progress=False)
    days = (datetime.now() - datetime(2022, 8, 23)).days + 1
    store = SnapshotStore(sqlite_db, health_days=days)
    store.refresh()
    derived = Derived(store.snapshot)
    cis = table(sqlite_db, "ci").set_index("name")["id"]
    root = int(cis["frontend"])
    model = build_map(derived, ViewState(root=root, depth=None), store.snapshot.index.position(root), budget=2000)
    elements = {e["data"]["id"]: e for e in build_elements(model) if "source" in e["data"]}
    assert len(elements) == 13
    calls = service_calls([spans]).set_index(["source", "target"])
    names = {f"ci-{i}": n for n, i in cis.items()}
    for element in elements.values():
        data, classes = element["data"], element["classes"].split()
        requests = int(calls.loc[(names[data["source"]], names[data["target"]]), "requests"])
        assert data["figures"] == f"{compact_count(requests)} req · 0% err"
        assert {"traffic", "er-0"} <= set(classes)
    # Out of the health window, the same map has no figures.
    old = SnapshotStore(sqlite_db, health_days=1)
    old.refresh()
    assert Derived(old.snapshot).traffic == {}
