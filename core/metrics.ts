import { Registry, collectDefaultMetrics, Counter, Histogram, Gauge } from 'prom-client';

// One registry per process, shared by every component in it, exposed on /metrics.
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function enableDefaultMetrics(service: string): void {
  if (defaultsCollected) return;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'callwatch_' });
  defaultsCollected = true;
}

type Labels<L extends string> = readonly L[];

// get-or-create: components may be instantiated more than once in one process (tests, two sinks).
export function counter<L extends string>(name: string, help: string, labelNames: Labels<L> = []): Counter<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [metricsRegistry] });
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: Labels<L> = [],
  buckets?: number[],
): Histogram<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing instanceof Histogram) return existing;
  return new Histogram({ name, help, labelNames, registers: [metricsRegistry], ...(buckets ? { buckets } : {}) });
}

export function gauge<L extends string>(name: string, help: string, labelNames: Labels<L> = []): Gauge<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name, help, labelNames, registers: [metricsRegistry] });
}

export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const SIZE_BUCKETS = [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000];
