// Error messages that help a user find a name: the nearest candidates by edit distance.

/** Levenshtein distance (insert, delete, substitute: cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The `count` candidates nearest to `wanted`, quoted. A long candidate is compared by its tail of the same
 * number of segments as `wanted` too, so that "Conv_1/Relu" finds ".../MobilenetV2/Conv_1/Relu6".
 */
export function nearestNames(wanted: string, candidates: string[], count = 5): string[] {
  const segments = wanted.split("/").length;
  const distance = (name: string) => {
    const tail = name.split("/").slice(-segments).join("/");
    return Math.min(editDistance(wanted, name), editDistance(wanted, tail));
  };
  return candidates
    .map((name) => ({ name, d: distance(name) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map((e) => `"${e.name}"`);
}
