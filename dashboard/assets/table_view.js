/* The switch between the map and its table view (view=table in the URL). It runs in the browser, as soon as the URL
   changes, so that the map is visible again before the map's answer arrives: cytoscape fitting a map in a hidden
   container would leave the canvas blank. The labels match layouts/map_table.py. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    servicemap_table: {
        view: function (search) {
            const table = new URLSearchParams(search || "").get("view") === "table";
            return [!table, table ? "View as map" : "View as table", table ? "true" : "false"];
        },
    },
});

/* ag-grid has no option for its grid's accessible name: each grid takes the label its section carries (a fixed text
   from layouts/map_table.py, never CMDB data), set as an attribute, whenever the grid is (re)drawn. */
(function () {
    function labelGrids() {
        document.querySelectorAll(".table-section[data-grid-label]").forEach(function (section) {
            const grid = section.querySelector("[role=grid], [role=treegrid]");
            const label = section.getAttribute("data-grid-label");
            if (grid && grid.getAttribute("aria-label") !== label) {
                grid.setAttribute("aria-label", label);
            }
        });
    }
    new MutationObserver(labelGrids).observe(document.documentElement, { childList: true, subtree: true });
})();
