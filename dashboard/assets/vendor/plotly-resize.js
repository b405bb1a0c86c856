/* servicemap, appended to the cartesian plotly.js that /health loads (dashboard/page_scripts.py).
 * dcc.Graph calls Plotly.Plots.resize on every chart right after its first draw, and plotly then relayouts and
 * redraws the whole chart even when its box already has the size it was drawn at (the figures set a height, not a
 * width). Skip exactly that case; a box of another size (a window resized, a sidebar opened) is resized as before. */
(function (Plotly) {
  if (!Plotly || !Plotly.Plots || Plotly.Plots.__servicemapResize) { return; }
  var resize = Plotly.Plots.resize;
  Plotly.Plots.resize = function (gd) {
    var full = gd && gd._fullLayout;
    if (full && gd.offsetWidth && Math.abs(full.width - gd.offsetWidth) < 1 &&
        Math.abs(full.height - gd.offsetHeight) < 1) {
      return Promise.resolve(gd);
    }
    return resize.apply(this, arguments);
  };
  Plotly.Plots.__servicemapResize = true;
})(window.Plotly);
