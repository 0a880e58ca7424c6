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
const clusters = L.markerClusterGroup({ chunkedLoading: true });
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
clusters.addLayers(markers);
map.addLayer(clusters);
if (markers.length) map.fitBounds(clusters.getBounds(), { padding: [20, 20] });
element.dataset.markers = String(markers.length);
performance.mark("clearview-markers-placed"); // read by bench/run.py: time to an interactive map
status.textContent = `${markers.length} agencies on the map.`;
element.parentNode.insertBefore(legend("Legend: response"), element.nextSibling);
