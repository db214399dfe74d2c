import { spawn } from 'node:child_process';
import { cpuSeconds, watchPeakRss } from './proc-status.ts';

export interface ProducerPerformanceOptions {
  /** Folder holding the Kafka jars (the stack's .stack/lib/kafka). */
  classpathDir: string;
  brokers: string;
  topic: string;
  records: number;
  recordSize: number;
  /** Producer settings, matched to the collector's librdkafka producer. */
  producerProps: Record<string, string | number | boolean>;
}

export interface ProducerPerformanceResult {
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  peakRssMiB: number | undefined;
  /** CPU seconds the JVM used (all its threads), read until just before it exited (start-up included). */
  cpuSeconds: number | undefined;
  command: string;
}

// Kafka's closing summary line, e.g. "500000 records sent, 181818.2 records/sec (53.12 MB/sec),
// 95.10 ms avg latency, 402.00 ms max latency, 88 ms 50th, 251 ms 95th, 380 ms 99th, 399 ms 99.9th."
const SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/;

export function parseSummary(output: string): Omit<ProducerPerformanceResult, 'peakRssMiB' | 'cpuSeconds' | 'command'> {
  const m = SUMMARY.exec(output);
  if (!m) throw new Error(`no ProducerPerformance summary in its output:\n${output.slice(-2000)}`);
  const n = (i: number): number => Number(m[i]);
  return { records: n(1), recordsPerSecond: n(2), mbPerSecond: n(3), avgLatencyMs: n(4), maxLatencyMs: n(5), p50Ms: n(6), p95Ms: n(7), p99Ms: n(8) };
}

/** Runs Kafka's own producer benchmark (the broker's ceiling on this machine) and parses its summary. */
export async function runProducerPerformance(options: ProducerPerformanceOptions): Promise<ProducerPerformanceResult> {
  const props = Object.entries({ 'bootstrap.servers': options.brokers, ...options.producerProps }).map(([k, v]) => `${k}=${v}`);
  const args = [
    '-Xms256m', '-Xmx512m',
    '-cp', `${options.classpathDir}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic', options.topic,
    '--num-records', String(options.records),
    '--record-size', String(options.recordSize),
    '--throughput', '-1',
    '--producer-props', ...props,
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const rss = watchPeakRss(child.pid ?? -1);
  // Its CPU time, read often: once it has exited /proc no longer has it (the last ~50 ms are missed).
  let cpu: number | undefined;
  const cpuTimer = setInterval(() => {
    cpu = cpuSeconds(child.pid ?? -1) ?? cpu;
  }, 50);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const peakRssMiB = rss.stop();
  clearInterval(cpuTimer);
  if (code !== 0) throw new Error(`ProducerPerformance exited with ${String(code)}:\n${out.slice(-2000)}`);
  return { ...parseSummary(out), peakRssMiB, cpuSeconds: cpu, command: `java ${args.join(' ')}` };
}
