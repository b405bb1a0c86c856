/* Wall screen, in the browser: at most one refresh in flight, and a STALE banner decided by the clock alone.
 *
 * gate:       on every tick, ask the server for new data unless the previous request is still running (a refresh
 *             slower than the interval must not pile up or cancel itself forever); a request without an answer by
 *             its deadline (2 intervals + 5 s: the server went away or froze mid-request) is aborted and given up,
 *             so that the next tick asks again and the screen recovers by itself.
 * noteAnswer: writes the answer and the browser time it came at onto #page-wall (data-answer, data-answered-at).
 * the clock:  a plain timer (setInterval, outside Dash's callback graph: Dash holds every callback, clientside ones
 *             too, whose inputs wait on a request in flight, so a status computed by a callback freezes with the
 *             server) reads those attributes every second and says how old the data is; when nothing came for
 *             longer than the deadline, or the first answer never came, or the server says the CMDB could not be
 *             read, it says STALE and dims the tiles. Recovers by itself with the next answer. Times are 24-hour
 *             UTC, labelled, like the tiles'.
 * fitMap:     keep the rotation's map fitted to its container. Cytoscape's own `fit` runs once, when the layout runs:
 *             the first map is drawn while the wall page is still hidden (a 0 × 0 container, nothing to fit to), and
 *             the next steps reuse the same cytoscape with new elements and run no layout. So fit again whenever the
 *             container's size or the elements change.
 */
const WALL_MAP_PADDING = 0.04; // of the container's smaller side

function utcClock(ms) {
  const time = new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
  return `${time}\u00a0UTC`;
}

const WALL_LABEL_PX = 28; // the smallest label on a 1080-line screen (56 on 2160 lines): read from five metres

/* Fit the map, then grow the labels that the fit's zoom drew smaller than WALL_LABEL_PX and fit again (bigger
   labels take more room, so the zoom drops a little each round; a 10 % margin makes a few rounds enough). */
function fitWhenSized(cy) {
  const width = cy.width();
  const height = cy.height();
  if (!(width > 0 && height > 0 && cy.nodes().length)) return;
  const padding = Math.round(WALL_MAP_PADDING * Math.min(width, height));
  const wanted = WALL_LABEL_PX * Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
  cy.nodes().removeStyle("font-size");
  for (let round = 0; round < 4; round++) {
    cy.fit(cy.elements(), padding);
    const zoom = cy.zoom();
    const small = cy.nodes().filter((n) => parseFloat(n.style("font-size")) * zoom < wanted);
    if (!small.length) return;
    small.style("font-size", (1.1 * wanted) / zoom);
  }
  cy.fit(cy.elements(), padding);
}

function keepFitted(container, cy) {
  let pending = false;
  const refit = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      cy.resize(); // cytoscape caches its container's size
      fitWhenSized(cy);
    });
  };
  const observer = new ResizeObserver(refit);
  observer.observe(container);
  cy.on("add remove position", refit);
  cy.on("destroy", () => observer.disconnect());
  return refit;
}

const WALL_DEFAULT_INTERVAL = 30000; // ms, the layout's tick until the URL's ?refresh= is applied
const WALL_GRACE = 5000; // ms beyond two intervals before silence counts as STALE

function wallState() {
  window.servicemapWall = window.servicemapWall || { busy: false, since: 0, interval: WALL_DEFAULT_INTERVAL };
  return window.servicemapWall;
}

function staleAfter(interval) {
  return 2 * (interval || WALL_DEFAULT_INTERVAL) + WALL_GRACE;
}

function seconds(ms) {
  return `${Math.max(0, Math.round(ms / 1000))}\u00a0s`;
}

function ageText(ms) {
  const age = Math.max(0, Math.round(ms / 1000));
  return age < 90 ? `${age}\u00a0s` : `${Math.round(age / 60)}\u00a0min`;
}

/* What the wall must say now, from the last answer (or none), the browser time it came at, and when the wall opened. */
function wallStatus(answer, answeredAt, openedAt, now, interval) {
  const limit = staleAfter(interval);
  if (!answer) {
    const silent = now - openedAt;
    if (silent > limit) return { stale: true, text: `STALE — No data yet: the server has not answered for ${seconds(silent)}.` };
    return { stale: false, text: "Waiting for the first data…" };
  }
  const silent = now - answeredAt;
  if (silent > limit) {
    return { stale: true, text: `STALE — no answer from the server since ${utcClock(answeredAt)} (${ageText(silent)} ago). The tiles show the data of then.` };
  }
  const skew = answeredAt - answer.served_at;
  if (answer.error) {
    const since = utcClock(answer.failed_at + skew);
    const data = answer.loaded_at ? ` Data of ${utcClock(answer.loaded_at + skew)}.` : "";
    return { stale: true, text: `STALE — the CMDB could not be read since ${since}: ${answer.error} (error id ${answer.error_id}).${data}` };
  }
  if (!answer.loaded_at) return { stale: true, text: "STALE — No data yet: the CMDB has not been read." };
  // "as of": when the CMDB's data was read (it changes only when the CMDB does); "checked": when the server last
  // found the CMDB unchanged or read it anew. Old data checked seconds ago is current, and says so.
  const checked = answer.checked_at || answer.loaded_at;
  // A wall as of a past time (asof=) shows old statuses on purpose: its banner says when; this line says how fresh
  // the data it was worked out from is, in other words than "as of".
  const read = answer.as_of ? "Worked out from data read at" : "Data as of";
  return { stale: false, text: `${read} ${utcClock(answer.loaded_at + skew)} · checked ${ageText(now - skew - checked)} ago` };
}

function wallClock() {
  const page = document.getElementById("page-wall");
  const status = document.getElementById("wall-status");
  const wall = wallState();
  if (!page || !status || page.hidden) {
    wall.openedAt = null; // the wall's silence counts from when it is shown
    return;
  }
  const now = Date.now();
  if (!wall.openedAt) wall.openedAt = now;
  const answer = page.dataset.answer ? JSON.parse(page.dataset.answer) : null;
  const shown = wallStatus(answer, Number(page.dataset.answeredAt), wall.openedAt, now, wall.interval);
  if (status.textContent !== shown.text) status.textContent = shown.text;
  page.classList.toggle("stale", shown.stale);
  page.dataset.stale = shown.stale ? "yes" : "no";
}

/* The wall's refresh requests get a deadline: a frozen server keeps the connection open and never answers, and the
   browser's few connections per server must not all wait on it. An aborted refresh frees the gate for the next tick. */
function withDeadline(fetch) {
  return function (resource, init) {
    const body = init && typeof init.body === "string" ? init.body : "";
    if (!/_dash-update-component/.test(String(resource)) || !body.includes("wall-answer.data")) {
      return fetch.apply(this, arguments);
    }
    const wall = wallState();
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort();
      wall.busy = false;
      wall.aborted = (wall.aborted || 0) + 1;
    }, staleAfter(wall.interval));
    // Dash's own signal, if it sends one, still aborts the request too.
    const signal = init.signal && AbortSignal.any ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    return fetch.call(this, resource, Object.assign({}, init, { signal: signal })).finally(() => clearTimeout(timer));
  };
}

if (!window.servicemapWallClock) {
  window.servicemapWallClock = setInterval(wallClock, 1000);
  window.fetch = withDeadline(window.fetch);
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  servicemap: {
    gate: function (tick, pathname, interval) {
      const wall = wallState();
      const now = Date.now();
      if (interval) wall.interval = interval;
      if (!pathname || !/\/wall\/?$/.test(pathname)) return window.dash_clientside.no_update;
      if (wall.busy && now - wall.since < staleAfter(wall.interval)) return window.dash_clientside.no_update;
      wall.busy = true;
      wall.since = now;
      return { tick: tick, at: now };
    },
    noteInterval: function (interval) {
      if (interval) wallState().interval = interval;
    },
    noteAnswer: function (answer) {
      const page = document.getElementById("page-wall");
      wallState().busy = false;
      if (!answer || !page) return;
      page.dataset.answer = JSON.stringify(answer);
      page.dataset.answeredAt = String(Date.now());
      wallClock();
    },
    fitMap: function () {
      // The new map may not be drawn yet when this runs: wait a few frames for its cytoscape.
      const attach = (frames) => {
        const container = document.querySelector("#wall-map > div");
        const cy = container && container._cyreg && container._cyreg.cy;
        if (!cy) {
          if (frames > 0) requestAnimationFrame(() => attach(frames - 1));
          return;
        }
        if (container.servicemapRefit === undefined || container.servicemapCy !== cy) {
          container.servicemapCy = cy;
          container.servicemapRefit = keepFitted(container, cy);
        }
        container.servicemapRefit();
      };
      attach(120);
    },
  },
});
