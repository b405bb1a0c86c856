"""SnapshotStore: holds the current snapshot, refreshes it when the source changed, keeps it when a refresh fails.

A watchdog bounds every refresh: a refresh runs in a thread of its own, and one that has not finished by the deadline
(a database that accepts connections and never answers; libpq has no read timeout) marks the snapshot stale, "the CMDB
has not answered for 2 min", and a new attempt starts at once on fresh connections. The overrun attempt is left to end
by itself (TCP and statement timeouts, or never); whatever it finds is dropped once a later attempt began.
"""

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dashboard.cmdb import connect
from dashboard.cmdb.cmdb_health import cmdb_health
from dashboard.cmdb.connect import read_only_engine, redacted
from dashboard.cmdb.fingerprint import fingerprint
from dashboard.cmdb.health_trend import record, trend_file
from dashboard.cmdb.profiles import Profile
from dashboard.cmdb.profiles.native import NATIVE
from dashboard.cmdb.snapshot import Snapshot, load_snapshot
from dashboard.logs import cause_of, log_event, new_error_id
from dashboard.settings import data_home

DEADLINE_SECONDS = 120.0  # a refresh (fingerprint, load, checks) running longer has overrun
MAX_OVERRUN = 3  # attempts running at once (all but one of them overrun); no new one starts until one ends


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What the page must say about its data: the snapshot, when the source was last reached, the last failure."""

    snapshot: Snapshot | None = None
    checked_at: datetime | None = None  # last time the source answered (aware UTC)
    error: str | None = None  # why the last refresh failed; None when it succeeded
    error_id: str | None = None
    failed_at: datetime | None = None
    error_public: bool = False  # the error is servicemap's own sentence (an overrun), not a driver's text

    @property
    def stale(self) -> bool:
        """True when the last attempt to reach the source failed: what is shown may be out of date."""
        return self.error is not None


class SnapshotStore:
    """The one place a worker's snapshot lives; replaced atomically, never blanked by a failed refresh."""

    def __init__(
        self,
        url: str | sa.URL,
        *,
        health_days: int = 7,
        load_path: str = "auto",
        profile: Profile = NATIVE,
        deadline_seconds: float = DEADLINE_SECONDS,
    ) -> None:
        self._url = url
        self._deadline = deadline_seconds
        self._attempts = 0  # the number of the latest attempt: only it may publish what it found
        self._running = 0  # attempts not ended, the latest included
        self._publish_lock = threading.Lock()
        self._profile = profile
        self._health_days = health_days
        self._load_path = load_path
        self._status = StoreStatus()
        self._refresh_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> StoreStatus:
        """The current status (one attribute read: consistent without a lock)."""
        return self._status

    @property
    def snapshot(self) -> Snapshot | None:
        """The current snapshot, or None before the first successful load."""
        return self._status.snapshot

    def refresh(self, *, force: bool = False) -> bool:
        """Reload when the source's fingerprint changed (or force); True when a new snapshot replaced the old. Returns
        by the deadline: an attempt still running then is marked overrun and tried again in the background."""
        with self._refresh_lock:
            started = datetime.now(UTC)
            attempt = self._begin(force)
            if attempt is None:  # earlier attempts still hang: the status says so since they overran
                return False
            if attempt.done.wait(self._deadline):
                attempt.thread.join()  # ends right after done: no thread of this refresh outlives it (safe to fork)
                return attempt.changed
            self._overrun(started)
            self._begin(force)  # on fresh connections; it publishes when it ends, unless a later attempt began
            return False

    def _begin(self, force: bool) -> "_Attempt | None":
        """Start an attempt in a thread of its own (None when too many earlier ones are still hanging)."""
        with self._publish_lock:
            if self._running >= MAX_OVERRUN:
                return None
            self._attempts += 1
            self._running += 1
            attempt = _Attempt(self._attempts)
        name = f"snapshot-refresh-{attempt.number}"
        attempt.thread = threading.Thread(target=self._run, args=(attempt, force), name=name, daemon=True)
        attempt.thread.start()
        return attempt

    def _run(self, attempt: "_Attempt", force: bool) -> None:
        try:
            attempt.changed = self._refresh(force, attempt.number)
        except Exception as error:
            self._fail(error, attempt.number)
        finally:
            with self._publish_lock:
                self._running -= 1
            attempt.done.set()

    def _publish(self, status: StoreStatus, attempt: int) -> bool:
        """Make status current, unless a later attempt began; True when it did."""
        with self._publish_lock:
            if attempt != self._attempts:
                return False
            self._status = status
            return True

    def _refresh(self, force: bool, attempt: int) -> bool:
        engine = read_only_engine(self._url)
        try:
            with engine.connect() as connection:
                mark = fingerprint(connection, self._profile)
        finally:
            engine.dispose()
        now = datetime.now(UTC)
        current = self._status.snapshot
        if current is not None and current.fingerprint == mark and not force:
            self._publish(StoreStatus(current, checked_at=now), attempt)
            return False
        since = (now - timedelta(days=self._health_days)).replace(tzinfo=None)
        version = current.version + 1 if current else 1
        snapshot = load_snapshot(
            self._url,
            fingerprint=mark,
            source=redacted(self._url),
            version=version,
            health_since=since,
            path=self._load_path,
            profile=self._profile,
        )
        if not self._publish(StoreStatus(snapshot, checked_at=now), attempt):
            return False
        log_event(
            "snapshot_loaded",
            version=version,
            fingerprint=mark,
            seconds=snapshot.seconds,
            **snapshot.counts(),
        )
        _check(snapshot)
        return True

    def _fail(self, error: Exception, attempt: int) -> None:
        error_id = new_error_id()
        cause = cause_of(error)
        if _timed_out(error):
            cause = f"the CMDB timed out: a query ran longer than {connect.STATEMENT_TIMEOUT_SECONDS} s ({cause})"
        log_event("refresh_failed", level=logging.ERROR, error_id=error_id, source=redacted(self._url), cause=cause)
        with self._publish_lock:
            if attempt == self._attempts:
                failed = datetime.now(UTC)
                self._status = replace(
                    self._status, error=cause, error_id=error_id, failed_at=failed, error_public=False
                )

    def _overrun(self, started: datetime) -> None:
        """The watchdog: the refresh begun at `started` did not end by the deadline; what is shown may be old."""
        error_id = new_error_id()
        cause = f"the CMDB has not answered for {_duration(self._deadline)}"
        log_event("refresh_overrun", level=logging.ERROR, error_id=error_id, source=redacted(self._url), cause=cause)
        with self._publish_lock:
            self._status = replace(self._status, error=cause, error_id=error_id, failed_at=started, error_public=True)

    def start(self, interval_seconds: float) -> None:
        """Refresh in a background thread every interval (the first load happens before this returns)."""
        if self._thread is not None:
            return
        if self.snapshot is None:
            self.refresh()
        self._thread = threading.Thread(target=self._loop, args=(interval_seconds,), name="snapshot", daemon=True)
        self._thread.start()

    def _loop(self, interval_seconds: float) -> None:
        while not self._stop.wait(interval_seconds):
            self.refresh()

    def stop(self) -> None:
        """Stop the background refresh."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


@dataclass(slots=True)
class _Attempt:
    """One refresh in its thread: its number, whether it replaced the snapshot, and a flag set when it ended."""

    number: int
    changed: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread = field(default_factory=threading.Thread)


def _duration(seconds: float) -> str:
    """2 min, 90 s."""
    return f"{round(seconds / 60)} min" if seconds >= 60 and seconds % 60 == 0 else f"{round(seconds)} s"


def _check(snapshot: Snapshot) -> None:
    """Read the CI attributes, then the findings, in the refreshing thread: requests already see the snapshot."""
    start = time.perf_counter()
    attributes = snapshot.attributes()
    log_event(
        "snapshot_attributes",
        version=snapshot.version,
        seconds=round(time.perf_counter() - start, 3),
        read=attributes is not None,
    )
    start = time.perf_counter()
    findings = snapshot.findings
    log_event(
        "snapshot_checked",
        version=snapshot.version,
        seconds=round(time.perf_counter() - start, 3),
        findings=len(findings),
    )
    start = time.perf_counter()
    score = cmdb_health(snapshot)
    record(trend_file(data_home(), snapshot.source), snapshot.fingerprint, snapshot.loaded_at, score)
    log_event(
        "snapshot_scored",
        version=snapshot.version,
        seconds=round(time.perf_counter() - start, 3),
        score=score.total.overall,
    )


_TIMEOUT_MARKS = ("statement timeout", "max_statement_time", "query execution was interrupted")


def _timed_out(error: Exception) -> bool:
    """True when the database cancelled a query for running past the statement timeout."""
    text = str(error).lower()
    return any(mark in text for mark in _TIMEOUT_MARKS)
