// Search in the browser, for the static site: a port of clearview/search.py over the index parts that
// clearview/search_index.py writes under /search/. Nothing is answered in advance: the rules below run over compact
// parts fetched as a query needs them (a names vocabulary first; then word postings, place names and agency chunks).
// On the live site the server has answered (data-answered on the results element) and this does nothing.

const results = document.getElementById("search-results");
// Sentences and a link templates/search.html writes for the live page, kept for the static one (the results replace them).
const templates = results && {
  notListed: results.querySelector("template.not-listed"),
  noneLocal: results.querySelector("template.none-local"),
  browseLink: results.querySelector("template.browse-link"),
  askAgency: results.querySelector("template.ask-agency"),
};
const params = new URLSearchParams(location.search);
const query = (params.get("q") || "").slice(0, 200);
const inSaid = params.get("in") === "said"; // only what agencies said and sources say


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
    if (word === null) continue; // scores 0 against what was typed (see matchNames)
    if (typed.length >= 3 && word.startsWith(typed)) return 100;
    best = Math.max(best, ratio(typed, word));
  }
  return best;
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// clearview.search_index.shard_of: FNV-1a of the key's UTF-8 bytes.
function shardOf(key, shards) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h % shards;
}

// The index's parts, each fetched once. A record's position p is its place in the chunks' order; "o" is its place in
// the live site's index order, by which lists are ordered.
// clearview.search_index.front_coded: each line the count of letters shared with the word before, then the rest.
function frontDecoded(text) {
  let previous = "";
  return (text ? text.split("\n") : []).map((line) => (previous = previous.slice(0, line.charCodeAt(0) - 48) + line.slice(1)));
}

export class Store {
  constructor(indexUrl) {
    this.base = new URL(".", new URL(indexUrl, location.href)).href;
    this.parts = new Map();
  }

  part(name) {
    if (!this.parts.has(name)) {
      const url = `${this.base}${name}.json`;
      this.parts.set(name, fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
        return response.json();
      }));
    }
    return this.parts.get(name);
  }

  index() {
    return this.part("index");
  }

  async chunk(n) {
    const [index, records] = await Promise.all([this.index(), this.part(`agencies/${n}`)]);
    records.forEach((record, i) => (record.p = index.chunks[n][0] + i));
    return records;
  }

  async chunks(numbers) {
    return (await Promise.all([...new Set(numbers)].map((n) => this.chunk(n)))).flat();
  }

  // The records at these positions, in the order given.
  async records(positions) {
    const chunks = (await this.index()).chunks;
    const chunkOf = (p) => {
      let [low, high] = [0, chunks.length - 1];
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (chunks[middle][0] <= p) low = middle;
        else high = middle - 1;
      }
      return low;
    };
    const loaded = await this.chunks(positions.map(chunkOf));
    const byPosition = new Map(loaded.map((record) => [record.p, record]));
    return positions.map((p) => byPosition.get(p));
  }

  // The result cards (HTML rendered and escaped by _agency_card.html) of these records, in their order: those a
  // screen brought, else from the cards' parts.
  async cards(records) {
    const size = (await this.index()).shards.cards;
    const known = this.known || new Map();
    const parts = await Promise.all(records.map((record) => known.has(record.p) || this.part(`cards/${Math.floor(record.p / size)}`)));
    return records.map((record, i) => known.get(record.p) ?? parts[i][record.p % size]);
  }

  // A state's or country's first screen (clearview.search_index.browser_index): the first agencies by name with
  // their cards, how many there are (here.total) and every position among them (here.all).
  async screen(n) {
    const { count, where, first, cards } = await this.part(`screens/${n}`);
    this.known = this.known || new Map();
    first.forEach((record, i) => this.known.set(record.p, cards[i]));
    return screenList([...first], count, where);
  }

  // A town, county or ZIP code whose answer is longer than a screen (clearview.search_index.Lists): its here list and
  // its neighbours (nearest first) as their first screen's positions, in order, with the count and where all are. No
  // record is fetched: a card needs only its position, and a place the page names on its "Did you mean" line shows
  // none.
  async lists(n) {
    const { count, first, where, nearby, nearest, near } = await this.part(`lists/${n}`);
    const shown = [];
    for (let i = 0; i < nearest.length; i += 2) shown.push({ agency: { p: nearest[i] }, km: nearest[i + 1] });
    return { here: screenList(first.map((p) => ({ p })), count, where), nearby: screenList(shown, nearby, near) };
  }

  // clearview.search_index.front_coded, read back once.
  vocabulary(index) {
    if (!this.words) this.words = frontDecoded(index.vocabulary);
    return this.words;
  }

  async sharded(kind, key) {
    const index = await this.index();
    return (await this.part(`${kind}/${shardOf(key, index.shards[kind])}`))[key];
  }
}

async function matchNames(store, index, text) {
  const c = index.constants;
  const generic = new Set(c.generic);
  const typed = tokens(text);
  const distinctive = typed.filter((w) => !generic.has(w));
  const onlyGeneric = distinctive.length === 0;
  const wanted = onlyGeneric ? typed : distinctive;
  // A word without a letter ("12") can only match a typed word with something other than letters in it.
  const digits = !/\p{L}/u.test(text) || wanted.some((t) => /[^\p{L}]/u.test(t)) ? await store.part("vocabulary-digits") : [];
  const vocabulary = [...store.vocabulary(index), ...digits];
  // clearview.search.AgencyIndex.shortlist: an exact alias, a prefix, or a word as near as the threshold.
  const words = vocabulary.filter((word) => word === text || wanted.some((t) => (t.length >= 3 && word.startsWith(t)) || ratio(t, word) >= c.threshold));
  // A long list has a part of its own, which the shard names by number.
  const postings = await Promise.all(
    words.map(async (word) => {
      const found = await store.sharded("words", word);
      return typeof found === "number" ? store.part(`postings/${found}`) : found;
    }),
  );
  // Each posting is [position, its words, its aliases] (vocabulary numbers): scored here, fetched only if it matches.
  // A number beyond what is loaded is a word without a letter, which no typed word without one can match.
  const shortlist = new Map(postings.flat().map((entry) => [entry[0], entry]));
  const scored = [];
  const stop = new Set(c.stop);
  const required = onlyGeneric ? [] : typed.filter((w) => generic.has(w) && !stop.has(w));
  for (const [p, rank, numbers, aliases = []] of shortlist.values()) {
    const agencyWords = numbers.map((n) => vocabulary[n] ?? null); // null: a word without a letter, not loaded
    // As match_names: an alias matches whole, a typo forgiven; the nearest alias, the later in order if as near.
    let alias = "";
    let aliasScore = -1;
    for (const a of aliases.map((n) => vocabulary[n]).filter((a) => a !== undefined)) {
      const s = ratio(text, a);
      if (s > aliasScore || (s === aliasScore && a > alias)) [alias, aliasScore] = [a, s];
    }
    if (alias && (text === alias || aliasScore >= c.alias_threshold)) {
      scored.push({ p, rank, score: text === alias ? 101 : Math.round(aliasScore * 100) / 100, alias });
      continue;
    }
    const specific = agencyWords.filter((w) => w === null || !generic.has(w));
    const candidates = onlyGeneric ? agencyWords : specific.length ? specific : agencyWords;
    const score = wanted.reduce((sum, w) => sum + wordScore(w, candidates), 0) / wanted.length;
    if (score >= c.threshold && required.every((w) => wordScore(w, agencyWords) >= c.threshold)) {
      const bonus = typed.filter((w) => generic.has(w)).reduce((sum, w) => sum + wordScore(w, agencyWords), 0) / 1000;
      scored.push({ p, rank, score: Math.round((score + bonus) * 100) / 100 });
    }
  }
  // Found: {p, rank, score}, ordered as match_names orders them (rank: by name, then index order); the page fetches
  // the agencies it shows (store.records).
  return scored.sort((a, b) => b.score - a.score || a.rank - b.rank);
}

// clearview.gazetteer.name_keys: "St. Paul" is "Saint Paul"; "New York" is "New York City".
function nameKeys(name) {
  const key = fold(name);
  const saint = key.replace(/\b(st\.?|sankt) /g, "saint ");
  const keys = new Set([saint, saint.replace(/\bsaint /g, "st. "), ...hyphenVariants(key)]);
  for (const k of [...keys]) {
    keys.add(k + " city");
    keys.add(k.startsWith("city of ") ? k.slice(8) : k);
  }
  return [...keys];
}

// clearview.gazetteer.hyphen_variants: "winston salem" is also "winston-salem", and the other way.
function hyphenVariants(key) {
  const words = key.replace(/-/g, " ").split(" ");
  if (words.length < 2 || words.length > 4) return [key];
  let variants = [words[0]];
  for (const word of words.slice(1)) variants = variants.flatMap((v) => [`${v} ${word}`, `${v}-${word}`]);
  return variants;
}

// clearview.gazetteer.county_key
function countyKey(county) {
  let key = fold(county).replace(/-/g, " ");
  for (const word of ["regional municipality of ", "county of ", "city of ", " county", " district", " parish", " region"]) {
    key = key.split(word).join("");
  }
  return key.trim();
}

const stateOf = (regionKey) => regionKey.slice(regionKey.indexOf("|") + 1);

// clearview.search.region_qualifiers: what may follow a town's name. codes: its state's ISO codes, "|" between.
function qualifiers(index, country, state, codes) {
  const aliases = index.constants.country_aliases[country] || [];
  return [fold(state), fold(country), fold(index.country_names[country] || country), ...codes.split("|").filter(Boolean), ...aliases];
}

// clearview.search.qualified: the words are one or more of what may place a town, in any order.
function qualified(rest, allowed) {
  if (!rest.length) return true;
  for (let i = 1; i <= rest.length; i++) {
    if (allowed.includes(rest.slice(0, i).join(" ")) && qualified(rest.slice(i), allowed)) return true;
  }
  return false;
}

// clearview.search.readings: a town and the words that place it, in the order tried.
function readings(text) {
  if (text.includes(",")) {
    const at = text.indexOf(",");
    return [[text.slice(0, at).trim(), text.slice(at + 1).split(/[,\s]+/).filter(Boolean)]];
  }
  const words = text.split(" ");
  const found = [[text, []]];
  for (let i = words.length - 1; i > 0; i--) found.push([words.slice(0, i).join(" "), words.slice(i)]);
  for (let i = 1; i < words.length; i++) found.push([words.slice(i).join(" "), words.slice(0, i)]);
  return found;
}

// clearview.search.towns_named: the most populous first, ties by name, state and position.
async function townsNamed(store, index, town, rest) {
  const candidates = [];
  const keys = nameKeys(town);
  const entries = await Promise.all(keys.map((key) => store.sharded("places", key)));
  for (const [i, key] of keys.entries()) {
    for (const [name, country, state, codes, population, lat, lon, named, lists] of entries[i]?.towns || []) {
      if (rest.length && !qualified(rest, qualifiers(index, country, state, codes))) continue;
      const countryName = index.country_names[country] || country;
      const capital = index.capitals[country];
      candidates.push({
        label: [name, state, countryName].filter(Boolean).join(", "),
        kind: "city",
        query: `${name}, ${state || countryName}`,
        country,
        regionKey: `${country}|${fold(state)}`,
        lat,
        lon,
        named: named || [],
        lists,
        capital: Boolean(capital) && capital[0] === lat && capital[1] === lon,
        sort: [-population, key, country, state, lat, lon],
      });
    }
  }
  const order = (a, b) => a.sort.reduce((result, value, i) => result || compare(value, b.sort[i]), 0);
  return candidates.sort(order).slice(0, 3);
}

// clearview.search.counties_named: qualified as their first town, placed at their largest.
async function countiesNamed(store, index, name, rest) {
  const counties = (await store.sharded("places", countyKey(name)))?.counties || [];
  return counties
    .filter(([, , first]) => !rest.length || qualified(rest, qualifiers(index, ...first)))
    .sort((a, b) => b[4] - a[4])
    .slice(0, 3)
    .map(([label, query, [country], state, , lat, lon, named, lists]) => ({ label, kind: "county", query, country, regionKey: `${country}|${fold(state)}`, lat, lon, named, lists }));
}

// clearview.search.find_places
async function findPlaces(store, index, text) {
  if (/^\d{5}$/.test(text)) {
    const zip = (await store.sharded("places", text))?.zip;
    if (!zip) return [];
    const [city, code, state, lat, lon, named, lists] = zip;
    return [{ label: `${city}, ${code} ${text}`, kind: "zip", query: text, country: "US", regionKey: `US|${fold(state)}`, lat, lon, named: named || [], lists }];
  }
  const entry = (await store.sharded("places", text)) || {};
  const found = [
    ...(entry.countries || []).map(([label, country]) => ({ label, kind: "country", query: "", country })),
    ...(entry.states || []).map(([name, countryName, country, regionKey]) => ({ label: `${name}, ${countryName}`, kind: "state", query: "", country, regionKey })),
  ];
  // As find_places: the first reading that names a town or county wins.
  const countyWords = new RegExp(index.constants.county_words);
  let [towns, counties] = [[], []];
  for (const [town, rest] of readings(text)) {
    towns = await townsNamed(store, index, town, rest);
    counties = countyWords.test(town) || !towns.length ? await countiesNamed(store, index, town, rest) : [];
    if (towns.length || counties.length) break;
  }
  // As clearview.search.find_places: one place per label, the first (the larger) kept.
  const seen = new Set();
  return found.concat(counties, towns).filter((place) => !seen.has(place.label) && seen.add(place.label));
}

// A list of which only the first records are at hand: how many it holds (total) and where they all are (all), from
// runs of positions ([first, length, ...]).
function screenList(first, count, where) {
  first.total = count;
  first.all = new Set();
  for (let i = 0; i < where.length; i += 2) for (let p = where[i]; p < where[i] + where[i + 1]; p++) first.all.add(p);
  return first;
}

// clearview.search.distance_km
function distanceKm(lat1, lon1, lat2, lon2) {
  const radians = (degrees) => (degrees * Math.PI) / 180;
  const [phi1, phi2] = [radians(lat1), radians(lat2)];
  const [dphi, dlambda] = [phi2 - phi1, radians(lon2 - lon1)];
  const a = Math.sin(dphi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dlambda / 2) ** 2;
  return 2 * 6371.0 * Math.asin(Math.sqrt(Math.min(1.0, a)));
}

// Where every agency within NEARBY_KM of a point can be (the chunks whose box meets the box around the point): a
// superset, as clearview.search.Neighbours.near gives the live site.
function nearChunks(index, lat, lon) {
  const radius = index.constants.nearby_km / 6371.0; // the angular distance, in radians
  const degrees = (radians) => (radians * 180) / Math.PI;
  const dlat = degrees(radius) * 1.01 + 0.001;
  const cosine = Math.cos((lat * Math.PI) / 180);
  const dlon = Math.abs(lat) + dlat >= 90 || Math.sin(radius) >= cosine ? 360 : degrees(Math.asin(Math.sin(radius) / cosine)) * 1.01 + 0.001;
  const meets = ([, south, west, north, east]) =>
    south <= lat + dlat && north >= lat - dlat && [-360, 0, 360].some((shift) => west + shift <= lon + dlon && east + shift >= lon - dlon);
  const near = [];
  index.chunks.forEach((chunk, n) => chunk.length > 1 && meets(chunk) && near.push(n));
  return near;
}

// clearview.search.place_result. here and nearby come as records; covers, folded away on the page, as positions
// (store.records fetches them when a reader opens the list).
async function placeResult(store, index, place) {
  const byOrder = (a, b) => a.o - b.o;
  const sameCountry = (agency) => agency.country === place.country;
  // A country or a state lists every agency in it: only its first screen is fetched (Store.screen).
  if (place.kind === "country") {
    const here = place.country in index.countries ? await store.screen(index.countries[place.country]) : [];
    return { place, here, nearby: [], covers: [], seat: [] };
  }
  const state = stateOf(place.regionKey);
  const sameState = (agency) => !agency.state || agency.state === state;
  let here;
  const long = place.lists !== undefined ? await store.lists(place.lists) : undefined; // more than a screen's worth
  if (place.kind === "state") {
    const region = index.regions[place.regionKey];
    here = region?.screen !== undefined ? await store.screen(region.screen) : [];
  } else if (long) {
    here = long.here;
  } else {
    here = (await store.records(place.named)).filter((a) => sameCountry(a) && sameState(a));
  }
  if (!long) here.sort(byOrder); // a long list comes in order
  const isHere = here.all || new Set(here.map((a) => a.p));
  let covers = [];
  for (const key of new Set([place.regionKey, `${place.country}|`])) {
    const [first, orders] = index.regions[key]?.wide || [0, []];
    orders.forEach((o, i) => isHere.has(first + i) || covers.push({ p: first + i, o }));
  }
  covers.sort(byOrder);
  // As place_result: at a capital, the national agencies (no state) are listed, not folded away.
  let seat = [];
  const seated = new Set();
  if (place.capital) {
    const [first, orders] = index.regions[`${place.country}|`]?.wide || [0, []];
    orders.forEach((o, i) => isHere.has(first + i) || seated.add(first + i));
    seat = await store.records(covers.filter((c) => seated.has(c.p)).map((c) => c.p));
    covers = covers.filter((c) => !seated.has(c.p));
  }
  const nearby = long?.nearby || [];
  if (place.lat !== undefined && !long) {
    const covering = (a) => sameCountry(a) && a.wide && sameState(a);
    const wide = index.wide_local.filter(([, lat, lon]) => distanceKm(place.lat, place.lon, lat, lon) <= index.constants.nearby_km + 1);
    const candidates = [...(await store.chunks(nearChunks(index, place.lat, place.lon))), ...(await store.records(wide.map(([p]) => p)))];
    for (const agency of new Map(candidates.map((a) => [a.p, a])).values()) {
      if (!agency.local || isHere.has(agency.p) || covering(agency) || seated.has(agency.p)) continue;
      const km = distanceKm(place.lat, place.lon, agency.lat, agency.lon);
      if (km <= index.constants.nearby_km) nearby.push({ agency, km: Number(km.toFixed(1)) });
    }
    nearby.sort((a, b) => a.km - b.km || a.agency.o - b.agency.o);
  }
  return { place, here, nearby, covers: covers.map((c) => c.p), seat };
}

const trim = (text) => text.replace(/^[ ,.]+|[ ,.]+$/g, "");

// clearview.search.corrected_town: the nearest big town's name, the larger of two as near (they come largest first).
async function correctedTown(store, index, text) {
  let best = "";
  let bestScore = -1;
  for (const key of await store.part("big-towns")) {
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
  let place = trim(asked.replace(new RegExp(c.agency_words), ""));
  place = trim(place.replace(new RegExp(c.postal), "")) || place; // "Tampa FL 33602"
  place = c.nicknames[place] ?? place; // "nyc", "dc": from a table with its sources
  return [expanded, place || expanded];
}

// clearview.search.search
export async function search(store, query) {
  const index = await store.index();
  const [nameText, placeText] = understand(index, trim(fold(query)));
  if (!nameText) return { query, store, index, names: [], places: [], also: new Map() };
  const answer = async (text) => Promise.all((await findPlaces(store, index, text)).map((place) => placeResult(store, index, place)));
  let [names, places] = await Promise.all([matchNames(store, index, nameText), answer(placeText)]);
  if (!places.length && names.every((found) => found.score < index.constants.exact)) {
    for (const [town, rest] of readings(placeText)) {
      const corrected = await correctedTown(store, index, town);
      if (corrected) places = await answer([corrected, ...rest].join(", "));
      if (places.length) break;
    }
  }
  // As clearview.search.search: a place the words name exactly beats names that only look alike.
  if (places.length && names.every((found) => found.score < index.constants.exact)) names = [];
  const lists = (r) => r.here.length || r.nearby.length || r.covers.length || r.seat.length;
  if (names.length || places.some(lists)) places = places.filter(lists);
  // clearview.search.shown_once: no agency twice on a page.
  const placed = new Set(places.flatMap((r) => [...(r.here.all || r.here.map((a) => a.p)), ...(r.nearby.all || r.nearby.map((n) => n.agency.p)), ...r.seat.map((a) => a.p)]));
  // One card with all its reasons: [wording key, place] by position.
  const also = new Map();
  const add = (p, reason) => also.set(p, [...(also.get(p) || []), reason]);
  for (const found of names) if (placed.has(found.p)) add(found.p, ["also_name", ""]);
  names = names.filter((found) => !placed.has(found.p));
  const named = new Set(names.map((found) => found.p));
  for (const r of places) {
    for (const p of r.covers) if (named.has(p)) add(p, ["also_covers", r.place.label]);
    r.covers = r.covers.filter((p) => !named.has(p));
  }
  return { query, store, index, names, places, also };
}

// clearview.said: the typed words folded (a word as FTS5 reads one), and the sentences that hold them as a phrase.
const WORD = /[\p{L}\p{N}]+/gu;

// clearview.said.folded_words: [start, end, folded word]; a word may fold to none ('ͺ') or to several ('½').
function foldedWords(text) {
  return [...text.matchAll(WORD)].flatMap((m) => (fold(m[0]).match(WORD) || []).map((word) => [m.index, m.index + m[0].length, word]));
}

function saidWords(text) {
  return foldedWords(text).map(([, , word]) => word);
}

// clearview.said.marked: the sentence in pieces [text, marked], every run of its words that spells the phrase marked.
export function marked(index, sentence, wanted) {
  if (!wanted.length) return [];
  const spans = foldedWords(sentence);
  const found = [];
  // clearview.said.spells: the same word, or for the last word typed its start.
  const prefix = index.constants.said.prefix_letters;
  const spells = (word, typed, last) => word === typed || (last && typed.length >= prefix && word.startsWith(typed));
  for (let i = 0; i + wanted.length <= spans.length; i++) {
    if (wanted.every((word, j) => spells(spans[i + j][2], word, j === wanted.length - 1))) found.push([spans[i][0], spans[i + wanted.length - 1][1]]);
  }
  if (!found.length) return [];
  const pieces = [];
  let at = 0;
  for (const [start, end] of found) {
    if (start < at) continue;
    if (start > at) pieces.push([sentence.slice(at, start), false]);
    pieces.push([sentence.slice(start, end), true]);
    at = end;
  }
  if (at < sentence.length) pieces.push([sentence.slice(at), false]);
  // clearview.said.trimmed: the words before the first mark and after the last cut to CONTEXT_WORDS.
  const keep = index.constants.said.context_words + 1;
  const first = pieces[0][0].split(" ");
  if (!pieces[0][1] && first.length > keep) pieces[0] = [`… ${first.slice(-keep).join(" ")}`, false];
  const last = pieces[pieces.length - 1][0].split(" ");
  if (!pieces[pieces.length - 1][1] && pieces.length > 1 && last.length > keep) pieces[pieces.length - 1] = [`${last.slice(0, keep).join(" ")} …`, false];
  return pieces;
}

// clearview.said.found_in over the index's said parts: each agency once (in index order "o", by name, as the live
// site orders them), its first sentences with the phrase; then the source titles that hold it.
export async function searchSaid(store, query) {
  const index = await store.index();
  const c = index.constants.said;
  const wanted = saidWords(query).slice(0, c.max_words);
  if (!wanted.length) return { found: [], titles: [] };
  const posting = async (word) => (await store.sharded("said-words", word)) || [];
  // The last word also stands for the words it starts (clearview.said.spells): their sentences, together.
  const last = wanted[wanted.length - 1];
  const starting = async () => {
    if (last.length < c.prefix_letters) return posting(last);
    const words = frontDecoded((await store.part("said-vocabulary")).words).filter((word) => word.startsWith(last));
    return [...new Set((await Promise.all(words.map(posting))).flat())].sort((a, b) => a - b);
  };
  const lists = await Promise.all([...new Set(wanted.slice(0, -1))].filter((word) => word !== last).map(posting).concat([starting()]));
  const [first, ...rest] = lists.sort((a, b) => a.length - b.length);
  const others = rest.map((list) => new Set(list));
  const numbers = first.filter((n) => others.every((set) => set.has(n)));
  const size = index.shards.said;
  const [parts, sources] = await Promise.all([Promise.all(numbers.map((n) => store.part(`said/${Math.floor(n / size)}`))), store.part("said-sources")]);
  const byAgency = new Map();
  const titles = [];
  numbers.forEach((n, i) => {
    const [p, fact, sentence, sourceId] = parts[i][n % size];
    const pieces = marked(index, sentence, wanted);
    if (!pieces.length) return;
    const said = { fact, pieces, source: sources[sourceId] };
    if (p === null) return titles.push(said);
    const one = byAgency.get(p) || byAgency.set(p, { said: [], more: 0 }).get(p);
    if (one.said.length < c.per_agency) one.said.push(said);
    else one.more += 1;
  });
  const records = await store.records([...byAgency.keys()]);
  const found = records.map((agency) => ({ agency, ...byAgency.get(agency.p) })).sort((a, b) => a.agency.o - b.agency.o);
  return { found, titles };
}

// The page, as templates/search.html lays it out for the live site.
const element = (tag, text, attributes = {}) => {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  Object.assign(node, attributes);
  return node;
};

// Agencies as cards, from the card HTML that _agency_card.html rendered and escaped when the index was built.
function list(index, found, cards, also = new Map()) {
  const items = found.map(({ agency, km, alias, said, more }) => {
    const card = document.createElement("template");
    card.innerHTML = cards.get(agency.p);
    if (alias) {
      // As _agency_card.html: the alias as written (the record keeps each, folded ones alongside).
      const written = (agency.written || []).find((a) => fold(a) === alias) || alias;
      card.content.querySelector(".certainty").after(element("span", `Matches its other name “${written}”`, { className: "why" }));
    }
    // As _agency_card.html: its other reasons to be here, after the alias.
    let anchor = card.content.querySelector(".why") || card.content.querySelector(".certainty");
    for (const [key, place] of also.get(agency.p) || []) {
      const why = element("span", sayer(index)(key, undefined, { place }), { className: "why" });
      anchor.after(why);
      anchor = why;
    }
    if (km !== undefined) {
      card.content.querySelector(".agency-name").after(element("span", `${km.toFixed(1)} km away`, { className: "distance" }));
    }
    const li = card.content.firstElementChild;
    if (said && said.length) {
      li.append(saidList(index, said));
      if (more) li.append(element("span", sayer(index)("said_more", more), { className: "said-more" }));
    }
    return li;
  });
  const groups = grouped(index, items, found.some((one) => one.said && one.said.length));
  const ol = (members) => {
    const node = element("ol", "", { className: "agency-list" });
    node.append(...members);
    return node;
  };
  if (!groups.length) return ol(items);
  // As clearview.search.grouped and templates/search.html: each group folded, with its count.
  const div = element("div", "", { className: "groups" });
  for (const [label, members] of groups) {
    const details = element("details", "", { className: "group" });
    details.append(element("summary", sayer(index)("group", members.length, { place: label || sayer(index)("no_region") })), ol(members));
    div.append(details);
  }
  return div;
}

// clearview.search.grouped: a long list by the first of country, state, town or kind (the card's data-region) that
// tells its agencies apart, the largest group first; else by the name's first letter.
function grouped(index, items, said) {
  if (items.length <= (said ? index.constants.said_group_after : index.constants.group_after)) return [];
  for (let level = 0; level < 4; level++) {
    const groups = new Map();
    for (const item of items) {
      const label = item.dataset.region.split("|")[level];
      groups.set(label, [...(groups.get(label) || []), item]);
    }
    if (groups.size > 1) return [...groups].sort((a, b) => b[1].length - a[1].length || (a[0] === "") - (b[0] === "") || compare(a[0], b[0]));
  }
  const initials = new Map();
  for (const item of items) {
    const initial = fold(item.querySelector(".agency-name").textContent).slice(0, 1).toUpperCase();
    initials.set(initial, [...(initials.get(initial) || []), item]);
  }
  return initials.size > 1 ? [...initials].sort((a, b) => compare(a[0], b[0])) : [];
}

// As _agency_card.html's said_list: each sentence with the phrase marked, and its source (_shown.html's source).
function saidList(index, said) {
  const ul = element("ul", "", { className: "said" });
  for (const { fact, pieces, source } of said) {
    const q = element("q");
    if (source.language) q.lang = source.language; // as _agency_card.html: the source's words in their language
    for (const [text, mark] of pieces) q.append(mark ? element("mark", text) : text);
    const cited = element("span", "", { className: "said-source" });
    if (source.url) {
      cited.append(element("a", source.title || source.publisher, { href: source.url, rel: "nofollow noopener" }));
      if (source.title) cited.append(` · ${source.publisher || "publisher unknown"}`);
    } else {
      cited.append(`${source.title || "An archived article"} · ${source.publisher || "archived copy kept by the project"}`);
    }
    cited.append(` · ${source.published || "undated"}`);
    const li = element("li");
    li.append(element("span", `${index.constants.said.facts[fact]}:`, { className: "fact" }), " ", q, " ", cited);
    ul.append(li);
  }
  return ul;
}

async function cardsOf(store, agencies) {
  const cards = await store.cards(agencies);
  return new Map(agencies.map((agency, i) => [agency.p, cards[i]]));
}

// As templates/search.html: the best match and any country or state in full, other places on one line.
const inFull = (result, position) => !position || ["country", "state"].includes(result.place.kind);

const listed = (r) => r.here.length || r.nearby.length || r.covers.length || r.seat.length;

// How many a list holds: a long list is its first screen, with its count (Store.screen, Store.lists).
const total = (list) => list.total ?? list.length;

// clearview/wording.py's say: the sentence of that key, one or many by n, filled in (as text, never as HTML).
function sayer(index) {
  const km = index.constants.nearby_km;
  return (key, n, values = {}) => {
    const words = index.constants.words[key];
    const form = Array.isArray(words) ? words[n === 1 ? 0 : 1] : words;
    return form.replace(/\{(\w+)\}/g, (_, name) => String({ n, km, ...values }[name]));
  };
}

async function show({ query, store, index, names, places, also }) {
  const say = sayer(index);
  const shown = index.constants.shown;
  if (!names.length && !places.some(listed)) return showSaid(store, index, await searchSaid(store, query));
  // A name's card needs only its position, unless it matched an alias: the record says how that is written.
  const first = names.slice(0, shown);
  const aliased = new Map((await store.records(first.filter((found) => found.alias).map((found) => found.p))).map((a) => [a.p, a]));
  const named = first.map((found) => ({ agency: aliased.get(found.p) || { p: found.p }, alias: found.alias }));
  const shownHere = places.filter(inFull).flatMap((r) => [...r.here.slice(0, shown), ...r.nearby.slice(0, shown).map((n) => n.agency), ...r.seat.slice(0, shown)]);
  const cards = await cardsOf(store, [...named.map((found) => found.agency), ...shownHere]);
  const cardList = (found, total) => listOf(index, found, total, cards, also);
  // The answer first, as templates/search.html's place_answer writes it.
  const placeAnswer = (r) => {
    const first = r.here.length ? say("here", total(r.here), { place: r.place.label }) : r.seat.length ? "" : say("none_here", undefined, { place: r.place.label });
    const capital = r.seat.length ? say("capital", r.seat.length, { place: r.place.label }) : "";
    return [first, capital].filter(Boolean).join(" ") + (r.nearby.length ? ` ${say("nearby", total(r.nearby))}` : "");
  };
  const answer = [names.length ? say("names", names.length) : "", places.length ? placeAnswer(places[0]) : ""];
  const parts = [element("h1", say("results", undefined, { query })), element("p", answer.filter(Boolean).join(" "), { className: "answer" })];
  if (names.length) {
    const section = element("section");
    section.append(element("h2", say("by_name")), ...cardList(named, names.length));
    parts.push(section);
  }
  // As templates/search.html: the best match in full, other towns and counties on one "Did you mean" line.
  const others = [];
  places.forEach((result, position) => {
    if (!inFull(result, position)) {
      if (result.here.length || result.nearby.length) others.push(result);
      return;
    }
    const section = element("section", "", { className: "place-result" });
    section.append(element("h2", result.place.label));
    if (position) section.append(element("p", placeAnswer(result), { className: "answer" }));
    const town = ["city", "zip"].includes(result.place.kind);
    if (result.here.length) {
      section.append(element("h3", say(town ? "in_town" : "in_place")), ...cardList(result.here.map((agency) => ({ agency })), total(result.here)));
    }
    if (result.nearby.length) section.append(element("h3", say("within")), ...cardList(result.nearby, total(result.nearby)));
    if (result.seat.length) section.append(element("h3", say("in_capital")), ...cardList(result.seat.map((agency) => ({ agency })), result.seat.length));
    if (result.covers.length) {
      const details = element("details", "", { className: "covers" });
      details.append(element("summary", say("covers", result.covers.length, { place: result.place.label })));
      // Folded away, so fetched only when a reader opens it.
      details.addEventListener("toggle", () => details.open && !details.querySelector("ol, .searching") && openCovers(details, store, index, result.covers));
      section.append(details);
    }
    if (!result.here.length && !result.nearby.length && !result.seat.length) {
      section.append(templates.noneLocal.content.cloneNode(true));
    }
    if (!result.here.length && ["city", "zip", "county"].includes(result.place.kind)) section.append(askAgency(index, result.place));
    parts.push(section);
  });
  if (others.length) {
    const line = element("p", say("did_you_mean"), { className: "did-you-mean" });
    others.forEach((result, position) => {
      const link = element("a", result.place.label);
      link.href = `${location.pathname}?q=${encodeURIComponent(result.place.query)}`;
      line.append(...(position ? ["; ", link] : [link]));
    });
    line.append("?");
    parts.push(line);
  }
  const more = element("p", "", { className: "said-search" });
  more.append(element("a", say("said_search", undefined, { query }), { href: `${location.pathname}?q=${encodeURIComponent(query)}&in=said` }));
  parts.push(more);
  results.replaceChildren(...parts);
}

// As templates/search.html when what was said answers: the agencies with their sentences, then source titles.
async function showSaid(store, index, { found, titles }) {
  const say = sayer(index);
  if (!found.length && !titles.length) {
    const section = element("section", "", { className: "no-results" });
    section.setAttribute("aria-live", "polite");
    section.append(element("h1", say("nothing", undefined, { query })), ...templates.notListed.content.cloneNode(true).childNodes);
    results.replaceChildren(section);
    return;
  }
  const shown = index.constants.shown;
  const cards = await cardsOf(store, found.slice(0, shown).map((one) => one.agency));
  const answer = say("said", found.length, { query }) + (titles.length ? ` ${say("said_titles", titles.length)}` : "");
  const parts = [element("h1", say("results", undefined, { query })), element("p", answer, { className: "answer" })];
  const section = (id, heading, ...nodes) => {
    const node = element("section");
    node.setAttribute("aria-labelledby", id);
    node.append(element("h2", heading, { id }), ...nodes);
    return node;
  };
  if (found.length) parts.push(section("in-said", say("in_said"), ...listOf(index, found, found.length, cards)));
  if (titles.length) {
    const after = index.constants.said.titles_shown;
    const nodes = [saidList(index, titles.slice(0, after))];
    if (titles.length > after) {
      const rest = titles.slice(after, shown);
      const details = element("details", "", { className: "group" });
      details.append(element("summary", say("titles_more", rest.length)), saidList(index, rest));
      nodes.push(details);
    }
    parts.push(section("by-title", say("titles"), ...nodes));
  }
  results.replaceChildren(...parts);
}

async function openCovers(details, store, index, positions) {
  const status = element("p", "Loading…", { className: "searching" });
  details.append(status);
  try {
    const agencies = await store.records(positions.slice(0, index.constants.shown));
    status.replaceWith(...listOf(index, agencies.map((agency) => ({ agency })), positions.length, await cardsOf(store, agencies)));
  } catch (error) {
    status.replaceWith(failure(error));
  }
}

// As templates/search.html's cards macro: the first cards of a list, then how many more.
function listOf(index, found, total, cards, also) {
  const shown = index.constants.shown;
  const nodes = [list(index, found.slice(0, shown), cards, also)];
  if (total > shown) {
    const more = element("p", `${sayer(index)("more", total - shown)} `, { className: "more" });
    more.append(templates.browseLink.content.cloneNode(true), ".");
    nodes.push(more);
  }
  return nodes;
}

// As templates/search.html's ask_agency: the request with the place filled in (clearview/wording.py's REQUEST).
function askAgency(index, place) {
  const c = index.constants;
  const block = templates.askAgency.content.cloneNode(true);
  const id = `ask-${place.label.replace(/[ ,]/g, "").toLowerCase()}`;
  block.querySelector("h3").id = id;
  block.querySelector("section").setAttribute("aria-labelledby", id);
  block.querySelector("section > p").textContent = sayer(index)("ask_intro", undefined, { place: place.label });
  const reporting = c.reporting[place.country] ?? c.reporting[""];
  block.querySelector(".request-text").textContent = c.request.replace("{place}", place.label).replace("{reporting}", reporting);
  return block;
}

function failure(error) {
  const message = element("p", `The search could not load its index (${error.message}). Check the connection, then `, { className: "search-failed" });
  message.setAttribute("role", "alert");
  message.append(element("a", "try again", { href: location.href }), ".");
  return message;
}

// Last, once every constant above is defined.
if (results && !results.dataset.answered && query.trim()) {
  document.querySelectorAll('input[name="q"]').forEach((input) => (input.value = query));
  document.title = `“${query}”: ${document.title}`;
  const searching = element("p", `Searching for “${query}”…`, { className: "searching" });
  searching.setAttribute("role", "status");
  results.setAttribute("aria-busy", "true");
  results.replaceChildren(searching);
  try {
    const store = new Store(results.dataset.index);
    if (inSaid) await showSaid(store, await store.index(), await searchSaid(store, query));
    else await show(await search(store, query));
    performance.mark("clearview-search-answered"); // the benchmarks' time to first result (bench/run.py)
  } catch (error) {
    results.replaceChildren(failure(error));
  }
  results.removeAttribute("aria-busy");
}
