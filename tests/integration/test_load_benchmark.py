"""benchmarks/load.py's simulated browsers against a served app, briefly: so that the load benchmark cannot rot."""

import asyncio
import importlib
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.cmdb.sample import SampleSpec, generate
from dashboard.settings import Settings

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def load_client():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("load_client")
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def cmdb(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'cmdb.sqlite'}"
    generate(url, SampleSpec(cis=500, seed=42), progress=False)
    return url


def served(settings: Settings):
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("auth", ["anonymous", "basic"])
def test_lb001_walls_and_an_analyst_exercise_every_request_kind_without_error(load_client, cmdb, tmp_path, auth):
    if auth == "basic":
        users = tmp_path / "users"
        users.write_text(f"bench:{generate_password_hash('secret')}\n", encoding="utf-8")
        settings = Settings.from_env({}, database_url=cmdb, auth="basic", basic_users_file=str(users))
        credentials = {"user": "bench", "password": "secret"}
    else:
        settings = Settings.from_env({}, database_url=cmdb, anonymous=True)
        credentials = {}
    server = served(settings)
    load = load_client.Load(walls=2, analysts=1, duration=6, think=(0.2, 0.4), **credentials)
    try:
        outcome = asyncio.run(load_client.drive(f"http://127.0.0.1:{server.server_port}", load))
    finally:
        server.shutdown()
    assert {kind: dict(errors) for kind, errors in outcome.errors.items() if errors} == {}
    assert [kind for kind in load_client.KINDS if not outcome.times[kind]] == []
    assert len(outcome.wall_gaps) == 2
    assert outcome.stale_walls(load.wall_interval) == 0


def test_lb002_a_wall_whose_answers_stop_counts_as_stale(load_client):
    outcome = load_client.Outcome(wall_gaps=[5.0, 15.0, 15.1])
    assert outcome.stale_walls(5) == 1
