// On the agency_map table page: datasette-cluster-map draws default markers and has no option for icons. Each
// marker gets its response-status icon from the row's response_code column: the rows are read as the plugin
// fetches them, and matched to markers by the agency link in the popup (the view's popup column).
import { config, legend, loadLeaflet, statusIcon } from "./status-markers.js";

const statusByLink = new Map();
const realFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const url = new URL(typeof input === "string" ? input : input.url, window.location.href);
  if (!/\/agency_map\.json$/.test(url.pathname)) return response;
  const data = await response.clone().json();
  for (const row of data.rows || []) {
    const popup = typeof row.popup === "string" ? JSON.parse(row.popup) : row.popup;
    if (popup && popup.link) statusByLink.set(popup.link, { status: row.response_code, name: row.name });
  }
  return response;
};

const linkIn = (content) => {
  const found = content.match(/<a href="([^"]*)"/);
  return found ? new DOMParser().parseFromString(found[1], "text/html").documentElement.textContent : null;
};

const L = await loadLeaflet();
const bindPopup = L.Marker.prototype.bindPopup;
L.Marker.prototype.bindPopup = function (content, options) {
  const row = typeof content === "string" ? statusByLink.get(linkIn(content)) : null;
  if (row) {
    this.setIcon(statusIcon(L, row.status));
    const label = config.statuses.find((s) => s.response_status === row.status)?.label || row.status;
    this.options.title = `${row.name}: ${label}`;
  }
  return bindPopup.call(this, content, options);
};

const table = document.querySelector(".table-wrapper") || document.querySelector("table.rows-and-columns");
if (table) {
  table.parentNode.insertBefore(legend("Map legend: the agency's response"), table);
}
