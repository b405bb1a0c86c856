/* The header's data-age line (map and data-quality pages), in the browser: STALE decided by the clock alone.
 *
 * The line is written by a server callback on every status tick. When the server freezes or goes away, that callback
 * never answers and the line would keep saying "CMDB checked 8 s ago" for ever. So a plain timer (outside Dash's
 * callback graph, which holds a callback while its inputs wait on a request in flight) notes when each answer came
 * (the answer carries a mark that changes every time) and, after two ticks + 5 s without one, marks the line STALE
 * (data-clock, shown by the stylesheet before the line) and dims the map. The next answer clears it.
 */
const STATUS_GRACE = 5000; // ms beyond two ticks before silence counts as STALE

function statusUtc(ms) {
  const time = new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
  return `${time}\u00a0UTC`;
}

function statusClock() {
  const line = document.getElementById("overview-status");
  const top = document.getElementById("top");
  const state = (window.servicemapStatus = window.servicemapStatus || {});
  if (!line || !top || top.hidden) {
    state.openedAt = null; // the silence counts from when the header is shown
    return;
  }
  const now = Date.now();
  if (!state.openedAt) state.openedAt = now;
  const mark = line.querySelector("[data-answer]");
  const answer = mark ? mark.dataset.answer : null;
  if (answer && answer !== state.answer) {
    state.answer = answer;
    state.answeredAt = now;
  }
  const limit = 2 * Number(line.dataset.tickMs || 10000) + STATUS_GRACE;
  const silentSince = state.answeredAt || state.openedAt;
  const stale = now - silentSince > limit;
  let text = null;
  if (stale && state.answeredAt) {
    const seconds = Math.round((now - state.answeredAt) / 1000);
    text = `STALE — no answer from the server since ${statusUtc(state.answeredAt)} (${seconds}\u00a0s ago): what you see may be old.`;
  } else if (stale) {
    text = `STALE — the server has not answered for ${Math.round((now - state.openedAt) / 1000)}\u00a0s.`;
  }
  if (text === null) delete line.dataset.clock;
  else if (line.dataset.clock !== text) line.dataset.clock = text;
  document.body.classList.toggle("server-silent", stale);
}

if (!window.servicemapStatusClock) window.servicemapStatusClock = setInterval(statusClock, 1000);
