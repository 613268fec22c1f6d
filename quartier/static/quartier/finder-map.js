/* The office finder's map. Progressive enhancement: without JavaScript, without Leaflet or
   without a configured tile server the page is the list, which always shows every office. */
(function () {
  "use strict";

  function start() {
    var container = document.getElementById("office-map");
    var dataNode = document.getElementById("office-map-data");
    if (!container || !dataNode || typeof window.L === "undefined") {
      return;
    }
    var tileUrl = container.getAttribute("data-tile-url");
    if (!tileUrl) {
      container.hidden = true;
      return;
    }
    var points = JSON.parse(dataNode.textContent);
    if (!points.length) {
      container.hidden = true;
      return;
    }
    var L = window.L;
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(tileUrl, {
      maxZoom: 18,
      attribution: container.getAttribute("data-attribution") || ""
    }).addTo(map);
    var bounds = [];
    points.forEach(function (point) {
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name;
      var address = document.createElement("div");
      address.textContent = point.address;
      var status = document.createElement("div");
      status.textContent = point.status;
      popup.appendChild(link);
      popup.appendChild(address);
      popup.appendChild(status);
      L.marker([point.lat, point.lng], { title: point.name, alt: point.name })
        .addTo(map)
        .bindPopup(popup);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [30, 30] });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
