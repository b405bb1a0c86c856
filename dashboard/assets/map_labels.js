/* The map's labels: each is drawn at least LABEL_MIN_PX tall on screen, or not at all (issue 12).
 *
 * cytoscape hides a label when font-size × zoom is below `min-zoomed-font-size`, but it rounds the zoom up to a power
 * of two first (its texture cache works in such levels), so a static threshold either lets 5 px labels through or
 * hides 19 px ones. The stylesheet (layouts/map.py) carries the safe static value; this script sets the threshold
 * exactly for the zoom shown: with t the zoom as cytoscape rounds it and F the label sizes in use, every size f with
 * f × zoom ≥ LABEL_MIN_PX shows and every other hides when the threshold is t × (the smallest size that should show).
 * It runs on every zoom (wheel, buttons, fit) and for elements added later, and writes only when the threshold changes.
 */
const LABEL_MIN_PX = 10; // layouts/map.py LABEL_MIN_PX

function labelThreshold(cy) {
  const zoom = cy.zoom();
  const renderer = cy.renderer();
  const ratio = renderer && renderer.getPixelRatio ? renderer.getPixelRatio() : window.devicePixelRatio || 1;
  const rounded = Math.pow(2, Math.ceil(Math.log2(zoom * ratio)));
  let smallestShown = Infinity;
  let largest = 0;
  cy.elements().forEach((ele) => {
    const size = ele.pstyle("font-size").pfValue;
    if (size > largest) largest = size;
    if (size * zoom >= LABEL_MIN_PX && size < smallestShown) smallestShown = size;
  });
  return rounded * (smallestShown === Infinity ? 2 * largest + 1 : smallestShown);
}

function applyLabelThreshold(cy, always) {
  const threshold = labelThreshold(cy);
  const state = cy.scratch("servicemapLabels");
  if (!always && state.threshold === threshold) return;
  state.threshold = threshold;
  cy.batch(() => cy.elements().style("min-zoomed-font-size", threshold));
}

function laterLabelThreshold(cy) {
  // add and class events come one per element: recompute once after the whole update.
  const state = cy.scratch("servicemapLabels");
  if (state.pending) return;
  state.pending = true;
  setTimeout(() => {
    state.pending = false;
    applyLabelThreshold(cy, true);
  }, 0);
}

function hookMapLabels() {
  const el = document.getElementById("map-graph");
  const cy = el && el._cyreg && el._cyreg.cy;
  if (!cy || cy.scratch("servicemapLabels")) return;
  cy.scratch("servicemapLabels", { threshold: null, pending: false });
  cy.on("zoom", () => applyLabelThreshold(cy, false));
  cy.on("add", (event) => {
    const threshold = cy.scratch("servicemapLabels").threshold;
    if (threshold !== null) event.target.style("min-zoomed-font-size", threshold);
    laterLabelThreshold(cy);
  });
  cy.on("class", () => laterLabelThreshold(cy)); // the root and business services have larger labels
  applyLabelThreshold(cy, true);
}

if (!window.servicemapMapLabels) window.servicemapMapLabels = setInterval(hookMapLabels, 300);
