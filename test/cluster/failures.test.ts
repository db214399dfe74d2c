import { afterEach, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import type { CdrRecord, NuisanceReportRecord } from '../../core/records.ts';
import { generateCdrs, generateReports } from '../support/generate.ts';
import type { Harness } from '../ingest/harness.ts';
import { aggregatesMatchTruth, RecordProducer, waitFor, type ProcessorChild } from '../processors/support.ts';
import {
  cdrAggregatesDiff,
  clusterNode,
  dropDatabase,
  duplicateIdentities,
  leaderOf,
  pushUntilAcknowledged,
  replicasConverged,
  startCollector,
  startProcessor,
  storedCalls,
} from './support.ts';

// Failures under load on the cluster stack (stack.sh up --cluster): CDRs pushed through a real HTTP
// collector by a client that retries every batch until it gets a 2xx, nuisance reports produced
// straight to Kafka (acks=all, a slice re-sent until every record of it is acknowledged), processors
// as child processes, and one part of the cluster failing while the load runs. After each: every
// acknowledged record is stored exactly once, the weekly aggregates (per number, per channel, CDRs
// and reports) equal the truth computed from the generated records, and both replicas of each shard
// hold the same rows after SYSTEM SYNC REPLICA.

const RECORDS = 20_000;
const REPORTS = 5_000;
const BATCH = 250;
const FROM = Date.parse('2016-02-01T00:00:00Z');
const TO = Date.parse('2016-04-25T00:00:00Z');
/** The record table the sink writes (checked for duplicate identities): `cdr_records` once storage is number-first. */
const RECORD_TABLE = 'cdr_records';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Run {
  harness: Harness;
  ch: Clickhouse;
  processors: ProcessorChild[];
  /** Processors that exited on their own with an error and were started again (see supervise). */
  restarts: string[];
}

/**
 * As a service manager does in production (processors/README.md): a processor that exits on its own
 * with an error is started again under its instance id. The one seen: a static member fenced by the
 * group after its coordinator's broker was killed gets a fatal consumer error and exits (the consumer
 * cannot be used again); its batch in hand was not committed, so the restarted instance reads it
 * again and the idempotent sink absorbs it. Processes the test kills itself exit by signal and are
 * left to the test.
 */
function supervise(run: Run, index: number, id: string): void {
  const p = run.processors[index];
  void p?.exited.then(({ code, signal }) => {
    if (signal !== null || code === 0 || run.processors[index] !== p) return;
    run.restarts.push(`${id} (exit ${String(code)}: ${/"err":"([^"]*)"/.exec(p.log.slice(-3000))?.[1] ?? 'no error logged'})`);
    run.processors[index] = startProcessor(run.harness.config, id);
    supervise(run, index, id);
  });
}

let current: Run | undefined;

afterEach(async () => {
  const run = current;
  current = undefined;
  if (!run) return;
  for (const p of run.processors) p.kill('SIGKILL');
  await Promise.all(run.processors.map((p) => p.exited));
  await run.harness.close();
  await dropDatabase(run.ch).catch(() => undefined);
  await run.ch.close();
});

interface Scenario {
  label: string;
  seed: number;
  /** Processor instance ids (static membership); '' = a dynamic member. */
  instances: string[];
  /** The failure, started once a third of the batches are acknowledged; the load keeps running. */
  inject: (run: Run) => Promise<void>;
}

/** Runs the load with the failure and returns the generated CDRs once everything is stored. */
/** Produces the reports in slices, each sent again until all of it is acknowledged (duplicates are fine). */
async function produceReports(run: Run, reports: readonly NuisanceReportRecord[]): Promise<number> {
  const producer = await RecordProducer.connect(run.harness.config);
  let resent = 0;
  try {
    for (let i = 0; i < reports.length; i += 250) {
      const slice = reports.slice(i, i + 250).map((r) => producer.reportMessage(r));
      for (;;) {
        try {
          await producer.sendAll(slice);
          break;
        } catch {
          resent += 1;
          await sleep(250);
        }
      }
      await sleep(100);
    }
  } finally {
    await producer.close();
  }
  return resent;
}

async function underLoad(s: Scenario): Promise<{ cdrs: CdrRecord[]; reports: NuisanceReportRecord[]; run: Run; stallsMs: number[] }> {
  const { harness, url } = await startCollector(s.label);
  const ch = await Clickhouse.connect(harness.config.clickhouse);
  const run: Run = { harness, ch, processors: [], restarts: [] };
  current = run;
  expect(ch.cluster, 'run with CALLWATCH_STACK_PORTS_FILE=stack/cluster-ports.env').not.toBe('');
  await migrate(ch);
  run.processors = s.instances.map((id) => startProcessor(harness.config, id));
  s.instances.forEach((id, i) => supervise(run, i, id));
  await waitFor('processors to consume', () => Promise.resolve(run.processors.every((p) => p.processing) ? true : undefined), 90_000, 100);

  const cdrs = generateCdrs({ seed: s.seed, count: RECORDS, fromMs: FROM, toMs: TO, platforms: ['pbx1'], callers: 3000, idPrefix: `${s.label}-` });
  const reports = generateReports({ seed: s.seed, count: REPORTS, fromMs: FROM, toMs: TO, numbers: 2000, idPrefix: `${s.label}-` });
  // Progress of storage over time: the longest stretches with nothing stored while records were outstanding.
  const samples: [number, number][] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push([Date.now(), await storedCalls(ch).catch(() => samples.at(-1)?.[1] ?? 0)]);
      await sleep(250);
    }
  })();
  let injected: Promise<void> | undefined;
  let storedAtFailure = -1;
  let load: Awaited<ReturnType<typeof pushUntilAcknowledged>>;
  let resent: number;
  let loadEndedAt = Date.now();
  let storedAfterMs = 0;
  try {
    // ~80 batches, 2 in flight, 200 ms apart: the load flows for 8-10 s, the failure starts after a third.
    const reportsResent = produceReports(run, reports);
    load = await pushUntilAcknowledged(url, cdrs, BATCH, 2, 200, (acked) => {
      if (injected !== undefined || acked < RECORDS / BATCH / 3) return;
      injected = (async () => {
        storedAtFailure = await storedCalls(ch);
        await s.inject(run);
      })();
    });
    await injected;
    resent = await reportsResent;
    loadEndedAt = Date.now();
    // The failure hit a pipeline with records still to store (else it would prove nothing).
    expect(storedAtFailure).toBeGreaterThanOrEqual(0);
    expect(storedAtFailure).toBeLessThan(RECORDS);
    await waitFor('every acknowledged record to be stored', async () => ((await storedCalls(ch)) >= RECORDS && (await aggregatesMatchTruth(ch, cdrs, reports)).ok ? true : undefined), 180_000, 1000).catch(
      async (err: unknown) => {
        const logs = run.processors.map((p, i) => `processor ${i} (${p.log.match(/dead-lettered/g)?.length ?? 0} dead-lettered): ${p.log.slice(-1500)}`).join('\n');
        throw new Error(`${String(err)}; CDRs stored ${await storedCalls(ch)} of ${RECORDS}; ${(await aggregatesMatchTruth(ch, cdrs, reports)).diff}\n${logs}`);
      },
    );
    storedAfterMs = Date.now() - loadEndedAt;
    if (run.restarts.length > 0) console.warn(`${s.label}: processors restarted after exiting on their own: ${run.restarts.join('; ')}`);
  } finally {
    sampling = false; // also when the wait fails: the sampler must not outlive the test
    await sampler;
  }
  const stallsMs: number[] = [];
  let since = samples[0]?.[0] ?? 0;
  for (let i = 1; i < samples.length; i++) {
    const [t, n] = samples[i] as [number, number];
    if (n > (samples[i - 1]?.[1] ?? 0)) {
      stallsMs.push(t - since);
      since = t;
    }
  }
  stallsMs.sort((a, b) => b - a);
  console.info(
    `${s.label}: ${load.requests} requests, ${load.retried} retried (${JSON.stringify(load.statuses)}); report slices re-sent: ${resent}; longest stretches with no CDR stored: ${stallsMs.slice(0, 3).join(', ')} ms; all stored ${storedAfterMs} ms after the load`,
  );
  return { cdrs, reports, run, stallsMs };
}

/**
 * Every acknowledged record stored once, every aggregate equal to the truth, both replicas of each
 * shard equal. The replicas are given up to 6 minutes to converge (support.ts replicasConverged:
 * ClickHouse's background checks repair some states only after 300 s). After a ZooKeeper outage
 * (`afterZooKeeperOutage`) a replica may hold parts ZooKeeper does not list if each is a copy of rows
 * also stored (support.ts unregisteredParts); the reads below then count them on that replica, and
 * must still be exact.
 */
async function expectExact(run: Run, cdrs: readonly CdrRecord[], reports: readonly NuisanceReportRecord[], afterZooKeeperOutage = false): Promise<void> {
  // First: every replica active, SYSTEM SYNC REPLICA on every node, and both replicas of each shard
  // equal; so the reads below see the same rows whichever replica of a shard the Distributed tables pick.
  const startedAt = Date.now();
  const replicas = await replicasConverged(run.ch.database, 360_000);
  const comparedAt = Date.now();
  expect(replicas.differences).toBe('');
  if (!afterZooKeeperOutage) expect(replicas.unregistered).toEqual([]);
  else if (replicas.unregistered.length > 0) console.info(`parts ZooKeeper does not list, copies of stored rows: ${replicas.unregistered.join('; ')}`);
  expect(await storedCalls(run.ch)).toBe(cdrs.length);
  expect(await cdrAggregatesDiff(run.ch, cdrs)).toBe('');
  expect((await aggregatesMatchTruth(run.ch, cdrs, reports)).diff).toBe('');
  expect(await duplicateIdentities(run.ch, RECORD_TABLE)).toBe(0);
  for (const p of run.processors) expect(p.log).not.toMatch(/dead-lettered/);
  console.info(`replicas compared in ${comparedAt - startedAt} ms, counts and aggregates checked in ${Date.now() - comparedAt} ms`);
}

describe('failures under load on the cluster', () => {
  it('the leader broker of a partition is SIGKILLed and restarted', { timeout: 720_000 }, async () => {
    const { cdrs, reports, run } = await underLoad({
      label: 'leaderkill',
      seed: 101,
      instances: ['p0'],
      inject: async ({ harness }) => {
        const leader = await leaderOf(harness, harness.topics.cdrs);
        await clusterNode('kill', `kafka${leader}`);
        await sleep(3000);
        await clusterNode('start', `kafka${leader}`);
      },
    });
    await expectExact(run, cdrs, reports);
  });

  it('one ClickHouse replica (the one taking shard 2 writes) is SIGKILLed and restarted', { timeout: 720_000 }, async () => {
    const { cdrs, reports, run } = await underLoad({
      label: 'replicakill',
      seed: 102,
      instances: ['p0'],
      inject: async () => {
        await clusterNode('kill', 'ch3');
        await sleep(3000);
        await clusterNode('start', 'ch3');
      },
    });
    await expectExact(run, cdrs, reports);
  });

  it('ZooKeeper is stopped for a few seconds (replicated tables read-only): inserts are retried, nothing dead-lettered or lost', { timeout: 720_000 }, async () => {
    const { cdrs, reports, run } = await underLoad({
      label: 'zkstop',
      seed: 103,
      instances: ['p0'],
      inject: async () => {
        await clusterNode('stop', 'zookeeper');
        await sleep(5000);
        await clusterNode('start', 'zookeeper');
      },
    });
    await expectExact(run, cdrs, reports, true);
    expect(run.processors[0]?.log).toMatch(/step failed; retrying/);
  });

  it('two processors run and one is SIGKILLed (and restarted with its static member id)', { timeout: 720_000 }, async () => {
    const { cdrs, reports, run } = await underLoad({
      label: 'prockill',
      seed: 104,
      instances: ['p0', 'p1'],
      inject: async (r) => {
        const victim = r.processors[1];
        if (!victim) throw new Error('no second processor');
        victim.kill('SIGKILL');
        await victim.exited;
        const restarted = startProcessor(r.harness.config, 'p1');
        r.processors[1] = restarted;
        await waitFor('the restarted processor to consume', () => Promise.resolve(restarted.processing ? true : undefined), 90_000, 100);
      },
    });
    await expectExact(run, cdrs, reports);
  });
});
