import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.ts';
import { readLingerBatch, type LingerOptions } from './linger-batch.ts';

/**
 * A consumer on a virtual clock with node-rdkafka's batch-read semantics (src/workers.cc,
 * KafkaConsumerConsumeNum): records are taken while each next one arrives within `timeoutMs` of
 * the previous wait's start; the first wait that times out ends the call. Record i arrives at
 * arrivals[i] (ms, ascending).
 */
class VirtualConsumer {
  now = 0;
  private taken = 0;
  calls: { max: number; timeoutMs: number }[] = [];

  constructor(private readonly arrivals: readonly number[]) {}

  readonly consume = (max: number, timeoutMs: number): Promise<number[]> => {
    this.calls.push({ max, timeoutMs });
    const out: number[] = [];
    while (out.length < max) {
      const next = this.arrivals[this.taken];
      if (next !== undefined && next <= this.now + timeoutMs) {
        this.now = Math.max(this.now, next);
        out.push(this.taken++);
      } else {
        this.now += timeoutMs;
        break;
      }
    }
    return Promise.resolve(out);
  };

  readonly clock = (): number => this.now;

  read(o: LingerOptions): Promise<number[]> {
    return readLingerBatch(this.consume, this.clock, o);
  }
}

const every = (intervalMs: number, count: number, from = 0): number[] => Array.from({ length: count }, (_, i) => from + i * intervalMs);
const opts = (o: Partial<LingerOptions> = {}): LingerOptions => ({ max: 20_000, lingerMs: 250, idleTimeoutMs: 500, ...o });

describe('readLingerBatch', () => {
  it('returns a full batch at once when the records are already fetched (saturation keeps large batches)', async () => {
    const c = new VirtualConsumer(new Array<number>(50_000).fill(0));
    const batch = await c.read(opts());
    expect(batch).toHaveLength(20_000);
    expect(c.now).toBe(0);
    expect(await c.read(opts())).toEqual(Array.from({ length: 20_000 }, (_, i) => 20_000 + i));
  });

  it('closes a trickle when its oldest record has waited the linger, where the size-only read waits for the batch to fill', async () => {
    // One record every 100 ms, closer together than the 500 ms consume timeout.
    const lingering = new VirtualConsumer(every(100, 1_000, 200));
    expect(await lingering.read(opts({ max: 100 }))).toEqual([0, 1, 2]);
    expect(lingering.now).toBe(200 + 250);

    const sizeOnly = new VirtualConsumer(every(100, 1_000, 200));
    expect(await sizeOnly.read(opts({ max: 100, lingerMs: 0 }))).toHaveLength(100);
    // node-rdkafka's timeout is per message: the call lasted until the 100th record.
    expect(sizeOnly.now).toBe(200 + 99 * 100);
  });

  it('writes a lone record after the linger, not after the idle timeout', async () => {
    const tenMinutes = 600_000;
    const lingering = new VirtualConsumer([0]);
    expect(await lingering.read(opts({ idleTimeoutMs: tenMinutes }))).toEqual([0]);
    expect(lingering.now).toBe(250);

    const sizeOnly = new VirtualConsumer([0]);
    expect(await sizeOnly.read(opts({ idleTimeoutMs: tenMinutes, lingerMs: 0 }))).toEqual([0]);
    expect(sizeOnly.now).toBe(tenMinutes);
  });

  it('returns nothing after the idle timeout when no record comes', async () => {
    const c = new VirtualConsumer([]);
    expect(await c.read(opts())).toEqual([]);
    expect(c.now).toBe(500);
    expect(c.calls).toEqual([{ max: 1, timeoutMs: 500 }]);
  });

  it('takes what was fetched without waiting, then waits only for the linger left', async () => {
    // 30 records at once, the next one 10 s later.
    const c = new VirtualConsumer([...new Array<number>(30).fill(0), 10_000]);
    expect(await c.read(opts())).toHaveLength(30);
    expect(c.now).toBe(250);
    expect(c.calls).toEqual([
      { max: 1, timeoutMs: 500 },
      { max: 19_999, timeoutMs: 0 },
      { max: 1, timeoutMs: 250 },
    ]);
  });

  it('whatever the arrivals: never more than max, the oldest record never waits past the linger, nothing lost or reordered', async () => {
    const rng = new Rng(14);
    for (let pattern = 0; pattern < 200; pattern++) {
      const arrivals: number[] = [];
      let t = rng.range(0, 2_000);
      const n = rng.range(1, 400);
      const meanGap = [1, 20, 120, 400, 900][rng.int(5)] ?? 100;
      for (let i = 0; i < n; i++) {
        arrivals.push(Math.round(t));
        t += rng.chance(0.3) ? 0 : rng.exponential(meanGap);
      }
      const o = opts({ max: rng.range(1, 60), lingerMs: rng.range(1, 400), idleTimeoutMs: rng.range(10, 1_000) });
      const c = new VirtualConsumer(arrivals);
      const seen: number[] = [];
      for (let guard = 0; seen.length < n && guard < 10_000; guard++) {
        const before = c.now;
        const batch = await c.read(o);
        expect(batch.length).toBeLessThanOrEqual(o.max);
        if (batch.length === 0) {
          expect(c.now - before).toBe(o.idleTimeoutMs);
          continue;
        }
        // The oldest record was in hand from max(its arrival, the read's start) on.
        const first = batch[0] ?? 0;
        const inHandFrom = Math.max(arrivals[first] ?? 0, before);
        expect(c.now - inHandFrom).toBeLessThanOrEqual(o.lingerMs);
        // A batch closes early only when full or when nothing more had arrived by its close.
        if (batch.length < o.max) expect(arrivals[(batch.at(-1) ?? 0) + 1] ?? Number.POSITIVE_INFINITY).toBeGreaterThan(c.now);
        seen.push(...batch);
      }
      expect(seen).toEqual(arrivals.map((_, i) => i));
    }
  });

  it('returns the records in hand when a read fails after the first, and fails a read with none', async () => {
    let calls = 0;
    const failing = (max: number): Promise<number[]> => {
      calls += 1;
      if (calls === 1) return Promise.resolve([1]);
      return Promise.reject(new Error(`broker gone (asked for ${max})`));
    };
    expect(await readLingerBatch(failing, () => 0, opts())).toEqual([1]);
    await expect(readLingerBatch(failing, () => 0, opts())).rejects.toThrow('broker gone');
  });
});
