/** Console output of the main job: a progress line and plain aligned tables. */
const TTY = process.stdout.isTTY;

export class Progress {
  private count = 0;
  private readonly started = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly label: string,
    private readonly expected: number,
  ) {}

  add(n: number): void {
    this.count += n;
    // On a terminal the line is redrawn; in a log (CI, a pipe) a new line every few seconds.
    if (Date.now() - this.lastPrint > (TTY ? 250 : 5000)) this.print();
  }

  private print(): void {
    this.lastPrint = Date.now();
    const secs = (Date.now() - this.started) / 1000;
    const pct = this.expected > 0 ? Math.min(100, Math.round((100 * this.count) / this.expected)) : 100;
    const text = `  ${this.label}: ${this.count.toLocaleString('en-GB')} acknowledged (${pct}%), ${Math.round(this.count / Math.max(secs, 0.001)).toLocaleString('en-GB')}/s`;
    process.stdout.write(TTY ? `\r${text}   ` : `${text}\n`);
  }

  done(): void {
    this.print();
    if (TTY) process.stdout.write('\n');
  }
}

type Cell = string | number | null | undefined;

function show(c: Cell): string {
  if (c === null || c === undefined) return '—';
  if (typeof c === 'number') return Number.isInteger(c) ? c.toLocaleString('en-GB') : c.toFixed(1);
  return c;
}

export function printTable(header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const cells = [header.map(String), ...rows.map((r) => r.map(show))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(`  ${line(cells[0] ?? [])}`);
  console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of cells.slice(1)) console.log(`  ${line(r)}`);
}
