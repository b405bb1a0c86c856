/* Wall screen, in the browser: at most one refresh in flight, and a STALE banner that needs no server.
 *
 * gate:   on every tick, ask the server for new data unless the previous request is still running (a refresh slower
 *         than the interval must not pile up or cancel itself forever); a request without an answer for two
 *         intervals (the server went away mid-request) is given up, so that the screen recovers by itself.
 * status: every second, say how old the data is; when no answer came for more than two intervals, or the server
 *         says the CMDB could not be read, say STALE and dim the tiles. Recovers by itself with the next answer.
 *         Times are 24-hour UTC, labelled, like the tiles'.
 * fitMap: keep the rotation's map fitted to its container. Cytoscape's own `fit` runs once, when the layout runs:
 *         the first map is drawn while the wall page is still hidden (a 0 × 0 container, nothing to fit to), and the
 *         next steps reuse the same cytoscape with new elements and run no layout. So fit again whenever the
 *         container's size or the elements change.
 */
const WALL_MAP_PADDING = 0.04; // of the container's smaller side

function utcClock(ms) {
  const time = new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
  return `${time}\u00a0UTC`;
}

function fitWhenSized(cy) {
  const width = cy.width();
  const height = cy.height();
  if (width > 0 && height > 0 && cy.nodes().length) cy.fit(cy.elements(), Math.round(WALL_MAP_PADDING * Math.min(width, height)));
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

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  servicemap: {
    gate: function (tick, pathname, interval) {
      const wall = (window.servicemapWall = window.servicemapWall || { busy: false, since: 0 });
      const now = Date.now();
      if (!pathname || !/\/wall\/?$/.test(pathname)) return window.dash_clientside.no_update;
      if (wall.busy && now - wall.since < 2 * interval) return window.dash_clientside.no_update;
      wall.busy = true;
      wall.since = now;
      return { tick: tick, at: now };
    },
    status: function (second, answer, interval, pageClass) {
      const wall = (window.servicemapWall = window.servicemapWall || { busy: false, since: 0 });
      const now = Date.now();
      const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
      if (answer && triggered.includes("wall-answer.data")) {
        wall.busy = false;
        wall.answeredAt = now;
        wall.skew = now - answer.served_at;
      }
      const base = (pageClass || "wall dark").replace(/\s*\bstale\b/g, "");
      if (!answer || !wall.answeredAt) return ["Waiting for the first data…", base];
      const silent = now - wall.answeredAt;
      if (silent > 2 * interval + 1000) {
        return [`STALE — no answer from the server since ${utcClock(wall.answeredAt)}. The tiles show the data of then.`, base + " stale"];
      }
      if (answer.error) {
        return [`STALE — the CMDB could not be read since ${utcClock(answer.failed_at + wall.skew)} (error id ${answer.error_id}). Data of ${utcClock(answer.loaded_at + wall.skew)}.`, base + " stale"];
      }
      const age = Math.max(0, Math.round((now - wall.skew - answer.loaded_at) / 1000));
      const ageText = age < 90 ? `${age}\u00a0s` : `${Math.round(age / 60)}\u00a0min`;
      return [`Data loaded ${utcClock(answer.loaded_at + wall.skew)} (${ageText} ago)`, base];
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
