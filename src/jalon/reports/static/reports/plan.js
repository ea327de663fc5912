/* Jalon — place a report's point on the territory's plan (public report form).
   Progressive: without this script the latitude and longitude fields are the whole path.
   No request, no cookie, no inline code (CSP script-src 'self'). The projection is the
   server's (jalon.core.territory.Projection), read from the SVG's data- attributes. */
(function () {
  "use strict";
  var box = document.getElementById("plan");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  if (!box || !lat || !lon) { return; }
  var frame = box.querySelector(".plan-frame");
  var svg = box.querySelector("svg");
  var marker = svg.querySelector(".plan-marker");
  var status = document.getElementById("plan-status");
  var d = svg.dataset;
  var p = { lon0: +d.lon0, lat0: +d.lat0, s: +d.scale, kx: +d.kx, x0: +d.x0, y0: +d.y0,
            w: svg.viewBox.baseVal.width, h: svg.viewBox.baseVal.height };
  var at = null;

  function project(lo, la) { return [p.x0 + (lo - p.lon0) * p.kx * p.s, p.y0 - (la - p.lat0) * p.s]; }
  function unproject(x, y) { return [p.lon0 + (x - p.x0) / (p.kx * p.s), p.lat0 - (y - p.y0) / p.s]; }
  function fmt(v) { return v.toFixed(5).replace(".", ","); }
  function num(v) { return parseFloat(String(v).replace(",", ".")); }
  function clamp(v, hi) { return Math.max(0, Math.min(hi, v)); }

  function show(x, y) {
    at = [x, y];
    marker.setAttribute("transform", "translate(" + x.toFixed(1) + " " + y.toFixed(1) + ")");
    marker.setAttribute("visibility", "visible");
  }
  function place(x, y) {
    x = clamp(x, p.w); y = clamp(y, p.h);
    show(x, y);
    var ll = unproject(x, y);
    lat.value = fmt(ll[1]);
    lon.value = fmt(ll[0]);
    status.textContent = (status.getAttribute("data-placed") || "{lat}, {lon}")
      .replace("{lat}", lat.value).replace("{lon}", lon.value);
  }
  function fromFields() {
    var la = num(lat.value), lo = num(lon.value);
    if (isFinite(la) && isFinite(lo)) {
      var xy = project(lo, la);
      if (xy[0] >= 0 && xy[0] <= p.w && xy[1] >= 0 && xy[1] <= p.h) { show(xy[0], xy[1]); return; }
    }
    marker.setAttribute("visibility", "hidden");
    at = null;
  }

  svg.addEventListener("click", function (e) {
    var pt = svg.createSVGPoint();
    pt.x = e.clientX; pt.y = e.clientY;
    var q = pt.matrixTransform(svg.getScreenCTM().inverse());
    place(q.x, q.y);
  });
  frame.addEventListener("keydown", function (e) {
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    var m = moves[e.key];
    if (!m) { return; }
    e.preventDefault();
    var step = e.shiftKey ? 2 : 12;
    var from = at || [p.w / 2, p.h / 2];
    place(from[0] + (at ? m[0] * step : 0), from[1] + (at ? m[1] * step : 0));
  });
  lat.addEventListener("input", fromFields);
  lon.addEventListener("input", fromFields);
  box.hidden = false;
  fromFields();
}());
