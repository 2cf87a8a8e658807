/** "Did you mean …" for misspelt keys and names. */

/** The known name closest to `input`, if it is close enough to be a likely typo. */
export function closestMatch(input: string, known: readonly string[]): string | undefined {
  const normalized = normalize(input);
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    // `base_url`, `BaseURL` and `baseurl` all mean `baseUrl`.
    const distance = normalize(name) === normalized ? 0 : editDistance(input.toLowerCase(), name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  // One- and two-letter names are too short for a typo guess to mean anything.
  const allowed = input.length < 3 ? 0 : Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  return best.distance <= allowed ? best.name : undefined;
}

/** `; did you mean "x"?` or `` when nothing is close. */
export function didYouMean(input: string, known: readonly string[]): string {
  const match = closestMatch(input, known);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let distance = Math.min(table[row - 1][column] + 1, table[row][column - 1] + 1, table[row - 1][column - 1] + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        distance = Math.min(distance, table[row - 2][column - 2] + 1);
      }
      table[row][column] = distance;
    }
  }
  return table[a.length][b.length];
}
