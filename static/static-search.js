// Search in the browser, for the static site: a port of clearview/search.py over the index that
// clearview/search_index.py prebuilds (/search/index.json). Names are scored as the live site scores them;
// places are looked up with their results already worked out. On the live site the server has answered
// (data-answered on the results element) and this does nothing.

const results = document.getElementById("search-results");
const query = (new URLSearchParams(location.search).get("q") || "").slice(0, 200);


const SPACES = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

function cleanText(value) {
  return value.normalize("NFC").replace(/\ufeff/g, "").replace(CONTROL, "").replace(SPACES, " ").trim();
}

// clearview.normalise.fold: accents and case away.
export function fold(text) {
  const decomposed = cleanText(text).normalize("NFKD").replace(/\p{M}/gu, "");
  return cleanText(decomposed.toLowerCase().replace(/ß/g, "ss"));
}

function tokens(text) {
  return text.match(/[\p{L}\p{N}_']+/gu) || [];
}

// rapidfuzz's fuzz.ratio: 100 × (1 − Indel distance / total length), the Indel distance from the longest
// common subsequence.
function ratio(a, b) {
  if (!a.length && !b.length) return 100;
  let previous = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]);
    }
    previous = row;
  }
  return (200 * previous[b.length]) / (a.length + b.length);
}

function wordScore(typed, words) {
  let best = 0;
  for (const word of words) {
    if (typed.length >= 3 && word.startsWith(typed)) return 100;
    best = Math.max(best, ratio(typed, word));
  }
  return best;
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function matchNames(index, text) {
  const generic = new Set(index.constants.generic);
  const typed = tokens(text);
  const distinctive = typed.filter((w) => !generic.has(w));
  const onlyGeneric = distinctive.length === 0;
  const wanted = onlyGeneric ? typed : distinctive;
  const found = [];
  index.agencies.forEach((agency, position) => {
    if (agency.aliases.includes(text)) {
      found.push({ position, score: 101 });
      return;
    }
    const specific = agency.words.filter((w) => !generic.has(w));
    const candidates = onlyGeneric ? agency.words : specific.length ? specific : agency.words;
    const score = wanted.reduce((sum, w) => sum + wordScore(w, candidates), 0) / wanted.length;
    if (score >= index.constants.threshold) {
      const bonus = typed.filter((w) => generic.has(w)).reduce((sum, w) => sum + wordScore(w, agency.words), 0) / 1000;
      found.push({ position, score: Math.round((score + bonus) * 100) / 100 });
    }
  });
  return found.sort((a, b) => b.score - a.score || compare(index.agencies[a.position].name, index.agencies[b.position].name));
}

// clearview.gazetteer.name_keys: "St. Paul" is "Saint Paul"; "New York" is "New York City".
function nameKeys(name) {
  const key = fold(name);
  const saint = key.replace(/\b(st\.?|sankt) /g, "saint ");
  const keys = new Set([key, saint, saint.replace(/\bsaint /g, "st. ")]);
  for (const k of [...keys]) {
    keys.add(k + " city");
    keys.add(k.startsWith("city of ") ? k.slice(8) : k);
  }
  return [...keys];
}

// clearview.gazetteer.county_key
function countyKey(county) {
  let key = fold(county);
  for (const word of ["regional municipality of ", "county of ", "city of ", " county", " district", " parish", " region"]) {
    key = key.split(word).join("");
  }
  return key.trim();
}

function named(index, table, keys, qualifier) {
  const seen = new Set();
  let candidates = [];
  for (const key of keys) {
    for (const entry of index[table][key] || []) {
      if (!seen.has(entry)) candidates.push(entry);
      seen.add(entry);
    }
  }
  if (qualifier) candidates = candidates.filter((e) => index.regions[e.region].qualifiers.includes(qualifier));
  return candidates.sort((a, b) => b.population - a.population).slice(0, 3);
}

function findPlaces(index, text) {
  if (/^\d{5}$/.test(text)) return index.zips[text] ? [index.zips[text]] : [];
  const found = [...(index.countries[text] || []), ...(index.states[text] || [])];
  let town = text;
  let qualifier = "";
  const parts = text.split(/,\s*|\s+/);
  if (text.includes(",") || (parts.length > 1 && parts[parts.length - 1].length <= 3)) {
    const split = /,\s*|\s+(?=\S+$)/.exec(text);
    if (split) {
      town = text.slice(0, split.index);
      qualifier = text.slice(split.index + split[0].length);
    }
  }
  const towns = named(index, "towns", nameKeys(town), qualifier);
  const countyWords = new RegExp(index.constants.county_words);
  if (countyWords.test(town) || !towns.length) found.push(...named(index, "counties", [countyKey(town)], qualifier));
  // As clearview.search.find_places: one place per label, the first (the larger) kept.
  const seen = new Set();
  return found.concat(towns).filter((place) => !seen.has(place.label) && seen.add(place.label));
}

function placeResult(index, place) {
  const here = new Set(place.here);
  const covers = place.region === undefined ? [] : index.regions[place.region].covers.filter((i) => !here.has(i));
  return { place, here: place.here, nearby: place.nearby, covers };
}

const trim = (text) => text.replace(/^[ ,.]+|[ ,.]+$/g, "");

// clearview.search.corrected_town: the nearest big town's name, the larger of two as near (they come largest first).
function correctedTown(index, text) {
  let best = "";
  let bestScore = -1;
  for (const key of index.big_towns) {
    const score = ratio(text, key);
    if (score > bestScore) [best, bestScore] = [key, score];
  }
  return bestScore >= index.constants.threshold ? best : "";
}

// clearview.search.understand, with the patterns the index carries.
function understand(index, text) {
  const c = index.constants;
  const asked = trim(text.replace(new RegExp(c.filler), "").replace(new RegExp(c.trailing), ""));
  const expanded = asked.split(" ").map((word) => c.abbreviations[word] ?? word).join(" ");
  const place = trim(asked.replace(new RegExp(c.agency_words), ""));
  return [expanded, place || expanded];
}

export function search(index, query) {
  const [nameText, placeText] = understand(index, trim(fold(query)));
  if (!nameText) return { query, names: [], places: [] };
  let names = matchNames(index, nameText);
  let places = findPlaces(index, placeText).map((place) => placeResult(index, place));
  if (!names.length && !places.length) {
    const corrected = correctedTown(index, placeText);
    if (corrected) places = findPlaces(index, corrected).map((place) => placeResult(index, place));
  }
  // As clearview.search.search: a place the words name exactly beats names that only look alike.
  if (places.length && names.every((found) => found.score < index.constants.exact)) names = [];
  const lists = (r) => r.here.length || r.nearby.length || r.covers.length;
  if (names.length || places.some(lists)) places = places.filter(lists);
  return { query, index, names, places };
}

// The page, as templates/search.html lays it out for the live site.
function show({ query, index, names, places }) {
  const element = (tag, text, attributes = {}) => {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.assign(node, attributes);
    return node;
  };
  const list = (positions) => {
    const ol = element("ol", "", { className: "agency-list" });
    for (const item of positions) {
      const [position, km] = Array.isArray(item) ? item : [item, null];
      // The card was rendered and escaped by _agency_card.html when the index was built.
      const card = document.createElement("template");
      card.innerHTML = index.agencies[position].card;
      if (km !== null) {
        card.content.querySelector(".agency-name").after(element("span", `${km.toFixed(1)} km away`, { className: "distance" }));
      }
      ol.appendChild(card.content);
    }
    return ol;
  };
  const empty = !names.length && !places.some((r) => r.here.length || r.nearby.length || r.covers.length);
  if (empty) {
    const section = element("section", "", { className: "no-results" });
    section.setAttribute("aria-live", "polite");
    section.append(element("h1", `Nothing listed for “${query}”`), ...results.querySelector("template.not-listed").content.cloneNode(true).childNodes);
    results.replaceChildren(section);
    return;
  }
  // The answer first, as templates/search.html's place_answer writes it.
  const plural = (n, one, many) => `${n} listed ${n === 1 ? one : many}`;
  const placeAnswer = (r) =>
    (r.here.length ? `${plural(r.here.length, "agency is", "agencies are")} in ${r.place.label}.` : `No agency in ${r.place.label} is listed.`) +
    (r.nearby.length ? ` ${plural(r.nearby.length, "agency is", "agencies are")} within ${index.constants.nearby_km} km.` : "");
  const answer = [names.length ? `${plural(names.length, "agency matches", "agencies match")} the name.` : "", places.length ? placeAnswer(places[0]) : ""];
  const parts = [element("h1", `Results for “${query}”`), element("p", answer.filter(Boolean).join(" "), { className: "answer" })];
  if (names.length) {
    const section = element("section");
    section.append(element("h2", "Agencies whose name matches"), list(names.slice(0, 50).map((f) => f.position)));
    if (names.length > 50) section.append(element("p", `${names.length - 50} more: narrow the search.`));
    parts.push(section);
  }
  // As templates/search.html: the best match in full, other towns and counties on one "Did you mean" line.
  const others = [];
  places.forEach((result, position) => {
    if (position && !["country", "state"].includes(result.place.kind)) {
      if (result.here.length || result.nearby.length) others.push(result);
      return;
    }
    const section = element("section", "", { className: "place-result" });
    section.append(element("h2", result.place.label));
    if (position) section.append(element("p", placeAnswer(result), { className: "answer" }));
    const town = ["city", "zip"].includes(result.place.kind);
    if (result.here.length) section.append(element("h3", `Listed agencies ${town ? "in this town" : "here"}`), list(result.here));
    if (result.nearby.length) section.append(element("h3", `Listed agencies within ${index.constants.nearby_km} km`), list(result.nearby));
    if (result.covers.length) {
      const n = result.covers.length;
      const details = element("details", "", { className: "covers" });
      details.append(element("summary", `${n} state, provincial or national ${n === 1 ? "agency covers" : "agencies cover"} ${result.place.label}`), list(result.covers));
      section.append(details);
    }
    if (!result.here.length && !result.nearby.length) {
      section.append(element("p", "That does not mean no local agency used Clearview: only agencies named in public reporting are here.", { className: "not-listed" }));
    }
    parts.push(section);
  });
  if (others.length) {
    const line = element("p", "Did you mean ", { className: "did-you-mean" });
    others.forEach((result, position) => {
      const link = element("a", result.place.label);
      link.href = `${location.pathname}?q=${encodeURIComponent(result.place.query)}`;
      line.append(...(position ? ["; ", link] : [link]));
    });
    line.append("?");
    parts.push(line);
  }
  results.replaceChildren(...parts);
}

// Last, once every constant above is defined.
if (results && !results.dataset.answered && query.trim()) {
  document.querySelectorAll('input[name="q"]').forEach((input) => (input.value = query));
  document.title = `“${query}”: ${document.title}`;
  const response = await fetch(results.dataset.index);
  show(search(await response.json(), query));
}
