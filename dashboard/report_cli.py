"""`python -m dashboard report`: the report as a self-contained HTML file, and a PDF printed by headless Chromium."""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard.cmdb.derived import Derived
from dashboard.report import build_report
from dashboard.report_html import report_html
from dashboard.services import store_for
from dashboard.settings import Settings

EXIT_OK, EXIT_UNREADABLE, EXIT_NO_PDF = 0, 2, 6
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_SECONDS = 120
_WINDOW = re.compile(r"(\d{1,4})\s*([dhw])")


def add_parser(commands: argparse._SubParsersAction, source_flags: Callable[[argparse.ArgumentParser], None]) -> None:
    """The `report` command's arguments."""
    report = commands.add_parser(
        "report",
        help="write a report (services at risk, open incidents, data quality) as HTML, and as PDF with --pdf",
        epilog=f"exit status: 0 written; 2 the CMDB cannot be read; {EXIT_NO_PDF} the HTML was written but not the PDF "
        "(no Chromium found, or it failed: the message says which)",
    )
    source_flags(report)
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write (plotly.js inside it)")
    report.add_argument("--pdf", type=Path, help="also print the report to this PDF file with headless Chromium")
    report.add_argument("--since", type=window, default=window("30d"), help="the window: 30d, 12h, 2w (default 30d)")
    report.add_argument(
        "--service", action="append", default=[], metavar="NAME|#ID", help="report on this business service (repeat)"
    )
    report.add_argument("--map-url", default="", help="servicemap's address, to link CIs to their maps")


def window(text: str) -> timedelta:
    """'30d' → 30 days; '12h', '2w' alike."""
    match = _WINDOW.fullmatch(text.strip().lower())
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a window such as 30d, 12h or 2w")
    unit = {"d": "days", "h": "hours", "w": "weeks"}[match[2]]
    return timedelta(**{unit: int(match[1])})


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Load the CMDB once, write the HTML, then the PDF when asked."""
    store = store_for(settings)
    store.refresh()
    status = store.status
    if status.snapshot is None:
        print(f"servicemap: could not load the CMDB: {status.error} (error id {status.error_id})")
        return EXIT_UNREADABLE
    report = build_report(Derived(status.snapshot), now=datetime.now(UTC), window=args.since, scope=tuple(args.service))
    _write(args.out, report_html(report, map_url=args.map_url))
    print(f"Wrote {args.out} ({len(report.at_risk)} services at risk of {report.services_total})")
    if args.pdf is None:
        return EXIT_OK
    problem = print_pdf(args.out, args.pdf)
    if problem:
        print(f"servicemap: the PDF was not written: {problem}")
        return EXIT_NO_PDF
    print(f"Wrote {args.pdf}")
    return EXIT_OK


def print_pdf(page: Path, pdf: Path) -> str | None:
    """Print the page to pdf with headless Chromium; None when done, else what went wrong."""
    pdf.unlink(missing_ok=True)  # an older report's PDF must not pass for this one
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        return f"no Chromium found ({', '.join(BROWSERS)}); install Debian's chromium, or print {page} from a browser"
    with tempfile.TemporaryDirectory(prefix="servicemap-pdf-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # as root (a container, cron) Chromium refuses to start with its sandbox
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=15000",  # lets plotly draw before printing
            f"--print-to-pdf={pdf.resolve()}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PDF_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return f"{browser} took more than {PDF_SECONDS} s"
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"{browser} exited with {done.returncode}: {last}"
    return None


def _write(path: Path, text: str) -> None:
    """Write through a temporary file beside it, so a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
