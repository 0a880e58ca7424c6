// On the agency_map table page: datasette-cluster-map draws default markers and has no option for icons,
// so each marker gets its response-status icon when the plugin binds its popup, read from the popup's
// "Response: <label>" line (the view's popup column).
import { config, legend, loadLeaflet, statusIcon } from "./status-markers.js";

const escapeHTML = (s) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#039;");
const unescapeHTML = (s) => new DOMParser().parseFromString(s, "text/html").documentElement.textContent;

// Longest label first, so "Confirmed use" never matches inside a longer label.
const byLabel = [...config.statuses]
  .sort((a, b) => b.label.length - a.label.length)
  .map((s) => ({ ...s, needle: "Response: " + escapeHTML(s.label) }));

function statusFromPopup(content) {
  const found = byLabel.find((s) => content.includes(s.needle));
  return found ? found.response_status : null;
}

const L = await loadLeaflet();
const bindPopup = L.Marker.prototype.bindPopup;
L.Marker.prototype.bindPopup = function (content, options) {
  if (typeof content === "string") {
    const status = statusFromPopup(content);
    if (status) {
      this.setIcon(statusIcon(L, status));
      const title = content.match(/<strong>(.*?)<\/strong>/);
      const label = config.statuses.find((s) => s.response_status === status).label;
      this.options.title = (title ? unescapeHTML(title[1]) + ": " : "") + label;
    }
  }
  return bindPopup.call(this, content, options);
};

const table = document.querySelector(".table-wrapper") || document.querySelector("table.rows-and-columns");
if (table) {
  table.parentNode.insertBefore(legend("Map legend: the agency's response"), table);
}
