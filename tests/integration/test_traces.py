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

from dashboard.cli import main
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


def test_tr006_pod_names_reduce_to_their_deployment_only_by_kubernetes_generated_suffixes():
    assert service_of_pod("frontend-579b9bff58-t2dbm") == "frontend"
    assert service_of_pod("redis-cart-6b5dcbdb9b-x2lqm") == "redis-cart"
    assert service_of_pod(" emailservice ") == "emailservice"
    # Words, and suffixes with a vowel or 0, 1 or 3 (never in Kubernetes' generated names), are part of the name.
    for name in ("user-profile-cache", "order-history-queue", "payment-gateway-proxy", "ts-voucher-mysql",
                 "api-1234567-abcde", "cartservice-7d9c5b8f6-abcde", "web-5d8f7c9b40-xf2zp"):  # fmt: skip
        assert service_of_pod(name) == name
    assert service_of_pod("redis-cart-0") == "redis-cart-0"  # a StatefulSet's pods keep their ordinal


def test_tr015_a_declared_service_name_is_taken_as_it_is_a_pod_name_reduces_to_its_service(tmp_path):
    declared = tmp_path / "declared.csv"
    declared.write_text(
        "trace_id,span_id,parent_id,service,start_time,duration_ms\n"
        "t1,s1,,order-history-queue,1700000000,5\n"
        "t1,s2,s1,order,1700000000,3\n"
        "t1,s3,s2,ts-voucher-mysql,1700000000,1\n"
        "t1,s4,s3,cart-579b9bff58-t2dbm,1700000000,1\n"  # a service that is named like a pod is still that name
    )
    assert set(figures(service_calls([declared]))) == {
        ("order-history-queue", "order"), ("order", "ts-voucher-mysql"), ("ts-voucher-mysql", "cart-579b9bff58-t2dbm")
    }  # fmt: skip
    pods = tmp_path / "pods.csv"
    pods.write_text(declared.read_text().replace(",service,", ",PodName,"))
    assert ("ts-voucher-mysql", "cart") in set(figures(service_calls([pods])))
    otlp = tmp_path / "otlp.json"
    resource = '{"resourceSpans":[{"resource":{"attributes":[%s]},"scopeSpans":[{"spans":[%s]}]}]}\n'
    span = '{"traceId":"aa","spanId":"%s","parentSpanId":"%s","startTimeUnixNano":"1","endTimeUnixNano":"2"}'
    name = '{"key":"%s","value":{"stringValue":"%s"}}'
    otlp.write_text(
        resource % (name % ("service.name", "user-profile-cache"), span % ("01", ""))
        + resource % (name % ("k8s.pod.name", "user-5d8f7c9b4-xf2zp"), span % ("02", "01"))
        + resource % (name % ("service.name", "web-5d8f7c9b4-xf2zp"), span % ("03", "02"))
    )
    assert set(figures(service_calls([otlp]))) == {("user-profile-cache", "user"), ("user", "web-5d8f7c9b4-xf2zp")}


def test_tr007_a_file_that_is_no_span_file_is_refused_naming_it(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("source,target\na,b\n")
    with pytest.raises(ValueError, match=r"other\.csv: not a span file"):
        read_traces([other])
    (tmp_path / "header.csv").write_text("source,target\n")  # another kind of CSV even without a row
    with pytest.raises(ValueError, match=r"header\.csv: not a span file"):
        read_traces([tmp_path / "header.csv"])
    json_other = tmp_path / "other.json"
    json_other.write_text('{"nodes": []}\n')
    with pytest.raises(ValueError, match=r"other\.json: JSON, but not OTLP"):
        read_traces([json_other])
    broken = tmp_path / "broken.json"
    broken.write_text('{"nope\n{{ template }}\n')
    with pytest.raises(ValueError, match=r"broken\.json: not a span file"):
        read_traces([broken])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"trace_id,span_id,service,start,duration_ms\n\xff\xfe\x00\x81\n")
    with pytest.raises(ValueError, match=r"binary\.csv"):
        read_traces([binary])


def test_tr016_a_json_line_that_does_not_parse_is_a_rejection_with_file_and_line(tmp_path, sqlite_db, capsys):
    lines = tmp_path / "lines.json"
    good = (FIXTURES / "otlp_lines.json").read_text().splitlines()
    lines.write_text("\n".join([good[0], good[0][:150] + "\x01", "", *good[1:], '{"resourceSpans": [']) + "\n")
    read = read_traces([lines])
    assert [r.origin for r in read.rejected] == ["lines.json line 2", f"lines.json line {len(good) + 3}"]
    assert all(r.reason.startswith("not valid JSON") for r in read.rejected)
    assert figures(read.graph.figures()) == EXPECTED  # every span of the good lines still read
    first_broken = tmp_path / "first.json"
    first_broken.write_text("\n".join(['{"resou', *good]) + "\n")  # broken before it names its kind
    assert [r.origin for r in read_traces([first_broken]).rejected] == ["first.json line 1"]
    document = tmp_path / "document.json"
    whole = (FIXTURES / "otlp_document.json").read_text()
    document.write_text(whole[: whole.rindex("}", 0, len(whole) - 5)])  # breaks off near its end
    assert [r.origin for r in read_traces([document]).rejected] == ["document.json"]
    code = main(["import", "traces", str(lines), "--database-url", sqlite_db, "--quiet"])
    assert code == 3  # the good lines imported, the bad ones listed
    assert "lines.json line 2: not valid JSON" in capsys.readouterr().out


def test_tr017_a_file_without_spans_is_a_rejection_naming_it(tmp_path):
    (tmp_path / "zero.json").write_bytes(b"")
    (tmp_path / "blank.csv").write_text("\n\n")
    (tmp_path / "header.csv").write_text("trace_id,span_id,parent_id,service,start_time,duration_ms\n")
    (tmp_path / "none.json").write_text('{"resourceSpans": []}\n')
    names = ["zero.json", "blank.csv", "header.csv", "none.json"]
    read = read_traces([tmp_path / n for n in names])
    assert [(r.origin, r.reason) for r in read.rejected] == [(n, "no spans to import in this file") for n in names]
    assert read.pairing.spans == 0
    assert (read.kinds["zero.json"], read.kinds["blank.csv"], read.kinds["header.csv"]) == ("empty", "empty", "csv")


def test_tr018_an_error_column_is_a_flag_a_status_column_an_otlp_or_http_code(tmp_path):
    head = "trace_id,span_id,parent_id,service,start_time,duration_ms,{}\nt,r,,web,1700000000,5,\n"
    rows = [f"t,s{n},r,db,1700000000,1,{value}\n" for n, value in enumerate(["1", "0", "true", "false", "", "yes"])]
    flags = tmp_path / "flags.csv"
    flags.write_text(head.format("error") + "".join(rows))
    assert figures(service_calls([flags])) == {("web", "db"): (6, 3, 1.0)}
    codes = tmp_path / "codes.csv"
    statuses = ["1", "2", "0", "ERROR", "STATUS_CODE_OK", "503"]
    codes.write_text(head.format("status_code") + "".join(
        f"t,s{n},r,db,1700000000,1,{value}\n" for n, value in enumerate(statuses)
    ))  # fmt: skip
    assert figures(service_calls([codes])) == {("web", "db"): (6, 3, 1.0)}


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
K8S_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand: generated name suffixes


def pod_suffix(n: int) -> str:
    return "".join(K8S_ALPHABET[n // len(K8S_ALPHABET) ** i % len(K8S_ALPHABET)] for i in range(5))


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
                    "pod_name": f"{service}-5d8f7c9b4-{pod_suffix(n)}",
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
    by_id = {(s["trace_id"], s["span_id"]): s["pod_name"].split("-")[0] for s in spans}
    pairs = [(by_id[(s["trace_id"], s["parent_id"])], s["pod_name"].split("-")[0]) for s in spans if s["parent_id"]]
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


@settings(max_examples=40, deadline=None)
@given(spans=trace_forests(), chunk=st.integers(1, 4), data=st.data())
def test_tr019_chunks_and_files_whose_spans_are_all_rejected_change_no_pairing(tmp_path_factory, spans, chunk, data):
    folder = tmp_path_factory.mktemp("spans")
    # No service: rejected. A block of 2 chunks' length holds at least one whole chunk wherever it starts.
    bad = [{**spans[0], "span_id": f"x{n}", "pod_name": ""} for n in range(data.draw(st.integers(2 * chunk - 1, 9)))]
    at = data.draw(st.integers(0, len(spans)))
    pd.DataFrame(spans).to_csv(folder / "clean.csv", index=False)
    pd.DataFrame([*spans[:at], *bad, *spans[at:]]).to_csv(folder / "mixed.csv", index=False)
    for name in ("bad1.csv", "bad2.csv"):
        pd.DataFrame(bad).to_csv(folder / name, index=False)
    clean = read_traces([folder / "clean.csv"], chunk_rows=chunk)
    mixed = read_traces([folder / n for n in ("bad1.csv", "mixed.csv", "bad2.csv")], chunk_rows=chunk)
    assert len(mixed.rejected) == 3 * len(bad)
    assert {r.reason for r in mixed.rejected} == {"no service"}
    assert mixed.pairing == clean.pairing
    assert mixed.graph.figures(60).equals(clean.graph.figures(60))


def test_tr020_a_file_whose_spans_are_all_rejected_before_a_child_without_its_parent(tmp_path):
    header = "trace_id,span_id,parent_id,service,start_time,duration_ms\n"
    (tmp_path / "allbad.csv").write_text(header + "t1,s1,,,1700000000,5\n")
    (tmp_path / "good.csv").write_text(header + "t1,s2,s9,cart,1700000001,3\nt1,s3,s2,redis,1700000001,1\n")
    read = read_traces([tmp_path / "allbad.csv", tmp_path / "good.csv"])
    assert [(r.origin, r.reason) for r in read.rejected] == [("allbad.csv line 2", "no service")]
    assert (read.pairing.calls, read.pairing.unpaired) == (1, 1)


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
