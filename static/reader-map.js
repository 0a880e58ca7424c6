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
const response = await fetch(element.dataset.agencies);
const agencies = (await response.json()).features;
// Clustered a chunk at a time: the page stays responsive at 100,000 agencies; placed resolves when the last is in.
let placedAll;
const placed = new Promise((resolve) => (placedAll = resolve));
const clusters = L.markerClusterGroup({ chunkedLoading: true, chunkProgress: (done, total) => done >= total && placedAll() });
map.addLayer(clusters);
const markers = agencies.map((feature) => {
  const [longitude, latitude] = feature.geometry.coordinates;
  const agency = feature.properties;
  const marker = L.marker([latitude, longitude], {
    icon: statusIcon(L, agency.response_status),
    title: `${agency.name}: ${statusLabel(agency.response_status)}`,
  });
  marker.bindPopup(() => popupContent(agency.name, agency.response_status, element.dataset.agencyPath + agency.id, agency.searches, agency.period));
  return marker;
});
// The view from the agencies' own points: the clusters' bounds are empty until the chunks are done, and fitting
// to them threw "Bounds are not valid" at 20,000 agencies, leaving no marker, legend or zoom.
if (markers.length) map.fitBounds(L.latLngBounds(markers.map((marker) => marker.getLatLng())), { padding: [20, 20] });
clusters.addLayers(markers);
if (!markers.length) placedAll();
await placed;
element.dataset.markers = String(markers.length);
performance.mark("clearview-markers-placed"); // read by bench/run.py: time to an interactive map
status.textContent = `${markers.length} agencies on the map.`;
element.parentNode.insertBefore(legend("Legend: response"), element.nextSibling);
