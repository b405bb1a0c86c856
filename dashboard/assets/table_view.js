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
