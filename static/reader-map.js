// /map: every listed agency from /map/agencies.geojson, clustered, each with its status marker and a popup that
// links to its page. The same on the live and the static site: the URLs come from the page's data attributes.
import { legend, loadLeaflet, popupContent, statusIcon, statusLabel, tileLayer } from "./status-markers.js";

const element = document.getElementById("reader-map");
const status = document.getElementById("reader-map-status");
const L = await loadLeaflet();
const css = document.createElement("link");
css.rel = "stylesheet";
css.href = element.dataset.markerclusterCss;
document.head.appendChild(css);
await import(element.dataset.markercluster);

const map = L.map(element, { worldCopyJump: true }).setView([30, -40], 2);
tileLayer(L).addTo(map);
// The markers file (clearview/markers.py): a status digit per marker and coordinates as steps from the last one.
// What a popup says is fetched, a part at a time, only when one opens.
const data = await (await fetch(element.dataset.markerFile)).json();
const parts = new Map();
function detailsOf(n) {
  const part = Math.floor(n / data.part_size);
  if (!parts.has(part)) {
    parts.set(part, fetch(`${element.dataset.detailsPath}${part}.json`).then((response) => response.json()));
  }
  return parts.get(part).then((rows) => rows[n % data.part_size]);
}
// Clustered a chunk at a time: the page stays responsive at 100,000 agencies; placed resolves when the last is in.
let placedAll;
const placed = new Promise((resolve) => (placedAll = resolve));
const clusters = L.markerClusterGroup({ chunkedLoading: true, chunkProgress: (done, total) => done >= total && placedAll() });
map.addLayer(clusters);
const icons = new Map(data.statuses.map((status) => [status, statusIcon(L, status)]));
const markers = [];
let latitude = 0;
let longitude = 0;
for (let n = 0; n < data.lat.length; n++) {
  latitude += data.lat[n];
  longitude += data.lon[n];
  const status = data.statuses[parseInt(data.status[n], 36)];
  markers.push(L.marker([latitude / data.scale, longitude / data.scale], { icon: icons.get(status), title: statusLabel(status), n, status }));
}
// A marker gets its popup when first clicked (or opened by keyboard), filled once its part of the details is in.
clusters.on("click", ({ layer: marker }) => {
  if (marker.getPopup()) return;
  const { n, status } = marker.options;
  marker.bindPopup("Loading…").openPopup();
  detailsOf(n).then(([id, name, searches, period]) => {
    marker.setPopupContent(popupContent(name, status, element.dataset.agencyPath + id, searches, period));
  });
});
// The view from the agencies' own points: the clusters' bounds are empty until the chunks are done, and fitting
// to them threw "Bounds are not valid" at 20,000 agencies, leaving no marker, legend or zoom. Not animated: a zoom
// still running when the last chunk is clustered left the clusters drawn for the old view (none on screen, in CI).
if (markers.length) {
  map.fitBounds(L.latLngBounds(markers.map((marker) => marker.getLatLng())), { padding: [20, 20], animate: false });
}
clusters.addLayers(markers);
if (!markers.length) placedAll();
await placed;
element.dataset.markers = String(markers.length);
performance.mark("clearview-markers-placed"); // read by bench/run.py: time to an interactive map
status.textContent = `${markers.length} agencies on the map.`;
element.parentNode.insertBefore(legend("Legend: response"), element.nextSibling);
