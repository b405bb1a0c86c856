// The map by keyboard: one Tab stop (the cytoscape container), a "keyboard node" moved by the arrow keys, keys for
// details, "Focus here", impact and zoom, a live region that names the keyboard node, and a tooltip on hover and on
// focus. Every CMDB string is written with textContent (never innerHTML): CI names are untrusted.
(function () {
  "use strict";

  const ROW = 20; // model units: nodes whose centres differ less than this in y are in the same row
  const ZOOM_STEP = 1.25;
  const FOCUS = "kbd-focus";
  const RING_PX = 4; // screen pixels: the keyboard node's black ring, and the white gap between it and the node
  const GAP_PX = 4;
  const bound = new WeakSet();
  let keyboardId = null; // element id of the keyboard node; kept across refreshes and re-roots

  function graph() {
    const el = document.getElementById("map-graph");
    const cy = el && el._cyreg && el._cyreg.cy;
    return cy ? { el: el, cy: cy } : null;
  }

  function visible(cy) {
    return cy.nodes(":visible");
  }

  function keyboardNode(cy) {
    const node = keyboardId ? cy.getElementById(keyboardId) : cy.collection();
    if (node.length && node.visible()) return node;
    const start = cy.nodes(":selected:visible").first();
    if (start.length) return start;
    const root = cy.nodes(".root:visible").first();
    return root.length ? root : visible(cy).first();
  }

  // Reading order (rows top to bottom, left to right), for "3 of 89 nodes".
  function readingOrder(cy) {
    return visible(cy).sort(function (a, b) {
      const dy = a.position("y") - b.position("y");
      return Math.abs(dy) > ROW ? dy : a.position("x") - b.position("x");
    });
  }

  // Up/down: a connected node in the nearest row that way (closest in x); if none is connected, the nearest node that
  // way. Left/right: the next node in the same row.
  function step(cy, node, key) {
    const p = node.position();
    const vertical = key === "ArrowUp" || key === "ArrowDown";
    const sign = key === "ArrowUp" || key === "ArrowLeft" ? -1 : 1;
    let pool;
    if (vertical) {
      const ahead = function (n) { return sign * (n.position("y") - p.y) > ROW; };
      pool = node.neighborhood("node:visible").filter(ahead);
      if (!pool.length) pool = visible(cy).filter(ahead);
    } else {
      pool = visible(cy).filter(function (n) {
        return Math.abs(n.position("y") - p.y) <= ROW && sign * (n.position("x") - p.x) > 0;
      });
    }
    let best = null;
    let bestKey = null;
    pool.forEach(function (n) {
      const dy = Math.round(Math.abs(n.position("y") - p.y) / ROW);
      const dx = Math.abs(n.position("x") - p.x);
      const k = vertical ? [dy, dx] : [dx, dy];
      if (!bestKey || k[0] < bestKey[0] || (k[0] === bestKey[0] && k[1] < bestKey[1])) {
        best = n;
        bestKey = k;
      }
    });
    return best;
  }

  function line(text, className) {
    const div = document.createElement("div");
    div.textContent = text;
    if (className) div.className = className;
    return div;
  }

  function showTooltip(g, node) {
    const tip = document.getElementById("map-tooltip");
    if (!tip) return;
    const d = node.data();
    const incidents = Number(d.incidents) || 0;
    const changes = Number(d.changes) || 0;
    tip.replaceChildren(
      line(String(d.label || ""), "tip-name"),
      line(String(d.cls || "")),
      line("Status: " + String(d.status || "")),
      line(incidents ? incidents + " open incident" + (incidents === 1 ? "" : "s") + ", worst P" + d.priority
        : "No open incidents"),
      line(changes ? changes + " change" + (changes === 1 ? "" : "s") : "No changes")
    );
    tip.hidden = false;
    const box = g.el.getBoundingClientRect();
    const bb = node.renderedBoundingBox({ includeLabels: false });
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    let left = box.left + bb.x2 + 10;
    if (left + width > window.innerWidth - 4) left = box.left + bb.x1 - width - 10;
    const top = Math.min(Math.max(box.top + bb.y1, 4), window.innerHeight - height - 4);
    tip.style.left = Math.max(left, 4) + "px";
    tip.style.top = top + "px";
  }

  function hideTooltip() {
    const tip = document.getElementById("map-tooltip");
    if (tip) tip.hidden = true;
  }

  function announce(cy, node) {
    const region = document.getElementById("map-announce");
    if (!region) return;
    const order = readingOrder(cy);
    const place = order.indexOf(node) + 1;
    region.textContent = String(node.data("summary") || node.data("label") || "") +
      " — " + place + " of " + order.length + " nodes";
  }

  // Keeps the keyboard node on screen: pans only when it has left the visible part of the map.
  function reveal(g, node) {
    const p = node.renderedPosition();
    const margin = 40;
    if (p.x < margin || p.y < margin || p.x > g.el.clientWidth - margin || p.y > g.el.clientHeight - margin) {
      g.cy.center(node);
    }
  }

  // The ring keeps its width on screen at any zoom (the stylesheet's widths are in model units, so on a fitted
  // 300-node map they would shrink to a pixel): a style bypass on the keyboard node only, updated on zoom.
  function ring(cy, node) {
    const z = cy.zoom();
    node.style({
      "outline-width": RING_PX / z,
      "outline-offset": GAP_PX / z,
      "underlay-padding": GAP_PX / z,
    });
  }

  function mark(g, node, moved) {
    g.cy.nodes("." + FOCUS).not(node).removeClass(FOCUS).removeStyle("outline-width outline-offset underlay-padding");
    if (!node.hasClass(FOCUS)) node.addClass(FOCUS);
    ring(g.cy, node);
    keyboardId = node.id();
    if (moved) reveal(g, node);
    showTooltip(g, node);
    announce(g.cy, node);
  }

  function unmark(cy) {
    cy.nodes("." + FOCUS).removeClass(FOCUS).removeStyle("outline-width outline-offset underlay-padding");
    hideTooltip();
  }

  function zoom(g, factor) {
    const cy = g.cy;
    const node = document.activeElement === g.el ? keyboardNode(cy) : cy.collection();
    const around = node.length ? node.renderedPosition() : { x: g.el.clientWidth / 2, y: g.el.clientHeight / 2 };
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: around });
    if (node.length && node.hasClass(FOCUS)) showTooltip(g, node);
  }

  function fit(g) {
    g.cy.fit(undefined, 30);
  }

  // Changes the URL the way dcc.Link does: pushState, then the event dcc.Location listens to.
  function navigate(params) {
    window.history.pushState({}, "", window.location.pathname + "?" + params.toString());
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  }

  function focusHere(ciId) {
    const params = new URLSearchParams(window.location.search);
    params.set("root", String(ciId));
    params.delete("impact");
    params.delete("open");
    navigate(params);
  }

  // The same view as the details panel's "What does this impact?" link: upstream, all hops, impact on.
  function impactOf(ciId) {
    const now = new URLSearchParams(window.location.search);
    const params = new URLSearchParams({ root: String(ciId), depth: "all", dir: "upstream" });
    if (now.get("layout")) params.set("layout", now.get("layout"));
    params.set("impact", "1");
    if (now.get("embed")) params.set("embed", now.get("embed"));
    navigate(params);
  }

  function onKey(event) {
    const g = graph();
    if (!g || event.ctrlKey || event.altKey || event.metaKey) return;
    const cy = g.cy;
    const node = keyboardNode(cy);
    const key = event.key;
    const ciId = node.length ? node.data("ci_id") : null;
    let handled = true;
    if (key.startsWith("Arrow")) {
      const next = node.length ? step(cy, node, key) : null;
      if (next) mark(g, next, true);
      else if (node.length) mark(g, node, true);
    } else if (key === "Home") {
      const root = cy.nodes(".root:visible").first();
      if (root.length) mark(g, root, true);
    } else if (key === "Enter" && node.length) {
      cy.elements(":selected").unselect();
      node.select();
      node.emit("tap"); // dash-cytoscape turns a tap into tapNodeData: the same path as a click
    } else if ((key === "f" || key === "F") && ciId !== null && ciId !== undefined) {
      focusHere(ciId);
    } else if ((key === "i" || key === "I") && ciId !== null && ciId !== undefined) {
      impactOf(ciId);
    } else if (key === "+" || key === "=") {
      zoom(g, ZOOM_STEP);
    } else if (key === "-" || key === "_") {
      zoom(g, 1 / ZOOM_STEP);
    } else if (key === "0") {
      fit(g);
    } else if (key === "Escape") {
      g.el.blur();
    } else {
      handled = false;
    }
    if (handled) event.preventDefault(); // arrows and Home must not scroll the page
  }

  function bindContainer(el) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "application");
    el.setAttribute("aria-roledescription", "dependency map");
    el.setAttribute("aria-label", "Dependency map: arrow keys move between nodes, Enter shows details");
    el.setAttribute("aria-describedby", "map-keys-help");
    if (bound.has(el)) return;
    bound.add(el);
    el.addEventListener("keydown", onKey);
    el.addEventListener("focus", function () {
      const g = graph();
      // A mouse click focuses the map too: the ring appears for keyboard focus, or at the first key.
      if (g && el.matches(":focus-visible")) {
        const node = keyboardNode(g.cy);
        if (node.length) mark(g, node, false);
      }
    });
    el.addEventListener("blur", function () {
      const g = graph();
      if (g) unmark(g.cy);
    });
  }

  function bindGraph(g) {
    if (bound.has(g.cy)) return;
    bound.add(g.cy);
    const cy = g.cy;
    let hovered = null;
    // The node whose tooltip shows: the one under the mouse, else the keyboard node while the map has focus.
    function current(now) {
      if (hovered && hovered.inside()) return hovered;
      const node = cy.nodes("." + FOCUS);
      return node.length && document.activeElement === now.el ? node.first() : null;
    }
    function follow() {
      const now = graph() || g;
      cy.nodes("." + FOCUS).forEach(function (n) { ring(cy, n); });
      const node = current(now);
      if (node) showTooltip(now, node);
      else hideTooltip();
    }
    cy.on("mouseover", "node", function (e) { hovered = e.target; follow(); });
    cy.on("mouseout", "node", function () { hovered = null; follow(); });
    // A click moves the keyboard node too, and the ring with it while it shows.
    cy.on("tap", "node", function (e) {
      keyboardId = e.target.id();
      const now = graph() || g;
      if (document.activeElement === now.el && cy.nodes("." + FOCUS).length) mark(now, e.target, false);
    });
    cy.on("viewport", follow);
    // A refresh or a re-root replaces classes and elements: the keyboard node gets its ring back (or the root).
    let pending = null;
    cy.on("add remove class", function () {
      if (pending) return;
      pending = setTimeout(function () {
        pending = null;
        const now = graph();
        if (!now || now.cy !== cy || document.activeElement !== now.el) return;
        const node = keyboardNode(cy);
        if (node.length && (!node.hasClass(FOCUS) || cy.nodes("." + FOCUS).length !== 1)) mark(now, node, false);
      }, 50);
    });
  }

  function bindButtons() {
    const actions = {
      "map-zoom-in": function (g) { zoom(g, ZOOM_STEP); },
      "map-zoom-out": function (g) { zoom(g, 1 / ZOOM_STEP); },
      "map-zoom-fit": fit,
    };
    Object.keys(actions).forEach(function (id) {
      const button = document.getElementById(id);
      if (!button || bound.has(button)) return;
      bound.add(button);
      button.addEventListener("click", function () {
        const g = graph();
        if (g) actions[id](g);
      });
    });
  }

  // Dash renders the page after this script runs, and dash-cytoscape may create a new instance: look again often.
  setInterval(function () {
    const el = document.getElementById("map-graph");
    if (el) bindContainer(el);
    const g = graph();
    if (g) bindGraph(g);
    bindButtons();
  }, 300);
})();
