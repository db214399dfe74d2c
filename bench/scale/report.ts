import { existsSync, readFileSync } from 'node:fs';

// npx tsx bench/scale/report.ts [1m 10m 100m]
//
// The measured figures of several sizes side by side (bench/results/scale/measure-scale_<size>.json,
// written by measure.ts), as the markdown tables of bench/scale/README.md: p50 / p99 client-side ms
// per size, the target, whether the largest size met it, the growth of p50 from the smallest to the
// largest size, and what the slowest execution read at the largest size (system.query_log).

interface Server {
  p50_ms: number;
  p99_ms: number;
  max_read_rows: number;
  max_read_bytes: number;
  max_memory: number;
}
interface Result {
  name: string;
  group: string;
  target_ms: number | null;
  n: number;
  p50_ms: number;
  p99_ms: number;
  server: Server | null;
}
interface Disk {
  table: string;
  parts: number;
  rows: number;
  bytes: number;
  bytesPerMillionRecords: number;
  maxPartsInPartition: number;
}
interface Measurement {
  database: string;
  cdrs: number;
  at: string;
  loadAverage: { start?: number[]; end: number[] };
  results: Result[];
  disk: Disk[];
}

const sizes = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['1m', '10m', '100m'];
const runs = sizes
  .map((s) => `bench/results/scale/measure-scale_${s}.json`)
  .filter((f) => existsSync(f))
  .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Measurement);
if (runs.length === 0) throw new Error('no bench/results/scale/measure-*.json: run bench/scale/measure.ts first');

const label = (m: Measurement): string => (m.cdrs >= 1e6 ? `${m.cdrs / 1e6}M` : String(m.cdrs));
const ms = (v: number | undefined): string => (v === undefined ? '–' : v < 10 ? v.toFixed(1) : String(Math.round(v)));
const count = (v: number): string => (v >= 1e9 ? `${(v / 1e9).toFixed(1)}G` : v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)}k` : String(v));
const largest = runs[runs.length - 1] as Measurement;
const smallest = runs[0] as Measurement;

console.log(`Load average (1/5/15 min) at the start of each run: ${runs.map((m) => `${label(m)} ${(m.loadAverage.start ?? []).map((l) => l.toFixed(1)).join('/')}`).join('; ')}.\n`);
console.log(`| query | ${runs.map((m) => `${label(m)} p50 / p99 ms`).join(' | ')} | target | ${label(largest)} met | p50 growth ${label(smallest)}→${label(largest)} | ${label(largest)} rows / bytes read, memory (worst run) |`);
console.log(`| --- | ${runs.map(() => '---').join(' | ')} | --- | --- | --- | --- |`);
for (const r of largest.results) {
  const cells = runs.map((m) => {
    const x = m.results.find((y) => y.name === r.name);
    return x ? `${ms(x.p50_ms)} / ${ms(x.p99_ms)}` : '–';
  });
  const first = smallest.results.find((y) => y.name === r.name);
  const growth = first && first.p50_ms > 0 ? `${(r.p50_ms / first.p50_ms).toFixed(1)}×` : '–';
  const met = r.target_ms === null ? '' : r.p99_ms <= r.target_ms ? 'yes' : '**no**';
  const s = r.server;
  const read = s ? `${count(s.max_read_rows)} / ${count(s.max_read_bytes)}B, ${count(s.max_memory)}B` : '–';
  console.log(`| ${r.name} | ${cells.join(' | ')} | ${r.target_ms === null ? '–' : `${r.target_ms}`} | ${met} | ${growth} | ${read} |`);
}

console.log(`\nDisk (active parts after the merges settled), bytes per million records (CDRs for CDR tables, reported calls for report tables):\n`);
console.log(`| table | ${runs.map((m) => `${label(m)} rows`).join(' | ')} | ${runs.map((m) => `${label(m)} MB per M records`).join(' | ')} | ${runs.map((m) => `${label(m)} parts (max per partition)`).join(' | ')} |`);
console.log(`| --- | ${runs.map(() => '---').join(' | ')} | ${runs.map(() => '---').join(' | ')} | ${runs.map(() => '---').join(' | ')} |`);
for (const t of largest.disk) {
  if (t.table === 'schema_migrations' || t.table.startsWith('spike') || t.table === 'spikes') continue;
  const per = (m: Measurement): Disk | undefined => m.disk.find((x) => x.table === t.table);
  console.log(
    `| ${t.table} | ${runs.map((m) => count(per(m)?.rows ?? 0)).join(' | ')} | ${runs.map((m) => ((per(m)?.bytesPerMillionRecords ?? 0) / 1e6).toFixed(1)).join(' | ')} | ${runs.map((m) => `${per(m)?.parts ?? 0} (${per(m)?.maxPartsInPartition ?? 0})`).join(' | ')} |`,
  );
}
