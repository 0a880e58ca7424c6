// The small map on an agency page: the agency and the listed agencies near it, each with its status marker.
import { legend, loadLeaflet, popupContent, statusIcon, statusLabel, tileLayer } from "./status-markers.js";

const element = document.getElementById("agency-map");
const data = JSON.parse(document.getElementById("agency-map-data").textContent);
const L = await loadLeaflet();
const map = L.map(element, { scrollWheelZoom: false });
tileLayer(L).addTo(map);

const agency = data.agency;
const here = L.marker([agency.latitude, agency.longitude], {
  icon: statusIcon(L, agency.response_status),
  title: `${agency.name}: ${statusLabel(agency.response_status)}`,
  zIndexOffset: 1000,
}).addTo(map);
here.bindPopup(popupContent(agency.name, agency.response_status));

const points = [[agency.latitude, agency.longitude]];
for (const other of data.nearby) {
  const marker = L.marker([other.latitude, other.longitude], {
    icon: statusIcon(L, other.response_status),
    title: `${other.name}: ${statusLabel(other.response_status)}`,
  }).addTo(map);
  marker.bindPopup(popupContent(other.name, other.response_status, element.dataset.agencyPath + other.agency_id));
  points.push([other.latitude, other.longitude]);
}
if (points.length > 1) {
  map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
} else {
  map.setView(points[0], 10);
}
element.parentNode.insertBefore(legend("Legend: response"), element.nextSibling);
