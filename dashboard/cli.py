"""The command line: generate, check, import, serve, demo (`python -m dashboard --help`)."""

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from dashboard import __version__, logs, report_cli
from dashboard.cmdb import schema
from dashboard.cmdb.cmdb_health import cmdb_health
from dashboard.cmdb.connect import parse_url, redacted, sqlite_path
from dashboard.domain.cmdb_health import DIMENSIONS, percent
from dashboard.services import store_for
from dashboard.settings import DEMO_CIS, DEMO_SEED, Settings, demo_database_url

if TYPE_CHECKING:
    from dash import Dash

EXIT_OK, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2
# import only: some rows rejected (the rest written); nothing written (nothing usable, or more rejected than
# --max-rejects allows); nothing written because the import's counts did not add up (a fault of servicemap)
EXIT_REJECTED, EXIT_NOTHING_WRITTEN, EXIT_ACCOUNTING = 3, 4, 5
MAX_REJECTIONS_SHOWN = 50


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logs.configure()
    try:
        return args.run(args)
    except ValueError as error:
        print(f"servicemap: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (sa.exc.SQLAlchemyError, OSError) as error:  # a database or file that cannot be reached: say so, no trace
        error_id = logs.new_error_id()
        cause = logs.cause_of(error)
        logs.log_event("command_failed", level=logging.ERROR, error_id=error_id, command=argv_name(args), cause=cause)
        print(f"servicemap: {cause} (error id {error_id})", file=sys.stderr)
        return EXIT_UNREADABLE


def argv_name(args: argparse.Namespace) -> str:
    """The command's name, for the log."""
    return args.run.__name__.lstrip("_")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="servicemap", description="Service maps over your CMDB.")
    parser.add_argument("--version", action="version", version=f"servicemap {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    gen = commands.add_parser("generate", help="write a sample enterprise CMDB into a database")
    gen.add_argument("--database-url", help="target SQLAlchemy URL (default: the demo SQLite file)")
    gen.add_argument("--cis", type=int, default=DEMO_CIS, help="number of CIs (default %(default)s)")
    gen.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed (default %(default)s)")
    gen.add_argument("--as-of", type=datetime.fromisoformat, help="the sample's 'now', UTC (default: today 00:00)")
    gen.add_argument("--incident-days", type=int, default=90, help="days of incident history (default %(default)s)")
    gen.add_argument(
        "--health-events", type=int, default=0, help="total health rows wanted, e.g. 5000000 (default: as generated)"
    )
    gen.add_argument(
        "--incidents", type=int, default=0, help="total incidents wanted, e.g. 1000000 (default: as generated)"
    )
    gen.add_argument("--replace", action="store_true", help="drop and recreate servicemap's tables if present")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(run=_generate)

    check = commands.add_parser("check", help="load a CMDB and list its data-quality findings")
    _source_flags(check)
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.set_defaults(run=_check)

    imp = commands.add_parser(
        "import",
        help="import files into servicemap's own database",
        epilog="formats:\n" + "\n".join(f"  {name:12} {reads}" for name, reads in _import_formats().items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("format", choices=list(_import_formats()), metavar="FORMAT", help="one of the formats below")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to import")
    imp.add_argument(
        "--database-url",
        help="servicemap's own database to import into (or SERVICEMAP_DATABASE_URL); a new SQLite file is created, "
        "a PostgreSQL or MariaDB database must exist (empty, or holding servicemap's tables alone)",
    )
    imp.add_argument("--dry-run", action="store_true", help="report what would be imported; write nothing")
    imp.add_argument("--rejects", type=Path, help="also write every rejected row, with its reason, to this CSV file")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.add_argument(
        "--join-by",
        choices=_join_by(),
        help="let CIs and references of one file join CIs of other files (and of earlier imports) by name; "
        "by default each file is its own key scope",
    )
    imp.add_argument(
        "--scope",
        metavar="NAME",
        help="the key scope of every file of this import (default: each file's or bundle folder's name): keys match "
        "only what earlier imports under the same scope stored, so two sources whose files share a name stay apart",
    )
    imp.add_argument(
        "--max-rejects",
        type=_max_rejects,
        metavar="N|P%",
        help="write nothing (exit 4) when more rows than this are rejected: a count, or a percentage of rows read",
    )
    _format_flags(imp.add_argument_group("options of some formats"))
    imp.epilog += (
        "\n\nexit status: 0 every row imported; 3 some rows rejected (the rest written); 4 nothing written "
        "(nothing usable, or more rejected than --max-rejects); 5 nothing written, the counts did not add up (a "
        "fault of servicemap); 1 bad usage or an unreadable file; 2 a database or file that cannot be reached"
    )
    imp.set_defaults(run=_import)

    report_cli.add_parser(commands, _source_flags)
    commands.choices["report"].set_defaults(run=_report)

    ddl = commands.add_parser("schema", help="print the native CMDB tables' CREATE statements")
    ddl.add_argument("--dialect", default="sqlite", choices=("sqlite", "postgresql", "mysql"), help="SQL dialect")
    ddl.set_defaults(run=_schema)

    for name, help_text, run in (
        ("serve", "serve the dashboard over a CMDB", _serve),
        ("demo", "create the sample CMDB on first run, then serve it", _demo),
    ):
        command = commands.add_parser(name, help=help_text)
        _source_flags(command)
        command.add_argument("--host", help="address to listen on (default 127.0.0.1)")
        command.add_argument("--port", type=int, help="port to listen on (default 8050)")
        command.add_argument("--refresh-seconds", type=float, help="how often to look for CMDB changes (default 60)")
        command.add_argument(
            "--anonymous",
            action="store_true",
            default=None,
            help="let anyone who reaches the server look, read-only, without signing in (demo: always)",
        )
        _server_flags(command)
        command.set_defaults(anonymous_by_default=name == "demo")
        command.set_defaults(run=run)
    return parser


# Flags that only some formats take: (flag, help). Each is passed to the format's parser as a keyword argument named
# like the flag (--type-key → type_key); a format that does not take a given flag refuses it.
FORMAT_FLAGS: tuple[tuple[str, str], ...] = (
    ("--type-key", "graphml: the key (attr.name) whose values are relationship types (default: type, relationship or "
     "kind, when every value is one)"),
    ("--class-key", "graphml: the key (attr.name) whose values are CI classes (default: class, ci_class or type, when "
     "every value is a class of the vocabulary)"),
    ("--service", "nezha: the name of the data set's business service (default: from its folder's name)"),
    ("--service-pattern", "traces: a regular expression naming a span's service in its service, pod or instance name "
     "(its group 'service', else the whole match); default: Kubernetes pod suffixes stripped"),
)  # fmt: skip


def _format_flags(group: argparse._ArgumentGroup) -> None:
    for flag, help_text in FORMAT_FLAGS:
        group.add_argument(flag, help=help_text)


def _format_options(args: argparse.Namespace) -> dict[str, object]:
    return {flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_")) for flag, _ in FORMAT_FLAGS}


def _source_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--database-url",
        help="SQLAlchemy URL of the CMDB (or SERVICEMAP_DATABASE_URL; default: the demo SQLite file)",
    )
    command.add_argument("--load-path", choices=("auto", "adbc", "read_sql"), help="how to read the tables")
    command.add_argument(
        "--profile",
        help="the CMDB's schema: native (default), servicenow, netbox, or a mapping file (.toml/.yaml); "
        "or SERVICEMAP_PROFILE",
    )


def _server_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument("--workers", type=_positive, default=2, help="gunicorn worker processes (default 2)")
    command.add_argument("--threads", type=_positive, default=8, help="threads per worker (default 8)")
    command.add_argument(
        "--timeout",
        type=_positive,
        help="seconds a silent (booting or hung) worker lives before it is restarted (default: the CMDB deadline + 60)",
    )
    command.add_argument(
        "--debug", action="store_true", help="serve with Werkzeug's development server (one process) instead"
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def _settings(args: argparse.Namespace) -> Settings:
    """The settings from the flags and the environment."""
    return Settings.from_env(
        database_url=args.database_url,
        load_path=args.load_path,
        profile=args.profile,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        refresh_seconds=getattr(args, "refresh_seconds", None),
        anonymous=True if getattr(args, "anonymous", None) or getattr(args, "anonymous_by_default", False) else None,
    )


def _generate(args: argparse.Namespace) -> int:
    from dashboard.cmdb.sample import SampleSpec, generate

    url = args.database_url or demo_database_url(args.cis, args.seed)
    _make_parent(url)
    spec = SampleSpec(
        cis=args.cis,
        seed=args.seed,
        as_of=args.as_of,
        incident_days=args.incident_days,
        health_events=args.health_events,
        incidents=args.incidents,
    )
    planted = generate(url, spec, progress=not args.quiet, replace=args.replace)
    print(f"Wrote a sample CMDB of {spec.cis:,} CIs (seed {spec.seed}) to {redacted(url)}")
    print("Planted data-quality problems (servicemap check must find exactly these):")
    for name, count in planted.as_dict().items():
        print(f"  {name:24} {count:>8,}")
    return EXIT_OK


def _import_formats() -> dict[str, str]:
    from dashboard.imports import FORMATS

    return {name: known.reads for name, known in FORMATS.items()}


def _import(args: argparse.Namespace) -> int:
    import csv
    import os

    from dashboard.imports import AccountingError, import_batch, parse, with_scope

    url = args.database_url or os.environ.get("SERVICEMAP_DATABASE_URL")
    if not url:
        raise ValueError("import needs --database-url (servicemap's own database to write to)")
    batch = parse(args.format, args.paths, **_format_options(args))
    if args.scope is not None:
        batch = with_scope(batch, args.scope)
    try:
        options = {"join_by": args.join_by, "max_rejects": args.max_rejects}
        report = import_batch(url, batch, dry_run=args.dry_run, progress=not args.quiet, **options)
    except AccountingError as error:
        print(f"servicemap: {error}", file=sys.stderr)
        return EXIT_ACCOUNTING
    print("\n".join(report.lines()))
    for rejection in report.rejected[:MAX_REJECTIONS_SHOWN]:
        print(f"  rejected  {rejection.origin}: {rejection.reason}")
    if len(report.rejected) > MAX_REJECTIONS_SHOWN:
        more = len(report.rejected) - MAX_REJECTIONS_SHOWN
        print(f"  … and {more:,} more rejected rows" + ("" if args.rejects else " (--rejects FILE lists them all)"))
    if args.rejects:
        with args.rejects.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(("origin", "part", "reason"))
            writer.writerows((r.origin, r.part, r.reason) for r in report.rejected)
        print(f"Every rejected row is listed in {args.rejects}")
    return _IMPORT_EXIT[report.outcome]


def _join_by() -> tuple[str, ...]:
    from dashboard.imports import JOIN_BY

    return JOIN_BY


def _max_rejects(text: str) -> object:
    from dashboard.imports import MaxRejects

    try:
        return MaxRejects.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


_IMPORT_EXIT = {
    "complete": EXIT_OK,
    "partial": EXIT_REJECTED,
    "nothing usable": EXIT_NOTHING_WRITTEN,
    "too many rejected": EXIT_NOTHING_WRITTEN,
}


def _schema(args: argparse.Namespace) -> int:
    print(schema.ddl(args.dialect), end="")
    return EXIT_OK


def _demo_or_settings(args: argparse.Namespace) -> Settings:
    """The settings; when they name the demo CMDB and it does not exist yet, it is generated first (as `demo` does)."""
    settings = _settings(args)
    if settings.database_url == demo_database_url():
        ensure_demo(settings.database_url)
    return settings


def _check(args: argparse.Namespace) -> int:
    settings = _demo_or_settings(args)
    store = store_for(settings)
    store.refresh()
    status = store.status
    if status.snapshot is None:
        print(f"Could not load {redacted(settings.database_url)}: {status.error} (error id {status.error_id})")
        return EXIT_UNREADABLE
    snapshot = status.snapshot
    if args.json:
        total = cmdb_health(snapshot).total
        scores = {d: getattr(total, d) for d in ("overall", *DIMENSIONS)}
        out = {"counts": snapshot.counts(), "cmdb_health": scores, "findings": [f.as_dict() for f in snapshot.findings]}
        print(json.dumps(out, indent=2, default=str))
        return EXIT_OK
    seconds = sum(snapshot.seconds.values())
    print(f"Loaded {redacted(settings.database_url)} via {snapshot.load_path} in {seconds:.2f} s")
    print("  " + ", ".join(f"{name}: {count:,}" for name, count in snapshot.counts().items()))
    total = cmdb_health(snapshot).total
    parts = ", ".join(f"{d} {percent(getattr(total, d))}" for d in DIMENSIONS)
    print(f"CMDB health {percent(total.overall)} ({parts})")
    if not snapshot.findings:
        print("No data-quality findings.")
    for finding in snapshot.findings:
        print(f"{finding.severity.upper():8} {finding.code:28} {finding.count:>8,}  {finding.title}")
        if finding.detail:
            print(f"{'':38}{finding.detail}")
        if finding.examples:
            print(f"{'':38}e.g. {'; '.join(finding.examples[:3])}")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    return report_cli.run(args, _demo_or_settings(args))


def _serve(args: argparse.Namespace) -> int:
    from dashboard.app import create_app  # Dash is imported only by the commands that serve

    try:
        settings = _settings(args)
        app = create_app(settings, start_threads=False)  # no thread before gunicorn forks its workers
    except ValueError as error:  # settings that do not add up: say what to fix
        print(f"servicemap: {error}", file=sys.stderr)
        return EXIT_USAGE
    status = app.server.extensions["servicemap"].store.status
    if status.snapshot is None:
        print(f"Could not load {redacted(settings.database_url)}: {status.error} (error id {status.error_id})")
        print("Serving anyway; the page says so and recovers when the CMDB answers.")
    print(f"servicemap {__version__} serving {redacted(settings.database_url)}")
    print(f"Open {_link(settings)} in a browser (Ctrl+C stops).", flush=True)
    if args.debug:
        return _serve_debug(app, settings)
    from dashboard.serving import Workers, serve

    timeout = args.timeout or int(settings.cmdb_deadline_seconds) + 60
    serve(app.server, settings.host, settings.port, Workers(args.workers, args.threads, timeout))
    return EXIT_OK


def _link(settings: Settings) -> str:
    """The address to open: servicemap's pages sit under the URL prefix, unless a proxy strips it first."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    path = "/" if settings.proxy_strips_prefix else settings.url_prefix
    return f"http://{host}:{settings.port}{path}"


def _serve_debug(app: "Dash", settings: Settings) -> int:
    """Werkzeug's development server, one process, still never in Flask's debug mode (it would run any code sent)."""
    from dashboard import background
    from dashboard.headers import RequestHandler

    work = background.of(app.server)
    if work is not None:
        work.ensure_started()
    app.run(host=settings.host, port=settings.port, debug=False, request_handler=RequestHandler)
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    args.database_url = ensure_demo(args.database_url)
    return _serve(args)


def ensure_demo(url: str | None = None) -> str:
    """The demo CMDB's URL; on first use the sample is generated there (SQLite only)."""
    from dashboard.cmdb.sample import SampleSpec, generate

    url = url or demo_database_url()
    path = sqlite_path(parse_url(url))
    if path is not None and not path.exists():
        print(f"First run: generating the demo CMDB ({DEMO_CIS:,} CIs) at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        generate(f"sqlite:///{partial}", SampleSpec(cis=DEMO_CIS, seed=DEMO_SEED), progress=True)
        partial.replace(path)  # an interrupted first run leaves no half-written demo behind
        _stop_progress_monitor()
    return url


def _stop_progress_monitor() -> None:
    """End tqdm's monitor thread: gunicorn forks workers from this process, and no thread may run at fork time."""
    from tqdm import tqdm

    if tqdm.monitor is not None:
        tqdm.monitor.exit()
        tqdm.monitor = None


def _make_parent(url: str) -> None:
    path = sqlite_path(parse_url(url))
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
