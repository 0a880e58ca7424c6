// Response-status markers and legend for the Leaflet maps. Shape, symbol and colour all carry the status
// (styles in site.css), so colour is never the only signal. window.clearviewMap comes from
// plugins/map_config.py: the tile layer and the response-status vocabulary, read from the database.

export const config = window.clearviewMap || { statuses: [] };

export async function loadLeaflet() {
  if (!window.L) {
    await import(window.datasette.leaflet.JAVASCRIPT_URL);
  }
  if (!document.querySelector("link[data-leaflet-css]")) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = window.datasette.leaflet.CSS_URL;
    css.dataset.leafletCss = "";
    document.head.appendChild(css);
  }
  return window.L;
}

function statusOf(status) {
  return config.statuses.find((s) => s.response_status === status) || config.statuses[config.statuses.length - 1];
}

// Shape, symbol and colour come from the response_statuses table (window.clearviewMap); the symbol is DOM text.
function statusClass(status) {
  const found = statusOf(status) || {};
  return `status-marker status-${found.response_status}${found.confirms_use === "yes" ? " confirms" : ""}`;
}

function statusFill(status) {
  const found = statusOf(status) || {};
  const fill = document.createElement("span");
  fill.className = "status-fill";
  fill.style.background = found.colour || "";
  fill.textContent = found.symbol || "?";
  return fill;
}

export function statusSwatch(status) {
  const swatch = document.createElement("span");
  swatch.className = statusClass(status);
  swatch.appendChild(statusFill(status));
  return swatch;
}

export function statusIcon(L, status) {
  return L.divIcon({
    className: statusClass(status),
    html: statusFill(status),
    iconSize: [26, 26],
    iconAnchor: [13, 13],
    popupAnchor: [0, -13],
  });
}

export function statusLabel(status) {
  const found = config.statuses.find((s) => s.response_status === status);
  return found ? found.label : status;
}

export function tileLayer(L) {
  return L.tileLayer(config.tileLayer, config.tileLayerOptions);
}

// A <ul> of every status with its marker, built with DOM calls (no HTML strings from data).
export function legend(title) {
  const section = document.createElement("section");
  section.className = "map-legend";
  section.setAttribute("aria-label", title);
  const heading = document.createElement("h2");
  heading.textContent = title;
  section.appendChild(heading);
  const list = document.createElement("ul");
  for (const status of config.statuses) {
    const item = document.createElement("li");
    const swatch = statusSwatch(status.response_status);
    swatch.setAttribute("aria-hidden", "true");
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(" " + status.label));
    list.appendChild(item);
  }
  section.appendChild(list);
  return section;
}

// Popups as DOM nodes with textContent: names are data, never HTML.
export function popupContent(name, status, link, searches, period) {
  const box = document.createElement("div");
  const title = document.createElement(link ? "a" : "strong");
  title.textContent = name;
  if (link) title.href = link;
  box.appendChild(title);
  const line = document.createElement("p");
  line.textContent = "Response: " + statusLabel(status);
  box.appendChild(line);
  if (searches) {
    const count = document.createElement("p");
    count.textContent = "Searches: " + searches;
    box.appendChild(count);
  }
  if (period) {
    const when = document.createElement("p");
    when.textContent = period;
    box.appendChild(when);
  }
  return box;
}
