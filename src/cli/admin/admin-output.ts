/** How the admin commands print for people: aligned tables and short values. `--json` prints the API's answer instead. */

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** An ISO instant as `2026-01-15 12:00` (UTC), or `-` when absent. */
export function shortInstant(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '-';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function usd(amount: number): string {
  return `$${amount < 0.01 && amount > 0 ? amount.toFixed(6) : amount.toFixed(2)}`;
}

/** A limits object as `rpm=60 tpm=10000`, or `-`. */
export function describeLimits(limits: object): string {
  const entries = Object.entries(limits);
  return entries.length === 0 ? '-' : entries.map(([name, value]) => `${name}=${value}`).join(' ');
}

export function describeBudgets(budgets: Array<{ usd: number; period: string }>): string {
  return budgets.length === 0 ? '-' : budgets.map((budget) => `${usd(budget.usd)}/${budget.period}`).join(' ');
}

export function describeMetadata(metadata: Record<string, string>): string {
  const entries = Object.entries(metadata);
  return entries.length === 0 ? '-' : entries.map(([name, value]) => `${name}=${value}`).join(' ');
}

/** `label:  value` lines with the labels aligned. */
export function formatFields(fields: Array<[string, string]>): string[] {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`);
}
