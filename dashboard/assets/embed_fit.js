// Keeps the map fitted to its frame. Whenever the map's container changes size (the window or an iframe resized, the
// page's grid settled after the first drawing) cytoscape is told its new size, so that its canvas is never left blank
// or cut, and the map is fitted again: always on an embedded page (?embed=1), elsewhere only while the user has not
// zoomed or panned the current view. Debounced; reads cytoscape's instance as the tests do, and touches no text.
(function () {
  "use strict";
  var WAIT_MS = 120;
  var PADDING = 30;
  var container = null;
  var cy = null;
  var timer = null;
  var ours = false; // a fit or a layout of the code is running: its viewport events are not the user's
  var userMoved = false;

  function embedded() {
    return !!document.querySelector("#page-map.embed");
  }

  function refit() {
    if (!cy || !container || !container.offsetWidth || !container.offsetHeight) {
      return;
    }
    ours = true;
    try {
      cy.resize();
      if (embedded() || !userMoved) {
        cy.fit(undefined, PADDING);
      }
    } finally {
      ours = false;
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refit, WAIT_MS);
  }

  function follow(instance) {
    cy = instance;
    userMoved = false;
    cy.on("layoutstart", function () { ours = true; });
    cy.on("layoutstop", function () { ours = false; userMoved = false; later(); });
    cy.on("viewport", function () { if (!ours) { userMoved = true; } });
  }

  function watch() {
    var element = document.getElementById("map-graph");
    var instance = element && element._cyreg && element._cyreg.cy;
    if (!instance) {
      return;
    }
    if (element !== container) {
      container = element;
      new ResizeObserver(later).observe(element);
    }
    if (instance !== cy) {
      follow(instance);
      later();
    }
  }

  // Dash draws the page after this script ran, and may replace the map's element: look for it now and then.
  setInterval(watch, 400);
})();
