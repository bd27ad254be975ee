// The search index in parts, searched as one. The search box loads this module in place of
// Pagefind's own, which merges the other parts of the index into the first. Each part of a
// site in several parts (but a national one) also holds a page of every word of the site,
// so that a part without one of the words searched for finds nothing, as one index would,
// instead of leaving the word out: that page is never a result.
import * as pagefind from "../../pagefind/pagefind.js";

const OWN = "tracker";
const WORDS = { [OWN]: "words" };
let parts = 1;
let latest = 0;

function withoutOwn(counts) {
  if (!counts) return counts;
  const { [OWN]: _, ...rest } = counts;
  return rest;
}

export const init = () => pagefind.init();
export const destroy = () => pagefind.destroy();
export const preload = (term, options) => pagefind.preload(term, options);
export const options = (options) => pagefind.options(options);
export const filters = async () => withoutOwn(await pagefind.filters());

export function mergeIndex(path, options) {
  parts += 1;
  return pagefind.mergeIndex(path, options);
}

export async function search(term, options = {}) {
  const wanted = options.filters || {};
  const found = await pagefind.search(term, parts === 1 ? options : {
    ...options, filters: { ...wanted, not: wanted.not ? { all: [wanted.not, WORDS] } : WORDS },
  });
  return { ...found, filters: withoutOwn(found.filters), totalFilters: withoutOwn(found.totalFilters) };
}

export async function debouncedSearch(term, options, wait = 300) {
  const mine = ++latest;
  await new Promise((resolve) => setTimeout(resolve, wait));
  if (mine !== latest) return null;
  const found = await search(term, options);
  return mine === latest ? found : null;
}
