/** One line of the bench table. */
export interface Figure {
  figure: string;
  /** What it must be, in words ("< 1 s"); none for a figure that is only reported. */
  target?: string;
  measured: string;
  /** Whether the target was met; leave out for a figure without a target. */
  pass?: boolean;
}

/** A figure that must stay under a limit. */
export function atMost(figure: string, measured: number, limit: number, unit: string, digits = 0): Figure {
  return { figure, target: `≤ ${format(limit, digits)} ${unit}`, measured: `${format(measured, digits)} ${unit}`, pass: measured <= limit };
}

/** A figure that must stay below a limit. */
export function under(figure: string, measured: number, limit: number, unit: string, digits = 0): Figure {
  return { figure, target: `< ${format(limit, digits)} ${unit}`, measured: `${format(measured, digits)} ${unit}`, pass: measured < limit };
}

/** A figure that must reach a floor. */
export function atLeast(figure: string, measured: number, floor: number, unit: string, digits = 0): Figure {
  return { figure, target: `≥ ${format(floor, digits)}${unit}`, measured: `${format(measured, digits)}${unit}`, pass: measured >= floor };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A figure that must equal a value. */
export function exactly(figure: string, measured: number | string, expected: number | string, unit = ''): Figure {
  const suffix = unit ? ` ${unit}` : '';
  return { figure, target: `${expected}${suffix}`, measured: `${measured}${suffix}`, pass: measured === expected };
}

/** A figure only reported, to compare with the others. */
export function reported(figure: string, measured: string): Figure {
  return { figure, measured };
}

export function format(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const mib = (bytes: number, digits = 1): string => `${format(bytes / 1024 / 1024, digits)} MiB`;

/** The rows as one plain-text table: scenario, figure, target, measured, result. */
export function table(rows: Array<Figure & { scenario: string }>): string {
  const header = ['scenario', 'figure', 'target', 'measured', 'result'];
  const cells = rows.map((row) => [row.scenario, row.figure, row.target ?? '—', row.measured, row.pass === undefined ? '' : row.pass ? 'pass' : 'FAIL']);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: string[]): string => `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
