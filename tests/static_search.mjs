// The static edition's search (static/static-search.js) run by Node instead of a browser, for the parity test that
// `make check` runs (tests/test_search_parity.py). Reads {script, moduleUrl, indexUrl, queries} as JSON on standard
// input: script is the same function the browser tests evaluate in the page (tests/test_static.py STATIC_ANSWERS);
// the index parts come over HTTP from the live site, as the static site serves the same files. Writes the answers.
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { script, moduleUrl, indexUrl, queries } = JSON.parse(input);
// What the module reads of a page at load: no results element, so it answers nothing by itself.
globalThis.document = { getElementById: () => null };
globalThis.location = new URL(indexUrl);
const gather = (0, eval)(script);
process.stdout.write(JSON.stringify(await gather([moduleUrl, indexUrl, queries])));
