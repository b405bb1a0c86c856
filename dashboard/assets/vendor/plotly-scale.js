/* servicemap, appended to the cartesian plotly.js that /health loads (dashboard/page_scripts.py).
 * Page text grows with the screen (servicemap.css: 16.6 px at 1920 px wide, up to 28 px on a 4K wall); plotly's
 * sizes are pixels. A /health figure carries its unscaled height and margins in layout.meta (layouts/health_charts.py):
 * scale its height, margins and fonts by the page's font size over the charts' (14 px) before dcc.Graph's
 * Plotly.react draws it, so that each chart is drawn once at its size instead of drawn, then relaid out (and redrawn)
 * by the page's SCALE callback (callbacks/health.py), which stays for a plotly.js loaded without this file. */
(function (Plotly) {
  if (!Plotly || Plotly.__servicemapScale) { return; }
  var BASE = 14;
  function scaled(layout) {
    var meta = layout && layout.meta;
    if (!meta || !meta.height || !document.body) { return layout; }
    var scale = (parseFloat(getComputedStyle(document.body).fontSize) || BASE) / BASE;
    if (scale <= 1.1) { return layout; }
    var size = BASE * scale, out = Object.assign({}, layout);
    out.height = meta.height * scale;
    out.font = Object.assign({}, layout.font, {size: size});
    out.hoverlabel = Object.assign({}, layout.hoverlabel);
    out.hoverlabel.font = Object.assign({}, out.hoverlabel.font, {size: size});
    if (meta.margin) {
      out.margin = Object.assign({}, layout.margin);
      ["l", "r", "t", "b"].forEach(function (side) { out.margin[side] = meta.margin[side] * scale; });
    }
    if (layout.annotations) {
      out.annotations = layout.annotations.map(function (a) {
        return Object.assign({}, a, {font: Object.assign({}, a.font, {size: size})});
      });
    }
    return out;
  }
  var react = Plotly.react;
  Plotly.react = function (gd, figure) {
    if (arguments.length === 2 && figure && figure.layout) {
      return react.call(this, gd, Object.assign({}, figure, {layout: scaled(figure.layout)}));
    }
    return react.apply(this, arguments);
  };
  Plotly.__servicemapScale = true;
})(window.Plotly);
