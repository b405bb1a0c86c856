/* Wall screen, in the browser: at most one refresh in flight, and a STALE banner that needs no server.
 *
 * gate:   on every tick, ask the server for new data unless the previous request is still running (a refresh slower
 *         than the interval must not pile up or cancel itself forever); a request without an answer for two
 *         intervals (the server went away mid-request) is given up, so that the screen recovers by itself.
 * status: every second, say how old the data is; when no answer came for more than two intervals, or the server
 *         says the CMDB could not be read, say STALE and dim the tiles. Recovers by itself with the next answer.
 */
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
      const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      const silent = now - wall.answeredAt;
      if (silent > 2 * interval + 1000) {
        return [`STALE — no answer from the server since ${clock(wall.answeredAt)}. The tiles show the data of then.`, base + " stale"];
      }
      if (answer.error) {
        return [`STALE — the CMDB could not be read since ${clock(answer.failed_at + wall.skew)} (error id ${answer.error_id}). Data of ${clock(answer.loaded_at + wall.skew)}.`, base + " stale"];
      }
      const age = Math.max(0, Math.round((now - wall.skew - answer.loaded_at) / 1000));
      const ageText = age < 90 ? `${age} s` : `${Math.round(age / 60)} min`;
      return [`Data loaded ${clock(answer.loaded_at + wall.skew)} (${ageText} ago)`, base];
    },
  },
});
