"""The report: `python -m dashboard report` (HTML, PDF) and `/report`, on hand-made CMDBs and the demo."""

import re
from datetime import timedelta

import pytest

from dashboard import report_cli
from dashboard.app import create_app
from dashboard.cli import main
from dashboard.headers import script_hash
from dashboard.report_html import inline_scripts
from dashboard.settings import Settings
from tests.browser_driver import available
from tests.rows import ci, health, incident, rel, write

HOSTILE = '<img src=x onerror="alert(1)">Pay'


@pytest.fixture
def troubled(sqlite_db):
    """Two services: a critical one down because of its database, a low one OK with an open P2 below it."""
    write(
        sqlite_db,
        ci=[
            ci(1, HOSTILE, "business_service", criticality="critical"),
            ci(2, "pay-app", "application"),
            ci(3, "pay-db", "database"),
            ci(10, "Intranet", "business_service", criticality="low"),
            ci(11, "wiki", "application"),
            ci(20, "Cashiers", "business_service", criticality="high"),
        ],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 2, "depends on", 3), rel(3, 10, "depends on", 11)],
        health=[health(1, 3, "down"), health(2, 11, "ok"), health(3, 2, "ok")],
        incident=[
            incident("INC1", 3, priority=1),
            incident("INC2", 11, priority=2),
            incident("INC3", None, priority=3),
            incident("INC4", 2, priority=4, state="closed"),
        ],
    )
    return sqlite_db


def run_report(url, tmp_path, capsys, *extra):
    out = tmp_path / "report.html"
    code = main(["report", *(["--database-url", url] if url else []), "--out", str(out), *extra])
    return code, out.read_text(encoding="utf-8") if out.exists() else "", capsys.readouterr().out


def test_rp001_the_report_lists_services_at_risk_worst_first_with_what_to_do(troubled, tmp_path, capsys):
    code, page, said = run_report(troubled, tmp_path, capsys, "--map-url", "https://sm.example.com/")
    assert code == 0
    assert "2 services at risk of 3" in said
    services = re.findall(r'<a href="https://sm.example.com/\?root=(\d+)">', page.split("Top problem CIs")[0])
    assert services[0] == "1"  # down first; Cashiers (OK, nothing below) is not listed
    assert "20" not in services
    assert "2 of 3 business services need attention (1 down, 0 degraded" in page
    assert "What to do next:" in page
    assert "pay-db" in page  # the likely fault, named
    # Down since pay-db's first event in the health history: then or earlier, and the report says so.
    assert re.search(r"<span class=when>before \d{4}-\d\d-\d\d \d\d:\d\d</span>", page)
    # A hostile name is text, never markup.
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Pay" in page
    assert "3 open incidents; 1 of them name no CI" in page
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?:', page)  # plotly.js is inside the file: no CDN
    assert "CMDB health" in page


def test_rp002_service_and_window_narrow_the_report(troubled, tmp_path, capsys):
    code, page, _ = run_report(troubled, tmp_path, capsys, "--service", "intranet", "--since", "2w")
    assert code == 0
    assert "scope: intranet" in page
    assert "1 of 1 business services need attention" in page
    assert "the last 14 days" in page
    assert report_cli.window("12h") == timedelta(hours=12)
    with pytest.raises(SystemExit):
        main(["report", "--database-url", troubled, "--out", str(tmp_path / "x.html"), "--since", "soon"])


def test_rp003_an_incidents_only_cmdb_gets_a_report_that_says_what_is_missing(sqlite_db, tmp_path, capsys):
    write(sqlite_db, ci=[ci(1, "lonely")], incident=[incident("INC1", None, priority=1), incident("INC2", 1)])
    pdf = tmp_path / "report.pdf"
    code, page, said = run_report(sqlite_db, tmp_path, capsys, *(["--pdf", str(pdf)] if available() is None else []))
    assert code == 0, said
    assert available() is not None or pdf.read_bytes().startswith(b"%PDF")
    assert "holds no business service" in page
    assert "2 open incidents; 1 of them name no CI" in page


def test_rp004_the_pdf_is_printed_by_headless_chromium_or_the_message_says_why_not(troubled, tmp_path, capsys):
    pdf = tmp_path / "report.pdf"
    if available() is None:
        code, _, said = run_report(troubled, tmp_path, capsys, "--pdf", str(pdf))
        assert code == 0, said
        assert pdf.read_bytes().startswith(b"%PDF")
    pdf.write_bytes(b"an older report")
    original = report_cli.BROWSERS
    report_cli.BROWSERS = ("no-such-browser-here",)
    try:
        code, page, said = run_report(troubled, tmp_path, capsys, "--pdf", str(pdf))
    finally:
        report_cli.BROWSERS = original
    assert code == report_cli.EXIT_NO_PDF
    assert "the PDF was not written: no Chromium found" in said
    assert "Services at risk" in page  # the HTML is written all the same
    assert not pdf.exists()  # an older report's PDF does not pass for this one


def test_rp005_the_report_page_serves_the_same_report_with_plotly_beside_it_and_a_csp_for_its_charts(troubled):
    app = create_app(Settings.from_env({}, database_url=troubled, refresh_seconds=0, anonymous=True))
    client = app.server.test_client()
    answer = client.get("/report?since=7d&service=%231")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert 'src="/report/plotly.min.js"' in page
    assert "1 of 1 business services need attention" in page
    policy = answer.headers["Content-Security-Policy"]
    scripts = inline_scripts(page)
    assert len(scripts) == 2  # one per chart
    assert all(script_hash(s) in policy for s in scripts)
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    with client.get("/report/plotly.min.js") as js:
        assert js.status_code == 200
        assert js.mimetype == "text/javascript"
    assert client.get("/report?since=forever").status_code == 400


def test_rp006_the_demo_gets_a_report_generated_on_first_use_as_the_demo_server_does(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SERVICEMAP_HOME", str(tmp_path / "home"))  # a newcomer's machine: no demo CMDB yet
    monkeypatch.delenv("SERVICEMAP_DATABASE_URL", raising=False)
    pdf = tmp_path / "report.pdf"
    code, page, said = run_report(None, tmp_path, capsys, *(["--pdf", str(pdf)] if available() is None else []))
    assert code == 0, said
    assert "First run: generating the demo CMDB" in said
    assert available() is not None or pdf.read_bytes().startswith(b"%PDF")
    assert "services at risk of 16" in said
    assert page.count("<section>") == 7
    for title in ("Services at risk", "Top problem CIs", "Changes followed by incidents", "CMDB data quality"):
        assert f"<h2>{title}</h2>" in page
    for title in ("Open incidents", "Incidents not tied to a CI", "Asset lifecycle risk"):
        assert f"<h2>{title}</h2>" in page
    assert "Availability, 30 d" in page
    assert re.search(r"<td class=num>\d+ CIs</td>", page)  # lifecycle risk below each service at risk
