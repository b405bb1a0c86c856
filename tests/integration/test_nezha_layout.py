"""The Nezha layout in general (issue 10): data sets of other systems, the business service's name, fault times from
the field the metrics agree with, faults of one second, overlapping folders. Fixtures are written here by hand in the
layout of IntelligentDDS/Nezha: `<date>/<date>-fault_list.json` ({"hour": [{inject_time, inject_timestamp,
inject_pod, inject_type}]}), `<date>/metric/<pod>_metric.csv` (Time, TimeStamp, PodName, metrics…),
`<date>/metric/front_service.csv`, `<date>/metric/dependency.csv` (Source, Target, Weight), `trace/*.csv`."""

import json
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cli import main
from dashboard.imports import import_batch, parse
from dashboard.imports.nezha import business_service_name, entry_points
from dashboard.imports.nezha_faults import fault_number

ORDER = "ts-order-service-5d9c6c8b7f-bcdfg"
ROUTE = "ts-route-service-6f7d8c9b5b-fghjk"
DAY = datetime(2024, 1, 10, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return DAY + timedelta(minutes=minutes)


def write_metrics(folder: Path, pod: str, minutes: Iterable[int], spike: range = range(0)) -> None:
    """One sample a minute (at :19 seconds, as Nezha's are); CPU at 95 % in the spike minutes, else about 20 %."""
    lines = ["Time,TimeStamp,PodName,CpuUsageRate(%),MemoryUsageRate(%),PodServerLatencyP99(s)"]
    for m in minutes:
        t = at(m) + timedelta(seconds=19)
        cpu = 95.0 if m in spike else 20.0 + (m % 3)
        lines.append(f"{t:%Y-%m-%d %H:%M:%S}.5 +0000 UTC m=+{m * 60}.1,{int(t.timestamp())},{pod},{cpu},40.5,0.2")
    (folder / "metric").mkdir(parents=True, exist_ok=True)
    (folder / "metric" / f"{pod}_metric.csv").write_text("\n".join(lines) + "\n")


def fault(minutes: float, pod: str, kind: str = "cpu_contention", epoch_off: timedelta = timedelta(0)) -> dict:
    t = at(minutes)
    return {"inject_time": f"{t:%Y-%m-%d %H:%M:%S}", "inject_timestamp": str(int((t + epoch_off).timestamp())),
            "inject_pod": pod, "inject_type": kind}  # fmt: skip


def write_faults(folder: Path, *faults: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{folder.name}-fault_list.json").write_text(json.dumps({"10": list(faults)}))


def write_train_ticket(root: Path) -> Path:
    """A small Train-Ticket-like set: faults, metrics, the system's success rate, a span file; no dependency.csv."""
    data = root / "nezha-train-ticket"
    day = data / "2024-01-10"
    write_faults(day, fault(600, ORDER))
    write_metrics(day, ORDER, range(560, 640), spike=range(600, 605))
    (day / "metric" / "front_service.csv").write_text(
        "Time,TimeStamp,ServiceName,SuccessRate(%),LatencyP50(s),LatencyP90(s),LatencyP95(s),LatencyP99(s)\n"
        f"2024-01-10 10:00:19.5 +0000 UTC m=+0.1,{int(at(600).timestamp()) + 19},ts-ui-dashboard,98.5,0.1,0.2,0.3,0.4\n"
    )
    (data / "trace").mkdir()
    (data / "trace" / "10_00_trace.csv").write_text(
        "TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration\n"
        f"t1,s1,root,{ROUTE},GET /route,1704880800000000000,1704880800000100000,100000\n"
        f"t1,s2,s1,{ORDER},GET /order,1704880800000010000,1704880800000090000,80000\n"
    )
    return data


# --- data sets of other systems ---------------------------------------------------------------------------------------


def test_nz001_a_set_without_dependency_csv_takes_its_service_calls_from_the_span_files(tmp_path):
    batch = parse("nezha", [write_train_ticket(tmp_path)])
    assert "no dependency.csv: 1 service call derived from 1 span file (1 cross-service requests)" in batch.notes
    # The system (front_service.csv) depends on the service nothing calls; the calls come from parent/child spans.
    assert batch.cis[["name", "class", "placeholder"]].values.tolist() == [
        ["Train Ticket", "business_service", None],
        ["ts-route-service", "application", None],
        ["ts-order-service", "application", None],
    ]
    assert batch.relationships[["source", "target"]].values.tolist() == [
        ["nezha/service/ts-route-service", "nezha/service/ts-order-service"],
        ["nezha/business/train-ticket", "nezha/service/ts-route-service"],
    ]
    assert len(batch.incidents) == 1
    assert len(batch.health) == 80 * 3 + 1 * 2


def test_nz002_what_a_set_lacks_is_listed(tmp_path):
    write_faults(tmp_path / "nezha-x" / "2024-01-10", fault(600, ORDER))
    batch = parse("nezha", [tmp_path / "nezha-x"])
    assert batch.notes[:3] == [
        "no *_metric.csv: no pod health, and the fault times not checked against metrics",
        "no front_service.csv: no health of X",
        "no dependency.csv and no span files (trace/*.csv): no service calls read",
    ]
    assert batch.cis["name"].tolist() == ["ts-order-service"]  # no topology, no system health: no business service
    write_faults(tmp_path / "nezha-x" / "2024-01-11")
    batch = parse("nezha", [tmp_path / "nezha-x" / "2024-01-11"])
    assert "2024-01-11-fault_list.json: no faults listed" in batch.notes
    assert sum(batch.counts().values()) == 0  # nothing usable: the notes say why, the import writes nothing


def test_nz003_a_set_without_dependency_csv_imports_its_services_calls_faults_and_health(tmp_path, sqlite_db, capsys):
    code = main(["import", "nezha", str(write_train_ticket(tmp_path)), "--database-url", sqlite_db, "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "no dependency.csv: 1 service call derived from 1 span file" in out
    assert "  rejected  " not in out  # no rejected row listed
    engine = sa.create_engine(sqlite_db)
    with engine.connect() as connection:
        counted = {
            t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in ("ci", "incident", "health")
        }
    engine.dispose()
    assert counted == {"ci": 3, "incident": 1, "health": 80 * 3 + 2}


def test_nz004_the_business_service_is_named_by_the_flag(tmp_path, sqlite_db):
    data = write_train_ticket(tmp_path)
    code = main(["import", "nezha", str(data), "--service", "Rail booking", "--database-url", sqlite_db, "--quiet"])
    assert code in (0, 3)
    batch = parse("nezha", [data], service="Rail booking")
    assert batch.cis["name"].tolist() == ["Rail booking", "ts-route-service", "ts-order-service"]
    assert set(batch.health.loc[batch.health["metric"] == "success_rate_pct", "ci"]) == {"Rail booking"}


@pytest.mark.parametrize(
    ("folder", "name"),
    [("nezha-online-boutique", "Online Boutique"), ("train_ticket", "Train Ticket"), ("Nezha", "Nezha"),
     ("hipster-shop", "Hipster Shop"), ("", "Nezha data set")],
)  # fmt: skip
def test_nz005_the_default_name_is_the_folders_words(folder, name):
    assert business_service_name(folder) == name


def test_nz006_a_date_or_metric_folder_takes_the_name_of_the_set_above_it(tmp_path):
    data = write_train_ticket(tmp_path)
    batch = parse("nezha", [data / "2024-01-10" / "metric"])
    assert batch.cis["name"].tolist() == ["Train Ticket", "ts-order-service"]
    with pytest.raises(ValueError, match=r"several data sets .* --service"):
        parse("nezha", [data, _other(tmp_path)])


def _other(tmp_path: Path) -> Path:
    other = tmp_path / "nezha-sock-shop" / "2024-01-10"
    write_faults(other, fault(600, ORDER))
    return other


def test_nz007_the_entry_point_is_frontend_else_the_callers_nothing_calls():
    calls = pd.DataFrame({"source": ["frontend", "ui", "a"], "target": ["a", "a", "b"]})
    assert entry_points(calls) == ["frontend"]
    calls = pd.DataFrame({"source": ["ui", "gateway", "a"], "target": ["a", "a", "b"]})
    assert entry_points(calls) == ["gateway", "ui"]


def test_nz008_the_business_service_depends_on_the_entry_point_of_dependency_csv(tmp_path):
    metric = tmp_path / "nezha-train-ticket" / "2024-01-10" / "metric"
    metric.mkdir(parents=True)
    (metric / "dependency.csv").write_text(
        "Source,Target,Weight\nts-ui-dashboard,ts-order-service,1\nts-order-service,ts-route-service,1\n"
        "ts-order-service,10.0.0.7,1\n"
    )
    batch = parse("nezha", [tmp_path / "nezha-train-ticket"])
    edges = set(batch.relationships[["source", "target", "type"]].itertuples(index=False, name=None))
    assert ("nezha/business/train-ticket", "nezha/service/ts-ui-dashboard", "depends on") in edges
    assert ("nezha/service/ts-order-service", "nezha/node/10.0.0.7", "runs on") in edges
    assert len(edges) == 4


# --- fault times ------------------------------------------------------------------------------------------------------

EIGHT_HOURS = timedelta(hours=-8)  # an epoch computed from a UTC+8 wall clock read as UTC


def test_nz010_an_epoch_8_hours_off_loses_to_the_wall_clock_the_metrics_cover(tmp_path):
    day = tmp_path / "nezha-train-ticket" / "2024-01-10"
    write_faults(day, fault(600, ORDER, epoch_off=EIGHT_HOURS), fault(620, ORDER, "network_delay", EIGHT_HOURS))
    write_metrics(day, ORDER, range(540, 660), spike=range(600, 605))  # 09:00 to 11:00 only
    batch = parse("nezha", [tmp_path / "nezha-train-ticket"])
    assert sorted(batch.incidents["opened_at"]) == [
        pd.Timestamp("2024-01-10 10:00:00"),
        pd.Timestamp("2024-01-10 10:20:00"),
    ]
    assert (
        "2024-01-10-fault_list.json: inject_timestamp and inject_time (read as UTC) disagree in 2 of 2 faults;"
        " inject_time used for the list (the pod metrics cover only inject_time in 2)"
    ) in batch.notes
    summary = batch.incidents.sort_values("opened_at")["summary"].iloc[0]
    assert summary.endswith(
        f"(the list's inject_timestamp {int((at(600) + EIGHT_HOURS).timestamp())} disagrees; inject_time used)"
    )
    health = batch.health.loc[batch.health["metric"] == "cpu_pct"].set_index("observed_at")["status"]
    assert health[pd.Timestamp("2024-01-10 10:00:19")] == "degraded"
    assert health[pd.Timestamp("2024-01-10 09:59:19")] == "ok"


def test_nz011_when_the_metrics_cover_both_times_the_one_they_change_after_wins(tmp_path):
    day = tmp_path / "nezha-train-ticket" / "2024-01-10"
    write_faults(day, fault(600, ORDER, epoch_off=EIGHT_HOURS))
    write_metrics(day, ORDER, range(60, 660), spike=range(600, 605))  # 01:00 to 11:00: both 02:00 and 10:00
    batch = parse("nezha", [tmp_path / "nezha-train-ticket"])
    assert batch.incidents["opened_at"].tolist() == [pd.Timestamp("2024-01-10 10:00:00")]
    assert any(
        "inject_time used for the list (the pod metrics change more after inject_time in 1)" in n for n in batch.notes
    )


def test_nz012_without_metrics_the_epoch_stands_and_the_note_says_why(tmp_path):
    day = tmp_path / "nezha-train-ticket" / "2024-01-10"
    write_faults(day, fault(600, ORDER, epoch_off=EIGHT_HOURS))
    batch = parse("nezha", [day])
    assert batch.incidents["opened_at"].tolist() == [pd.Timestamp("2024-01-10 02:00:00")]
    assert any(
        "inject_timestamp used for the list (no pod metrics around either time, so inject_timestamp" in n
        for n in batch.notes
    )


def test_nz013_a_sample_time_comes_from_time_which_names_its_zone(tmp_path):
    day = tmp_path / "nezha-train-ticket" / "2024-01-10"
    write_metrics(day, ORDER, range(600, 603))
    path = day / "metric" / f"{ORDER}_metric.csv"
    path.write_text(path.read_text().replace(str(int(at(600).timestamp()) + 19), "1904880819"))
    batch = parse("nezha", [day])
    assert sorted(set(batch.health["observed_at"])) == [
        pd.Timestamp(at(m).replace(tzinfo=None)) + timedelta(seconds=19) for m in range(600, 603)
    ]
    assert any(
        n.startswith(f"{ORDER}_metric.csv: TimeStamp disagrees with Time in 1 of 3 samples") for n in batch.notes
    )


# --- faults of one second, overlapping folders ------------------------------------------------------------------------


def test_nz020_two_faults_of_one_second_on_different_pods_are_two_incidents(tmp_path, sqlite_db):
    day = tmp_path / "nezha-train-ticket" / "2024-01-10"
    write_faults(day, fault(600, ORDER), fault(600, ROUTE))
    (day / "metric").mkdir()
    (day / "metric" / "dependency.csv").write_text("Source,Target,Weight\nts-order-service,ts-route-service,1\n")
    batch = parse("nezha", [day])
    seconds = str(int(at(600).timestamp()))
    assert sorted(batch.incidents["number"]) == sorted(
        [fault_number(seconds, ORDER, "cpu_contention"), fault_number(seconds, ROUTE, "cpu_contention")]
    )
    report = import_batch(sqlite_db, batch, progress=False)
    assert not report.rejected
    assert report.parts["incidents"].added == 2
    again = import_batch(sqlite_db, parse("nezha", [day]), progress=False)
    assert (again.parts["incidents"].added, again.parts["incidents"].rejected) == (0, 0)


def test_nz021_overlapping_date_folders_give_each_sample_and_fault_once_and_say_so(tmp_path):
    data = tmp_path / "nezha-train-ticket"
    write_faults(data / "2024-01-10", fault(600, ORDER))
    write_metrics(data / "2024-01-10", ORDER, range(590, 600))
    write_faults(data / "2024-01-10-rerun", fault(600, ORDER), fault(610, ORDER, "exception"))
    write_metrics(data / "2024-01-10-rerun", ORDER, range(595, 615))
    batch = parse("nezha", [data])
    assert len(batch.incidents) == 2
    assert len(batch.health) == 25 * 3
    assert not batch.health.duplicated(["ci", "metric", "observed_at"]).any()
    assert any(
        n.startswith("1 fault is listed again (same time, pod and type), imported once: 2024-01-10-rerun")
        for n in batch.notes
    )
    assert any(
        n.startswith("15 health rows (5 samples) repeat a pod (or the system) and time read before")
        for n in batch.notes
    )


# One day folder: each pod's samples over a span of minutes, and some faults (fields agreeing).
_SPAN = st.tuples(st.integers(0, 90), st.integers(1, 30))
_FAULT = st.tuples(st.integers(0, 120), st.sampled_from([ORDER, ROUTE]), st.sampled_from(["cpu_contention", "return"]))
_FOLDER = st.tuples(st.fixed_dictionaries({ORDER: _SPAN, ROUTE: _SPAN}), st.lists(_FAULT, max_size=4))


def _import_rows(folders: list[tuple[dict[str, tuple[int, int]], list[tuple[int, str, str]]]]) -> tuple[list, int]:
    with tempfile.TemporaryDirectory() as temp:
        data = Path(temp) / "nezha-train-ticket"
        for n, (spans, faults) in enumerate(folders):
            day = data / f"2024-01-{10 + n:02d}"
            write_faults(day, *(fault(m, pod, kind) for m, pod, kind in faults))
            for pod, (start, length) in spans.items():
                write_metrics(day, pod, range(start, start + length))
        batch = parse("nezha", [data])
    health = batch.health[["ci", "metric", "observed_at", "value", "status"]]
    return sorted(health.itertuples(index=False, name=None)), len(batch.incidents)


@settings(max_examples=25, deadline=None)
@given(st.lists(_FOLDER, min_size=1, max_size=4))
def test_nz030_overlapping_day_folders_import_as_their_union(folders):
    minutes = {
        pod: sorted({m for spans, _ in folders for m in range(spans[pod][0], sum(spans[pod]))})
        for pod in (ORDER, ROUTE)
    }
    faults = sorted({f for _, listed in folders for f in listed})
    with tempfile.TemporaryDirectory() as temp:
        day = Path(temp) / "nezha-train-ticket" / "2024-01-10"
        write_faults(day, *(fault(m, pod, kind) for m, pod, kind in faults))
        for pod, sampled in minutes.items():
            write_metrics(day, pod, sampled)
        union = parse("nezha", [day.parent])
    health, incidents = _import_rows(folders)
    assert health == sorted(
        union.health[["ci", "metric", "observed_at", "value", "status"]].itertuples(index=False, name=None)
    )
    assert incidents == len(faults) == len(union.incidents)


# --- the real Online Boutique set, and files that are not what they should be ---------------------------------------


@pytest.fixture(scope="module")
def boutique(shared_data) -> object:
    return parse("nezha", [shared_data / "nezha-online-boutique"])


def test_nz040_online_boutique_keeps_its_counts_and_says_which_time_field_it_used(boutique):
    assert {k: v for k, v in boutique.counts().items() if k != "changes"} == {
        "cis": 22, "relationships": 27, "incidents": 56, "health": 10 * 1209 * 3 + 1209 * 2,
    }  # fmt: skip
    assert boutique.cis.loc[boutique.cis["class"] == "business_service", "name"].tolist() == ["Online Boutique"]
    assert boutique.incidents["number"].is_unique
    assert boutique.notes[:2] == [
        "2022-08-22-fault_list.json: inject_timestamp and inject_time (read as UTC) disagree in 1 of 24 faults;"
        " inject_timestamp used for the list (the pod metrics change more after inject_timestamp in 1)",
        "2022-08-23-fault_list.json: inject_timestamp and inject_time (read as UTC) agree in all 32 faults",
    ]


def test_nz041_adservice_samples_are_dated_by_time_not_by_its_timestamp_6_years_ahead(boutique):
    ad = boutique.health.loc[boutique.health["ci"] == "adservice", "observed_at"]
    assert (ad.min(), ad.max()) == (pd.Timestamp("2022-08-22 03:51:19"), pd.Timestamp("2022-08-22 23:59:20"))
    assert len(ad) == 1209 * 3  # its TimeStamp column repeats 8 values; its Time does not
    assert any(n.startswith("adservice-5f6585d649-fnmft_metric.csv: TimeStamp disagrees with Time in 1209 of 1209")
               for n in boutique.notes)  # fmt: skip


def test_nz042_a_fault_list_that_is_no_object_of_hours_is_refused(tmp_path):
    (tmp_path / "x-fault_list.json").write_text('[{"inject_pod": "a"}]')
    with pytest.raises(ValueError, match="not a fault list"):
        parse("nezha", [tmp_path])


def test_nz043_samples_with_no_readable_time_are_rejected_by_the_checks_not_dropped_as_repeats(tmp_path, sqlite_db):
    day = tmp_path / "nezha-x" / "2024-01-10"
    write_metrics(day, ORDER, range(600, 602))
    path = day / "metric" / f"{ORDER}_metric.csv"
    header, *rows = path.read_text().splitlines()
    path.write_text("\n".join([header, *rows, "soon,later,x,1,2,3", "soon,later,x,4,5,6"]) + "\n")
    batch = parse("nezha", [day])
    assert len(batch.health) == 4 * 3
    report = import_batch(sqlite_db, batch, progress=False)
    assert report.parts["health"].rejected == 2 * 3


def test_nz009_service_is_an_option_of_nezha_alone(tmp_path, sqlite_db, capsys):
    (tmp_path / "calls.csv").write_text("source,target,type\na,b,depends on\n")
    with pytest.raises(ValueError, match="--service: not an option of the format 'edges'"):
        parse("edges", [tmp_path / "calls.csv"], service="Shop")
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "--service SERVICE" in capsys.readouterr().out
