"""The simulated browsers of `load.py`: wall screens and analysts that send what Chromium sends, and check the answers.

Request bodies are built from the server's own `/_dash-dependencies` and `/_dash-layout`, as Dash's renderer builds
them (recorded from a Chromium session on dash 4.4: `output`, `outputs`, `inputs` with a `value` only when the
property has one, `changedPropIds`, `parsedChangedPropsIds`, `state` only when the callback has state). A wall
screen: the page load (/wall?refresh=N, its layout and dependencies, the callbacks the page fires on load), then the
refresh callback every N s unless the previous one is still in flight (wall.js's gate, which gives a request up after
2 intervals + 5 s), and the header's status tick. An analyst: the map page, then in turn a search in the service
picker and a pick, a click on a node (details), "Focus here", another click, "What does this impact?", with think
time between the steps. Every answer is checked: HTTP 200 (204 where Dash answers "nothing to update") and the JSON
the browser needs; anything else counts as an error of its kind.
"""

import asyncio
import base64
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

STALE_GRACE_S = 5.0  # wall.js: STALE after 2 intervals + 5 s without a good answer
KINDS = ("wall refresh", "page load", "map", "details", "impact", "search", "page callbacks")
BROWSER_CONNECTIONS = 6  # per host, as Chromium
TIMEOUT_S = 30.0
UA = "Mozilla/5.0 (X11; Linux x86_64) servicemap-load/1"
# The server callbacks the pages fire, by a name of ours: (their first output, one of their inputs).
CALLBACKS = {
    "sync": ("url.search", "map-root.value"),
    "draw": ("map-graph.elements", "url.search"),
    "show": ("page-map.hidden", "url.pathname"),
    "configure": ("wall-tick.interval", "url.search"),
    "status": ("overview-status.children", "overview-tick.n_intervals"),
    "refresh": ("wall-tiles.children", "wall-request.data"),
    "details": ("map-details.children", "map-graph.tapNodeData"),
    "open_group": ("url.search", "map-graph.tapNodeData"),
    "options": ("map-root.options", "map-root.search_value"),
}


@dataclass
class Load:
    """What to simulate."""

    walls: int = 50
    analysts: int = 10
    duration: float = 120.0
    wall_interval: int = 5
    think: tuple[float, float] = (2.0, 6.0)
    user: str | None = None  # basic auth
    password: str | None = None
    seed: int = 42


@dataclass
class Outcome:
    """Every request's time and verdict, and the longest silence each wall saw."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # kind → ms, good answers
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # kind → error kind → count
    wall_gaps: list[float] = field(default_factory=list)  # per wall, seconds
    retries: Counter = field(default_factory=Counter)  # kind → requests sent again on a fresh connection

    def stale_walls(self, interval: float) -> int:
        """Walls that would have shown STALE: no good answer for longer than 2 intervals + 5 s."""
        return sum(gap > 2 * interval + STALE_GRACE_S for gap in self.wall_gaps)


class BadAnswer(Exception):
    """An answer the browser could not use."""


class Browser:
    """One browser tab: its own connections (at most 6, as Chromium) and cookies."""

    def __init__(self, base: str, load: Load, outcome: Outcome) -> None:
        self.base = base.rstrip("/")
        self.outcome = outcome
        headers = {"User-Agent": UA}
        if load.user:  # a browser sends the credentials with every request once the user has typed them
            pair = base64.b64encode(f"{load.user}:{load.password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {pair}"
        # unsafe: keep cookies from an IP address too, as a browser does (a session cookie after basic auth).
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            connector=aiohttp.TCPConnector(limit=BROWSER_CONNECTIONS),
            headers=headers,
        )
        self.callbacks: dict[str, dict] = {}
        self.update_path = "/_dash-update-component"
        self.values: dict[str, Any] = {}

    async def close(self) -> None:
        await self.session.close()

    async def request(self, kind: str, method: str, path: str, check: Any, body: dict | None = None,
                      timeout: float = TIMEOUT_S) -> Any:  # fmt: skip
        """Send one request, time it until the body is read, check it; None (and an error counted) when it failed."""
        started = time.perf_counter()
        try:
            try:
                status, raw = await self._send(method, path, body, timeout)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                # A kept-alive connection the server closed as it was reused: Chromium sends the request again.
                self.outcome.retries[kind] += 1
                status, raw = await self._send(method, path, body, timeout - (time.perf_counter() - started))
            elapsed = (time.perf_counter() - started) * 1000
            if status not in (200, 204):
                raise BadAnswer(f"HTTP {status}")
            result = check(status, raw)
        except BadAnswer as error:
            self.outcome.errors[kind][str(error)] += 1
            return None
        except TimeoutError:
            self.outcome.errors[kind]["timeout"] += 1
            return None
        except aiohttp.ClientError as error:
            self.outcome.errors[kind][f"connection: {type(error).__name__}"] += 1
            return None
        self.outcome.times[kind].append(elapsed)
        return result

    async def _send(self, method: str, path: str, body: dict | None, timeout: float) -> tuple[int, bytes]:
        limit = aiohttp.ClientTimeout(total=max(timeout, 0.1))
        async with self.session.request(method, self.base + path, json=body, timeout=limit) as response:
            return response.status, await response.read()

    async def open_page(self, path: str, search: str) -> bool:
        """The page, its layout and dependencies: what every page load costs before its callbacks."""
        page = await self.request("page load", "GET", path + search, _html)
        if page is None:
            return False
        # The renderer echoes the page's signed end_id on every callback request (dash 4: ?endId=…).
        end_id = _dash_config(page).get("end_id")
        self.update_path = "/_dash-update-component" + (f"?{urlencode({'endId': end_id})}" if end_id else "")
        layout, dependencies = await asyncio.gather(
            self.request("page load", "GET", "/_dash-layout", _json_with("props")),
            self.request("page load", "GET", "/_dash-dependencies", _json_list),
        )
        if layout is None or dependencies is None:
            return False
        self.callbacks = _named_callbacks(dependencies)
        if len(self.callbacks) < len(CALLBACKS):
            missing = ", ".join(sorted(set(CALLBACKS) - set(self.callbacks)))
            self.outcome.errors["page load"][f"bad answer: no callback {missing}"] += 1
            return False
        self.values = _layout_values(layout)
        self.values.update({"url.pathname": path, "url.search": search})
        return True

    def body(self, name: str, changed: list[str], values: dict[str, Any]) -> dict:
        """The request body Dash's renderer sends for the callback named `name` in CALLBACKS."""
        callback = self.callbacks[name]
        current = {**self.values, **values}

        def filled(items: list[dict]) -> list[dict]:
            out = []
            for item in items:
                value = current.get(f"{item['id']}.{item['property']}")
                sent = {"id": item["id"], "property": item["property"]}
                out.append(sent if value is None else {**sent, "value": value})
            return out

        key = callback["output"]
        parts = key.strip(".").split("...") if key.startswith("..") else [key]
        outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
        sent = {
            "output": key,
            "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": filled(callback["inputs"]),
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        if callback.get("state"):
            sent["state"] = filled(callback["state"])
        return sent

    async def callback(self, kind: str, name: str, check: Any, changed: list[str],
                       values: dict[str, Any] | None = None, timeout: float = TIMEOUT_S) -> dict | None:  # fmt: skip
        """POST one callback; its answer (also kept as the page's current values, as the renderer does)."""
        body = self.body(name, changed, values or {})
        answer = await self.request(kind, "POST", self.update_path, check, body, timeout)
        for component, props in (answer or {}).items():
            self.values.update({f"{component}.{prop}": value for prop, value in props.items()})
        return answer

    async def status_ticks(self, end: float) -> None:
        """The header's status on its own timer (overview-tick), as long as the page is open."""
        every = (self.values.get("overview-tick.interval") or 10_000) / 1000
        tick = 0
        while time.monotonic() + every < end:
            await asyncio.sleep(every)
            tick += 1
            await self.callback(
                "page callbacks",
                "status",
                _outputs("overview-status"),
                ["overview-tick.n_intervals"],
                {"overview-tick.n_intervals": tick},
            )

    async def navigate(self, search: str, *, on_load: bool = False, sync: bool = True) -> dict | None:
        """The callbacks a page load or a new URL fires (map, page switch, wall tick; the URL sync unless the URL came
        from it; the status on load); the map's answer."""
        changed = [] if on_load else ["url.search"]
        drawn = "impact" if "impact=1" in search else "map"
        # The same view again (a "Focus here" on the root): the map is drawn already, the server says nothing to do.
        again = not on_load and search == self.values.get("url.search")
        url = {"url.search": search}
        self.values.update(url)
        calls = [
            self.callback(drawn, "draw", _map if "root=" in search and not again else _maybe("map-graph"),
                          ["url.search", "snapshot-version.data"] if on_load else changed, url),
            self.callback("page callbacks", "show", _outputs("page-wall"),
                          ["url.pathname", "url.search"] if on_load else changed, url),
            self.callback("page callbacks", "configure", _outputs("wall-tick"), ["url.search"], url),
        ]  # fmt: skip
        if sync:
            calls.append(self.callback("page callbacks", "sync", _maybe("url"), ["url.search"], url))
        if on_load:
            calls.append(self.callback("page callbacks", "status", _outputs("overview-status"), []))
        answers = await asyncio.gather(*calls)
        return answers[0]


async def wall_screen(base: str, load: Load, outcome: Outcome, end: float, delay: float) -> None:
    """One wall screen: opened after `delay` s, refreshed every interval; its longest silence goes to the outcome."""
    await asyncio.sleep(delay)
    browser = Browser(base, load, outcome)
    search = f"?refresh={load.wall_interval}"
    deadline = 2 * load.wall_interval + STALE_GRACE_S  # wall.js gives a refresh up then
    last_good = time.monotonic()
    longest = 0.0

    async def refresh(tick: int) -> None:
        nonlocal last_good, longest
        at = {"wall-request.data": {"tick": tick, "at": int(time.time() * 1000)}}
        if await browser.callback("wall refresh", "refresh", _wall_answer, ["wall-request.data"], at, deadline):
            now = time.monotonic()
            longest, last_good = max(longest, now - last_good), now

    try:
        if await browser.open_page("/wall", search):
            ticks = asyncio.create_task(browser.status_ticks(end))
            in_flight = asyncio.create_task(refresh(0))
            await browser.navigate(search, on_load=True)
            tick, next_at = 0, time.monotonic()
            while (next_at := next_at + load.wall_interval) < end:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                tick += 1
                if in_flight.done():  # wall.js's gate: one refresh in flight
                    in_flight = asyncio.create_task(refresh(tick))
            await asyncio.gather(in_flight, ticks)
        else:
            await asyncio.sleep(max(0.0, end - time.monotonic()))
    finally:
        await browser.close()
        outcome.wall_gaps.append(max(longest, max(end, time.monotonic()) - last_good))


STEPS = ("search", "details", "focus", "details", "impact")


async def analyst(base: str, load: Load, outcome: Outcome, end: float, delay: float, rng: random.Random) -> None:
    """One analyst on the map page: search and pick a service, click nodes, focus, impact, with think time."""
    await asyncio.sleep(delay)
    browser = Browser(base, load, outcome)
    try:
        if not await browser.open_page("/", ""):
            return
        ticks = asyncio.create_task(browser.status_ticks(end))
        await browser.navigate("", on_load=True)
        if browser.values["url.search"]:
            await browser.navigate(browser.values["url.search"], sync=False)
        step = 0
        while time.monotonic() + load.think[1] < end:
            await asyncio.sleep(rng.uniform(*load.think))
            await ANALYST_STEPS[STEPS[step % len(STEPS)]](browser, rng)
            step += 1
        await ticks
    finally:
        await browser.close()


async def _search_and_pick(browser: Browser, rng: random.Random) -> None:
    """Type a few letters of a service's name into the picker (one callback per key), pick an option."""
    options = browser.values.get("map-root.options") or []
    label = str(rng.choice(options)["label"]) if options else "app"
    for length in (3, 4, 5):
        await browser.callback("search", "options", _options, ["map-root.search_value"],
                               {"map-root.search_value": label[:length]})  # fmt: skip
        await asyncio.sleep(0.15)
    options = browser.values.get("map-root.options") or []
    if not options:
        return
    picked = {"map-root.value": rng.choice(options)["value"]}
    if await browser.callback("page callbacks", "sync", _outputs("url"), ["map-root.value"], picked):
        await browser.navigate(browser.values["url.search"], sync=False)


async def _click_node(browser: Browser, rng: random.Random) -> None:
    """Tap a CI of the map: its details (and the group opener, which the same tap fires)."""
    nodes = [e["data"] for e in browser.values.get("map-graph.elements") or [] if e.get("data", {}).get("kind") == "ci"]
    if not nodes:
        return
    node = {**rng.choice(nodes), "timeStamp": int(time.time() * 1000)}
    browser.values["clicked"] = node["ci_id"]
    tapped = {"map-graph.tapNodeData": node}
    await asyncio.gather(
        browser.callback("details", "details", _details, ["map-graph.tapNodeData"], tapped),
        browser.callback("details", "open_group", _maybe("url"), ["map-graph.tapNodeData"], tapped),
    )


async def _focus(browser: Browser, _rng: random.Random) -> None:
    """The details' "Focus here" link: the map re-rooted at the clicked CI."""
    if "clicked" in browser.values:
        await browser.navigate(f"?root={browser.values['clicked']}")


async def _impact(browser: Browser, _rng: random.Random) -> None:
    """The details' "What does this impact?" link."""
    if "clicked" in browser.values:
        await browser.navigate(f"?root={browser.values['clicked']}&depth=all&dir=upstream&impact=1")


ANALYST_STEPS = {"search": _search_and_pick, "details": _click_node, "focus": _focus, "impact": _impact}


async def drive(base: str, load: Load) -> Outcome:
    """Run the walls and analysts against the server at base for load.duration seconds."""
    rng = random.Random(load.seed)
    outcome = Outcome()
    end = time.monotonic() + load.duration
    walls = [wall_screen(base, load, outcome, end, rng.uniform(0, load.wall_interval)) for _ in range(load.walls)]
    analysts = [
        analyst(base, load, outcome, end, rng.uniform(0, load.think[1]), random.Random(rng.random()))
        for _ in range(load.analysts)
    ]
    await asyncio.gather(*walls, *analysts)
    return outcome


def _named_callbacks(dependencies: list[dict]) -> dict[str, dict]:
    named = {}
    for callback in dependencies:
        first = callback["output"].strip(".").split("...")[0].split("@")[0]
        inputs = {f"{i['id']}.{i['property']}" for i in callback.get("inputs", [])}
        for name, (output, trigger) in CALLBACKS.items():
            if first == output and trigger in inputs and not callback.get("clientside_function"):
                named[name] = callback
    return named


def _layout_values(layout: Any) -> dict[str, Any]:
    """Every 'id.prop' of the layout's components, as the renderer holds them before any callback ran."""
    values: dict[str, Any] = {}
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and "props" in node:
            props = node["props"]
            if isinstance(props.get("id"), str):
                values.update({f"{props['id']}.{k}": v for k, v in props.items() if k != "children"})
            stack.append(props.get("children"))
    return values


def _html(_status: int, raw: bytes) -> bytes:
    if b"_dash-config" not in raw:
        raise BadAnswer("bad answer: not the Dash page")
    return raw


def _dash_config(page: bytes) -> dict:
    """The page's `<script id="_dash-config" type="application/json">` object ({} when there is none)."""
    found = re.search(rb'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.DOTALL)
    try:
        config = json.loads(found.group(1)) if found else {}
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise BadAnswer("bad answer: not JSON") from None


def _json_with(key: str) -> Any:
    def check(_status: int, raw: bytes) -> Any:
        data = _json(raw)
        if not isinstance(data, dict) or key not in data:
            raise BadAnswer(f"bad answer: no {key}")
        return data

    return check


def _json_list(_status: int, raw: bytes) -> list:
    data = _json(raw)
    if not isinstance(data, list) or not data:
        raise BadAnswer("bad answer: no dependencies")
    return data


def _outputs(component: str, *, allow_empty: bool = False) -> Any:
    """A callback answer that updates `component` (204, nothing to update, only when allow_empty)."""

    def check(status: int, raw: bytes) -> dict:
        if status == 204:
            if allow_empty:
                return {}
            raise BadAnswer(f"bad answer: nothing for {component}")
        response = _json(raw).get("response")
        if not isinstance(response, dict) or (component not in response and not allow_empty):
            raise BadAnswer(f"bad answer: no {component}")
        return response

    return check


def _maybe(component: str) -> Any:
    return _outputs(component, allow_empty=True)


def _wall_answer(status: int, raw: bytes) -> dict:
    data = _outputs("wall-answer")(status, raw)["wall-answer"].get("data") or {}
    if data.get("error"):
        raise BadAnswer("bad answer: the wall says the CMDB could not be read")
    if not data.get("loaded_at"):
        raise BadAnswer("bad answer: the wall has no data yet")
    return _outputs("wall-answer")(status, raw)


def _details(status: int, raw: bytes) -> dict:
    if b"not in the current snapshot" in raw:
        raise BadAnswer("bad answer: CI not in the snapshot")
    return _outputs("map-details")(status, raw)


def _options(status: int, raw: bytes) -> dict:
    response = _outputs("map-root")(status, raw)
    if not isinstance(response["map-root"].get("options"), list):
        raise BadAnswer("bad answer: no options")
    return response


def _map(status: int, raw: bytes) -> dict:
    response = _outputs("map-graph")(status, raw)
    elements = response["map-graph"].get("elements")
    if not isinstance(elements, list) or not elements:
        raise BadAnswer("bad answer: an empty map")
    return response
