// The main job: starts the pipeline's services on the local stack, replays twelve weeks of
// synthetic traffic through the HTTP collectors, waits until ClickHouse holds all of it, runs spike
// detection, and prints what the pipeline made of it. Run by scripts/demo.sh after the stack is up.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../core/config/load.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { CdrTraffic, DEFAULT_TRAFFIC } from '../../bench/load/traffic.ts';
import type { Line } from '../../bench/load/population.ts';
import { ReportTraffic, type DemoChannel } from './report-traffic.ts';
import { demoCredentials, writeDemoConfig } from './credentials.ts';
import { Services, sleep, type ServiceSpec } from './services.ts';
import { Progress, printTable } from './print.ts';
import { postJsonBatches, type PostOutcome } from './post.ts';
import { printSummary } from './summary.ts';
import { monitoringLines } from './monitoring.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STACK_DIR = process.env.CALLWATCH_STACK_DIR ?? `${ROOT}.stack`;
const WEEK_MS = 7 * 86_400_000;
const WEEKS = 12;
const PLATFORMS = ['acme-telecom', 'northwind-voip', 'barnet-contact-centre'] as const;
const CDRS_PER_WEEK = 6_000;

/** Monday 00:00 UTC of the ISO week holding `ms` (close enough to London time to anchor the replay). */
function mondayUtc(ms: number): number {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
}

async function main(): Promise<void> {
  const started = Date.now();
  const creds = demoCredentials(`${STACK_DIR}/demo`, PLATFORMS);
  const configFile = writeDemoConfig(`${STACK_DIR}/demo`, creds, { evaluateWeeks: WEEKS });
  const env = { ...process.env, CALLWATCH_CONFIG_FILE: configFile };
  const config = loadConfig({ env });
  const ingestUrl = `http://${config.ingest.host}:${config.ingest.port}`;
  const apiUrl = `http://${config.api.host}:${config.api.port}`;

  console.log('callwatch — main job: twelve weeks of synthetic CDRs and nuisance reports through the pipeline\n');

  const ch = await Clickhouse.connect(config.clickhouse);
  await migrate(ch);

  const services = new Services(ROOT, STACK_DIR, env);
  const specs: ServiceSpec[] = [
    { name: 'ingest', entry: 'ingest/main.ts', readyUrl: `${ingestUrl}/readyz` },
    { name: 'processors', entry: 'processors/main.ts', readyUrl: `http://${config.processors.httpHost}:${config.processors.httpPort}/readyz` },
    { name: 'api', entry: 'api/main.ts', readyUrl: `${apiUrl}/readyz` },
  ];
  for (const spec of specs) {
    await services.stop(spec);
    const pid = await services.start(spec);
    console.log(`  started ${spec.name.padEnd(10)} pid ${pid}`);
  }

  // The twelve complete weeks before this one; re-running in the same week re-sends the very same
  // records (same ids, same Idempotency-Keys), which the pipeline counts once.
  const thisWeek = mondayUtc(Date.now());
  const firstWeek = thisWeek - WEEKS * WEEK_MS;
  const now = Date.now();

  // --- CDRs: three platforms, robocallers, contact-centre queues -----------------------------
  console.log(`\nReplaying CDRs for ${WEEKS} weeks from ${new Date(firstWeek).toISOString().slice(0, 10)} (3 platforms) …`);
  const cdrOutcome: PostOutcome = { requests: 0, accepted: 0, rejected: 0, failed: 0 };
  const cdrProgress = new Progress('CDRs', PLATFORMS.length * CDRS_PER_WEEK * WEEKS);
  const robocallers: Line[] = [];
  for (const [i, platform] of PLATFORMS.entries()) {
    const traffic = new CdrTraffic({
      ...DEFAULT_TRAFFIC,
      seed: DEFAULT_TRAFFIC.seed + i,
      startMs: firstWeek,
      callsPerSecond: CDRS_PER_WEEK / (WEEK_MS / 1000),
      idPrefix: `demo-${platform}-${firstWeek}-`,
    });
    if (i === 0) for (const r of traffic.population.robocallers) if (r.line) robocallers.push(r.line);
    const batches: unknown[][] = [];
    while (traffic.now < thisWeek) {
      const batch = traffic.batch(2_000).filter((c) => Number(new Date(c.setup_time)) < Math.min(thisWeek, now));
      if (batch.length > 0) batches.push(batch);
    }
    const o = await postJsonBatches(`${ingestUrl}/v1/cdrs`, creds.keys[platform] ?? '', batches, 3, (accepted) => cdrProgress.add(accepted));
    for (const k of ['requests', 'accepted', 'rejected', 'failed'] as const) cdrOutcome[k] += o[k];
  }
  cdrProgress.done();

  // --- nuisance reports, week by week ---------------------------------------------------------
  console.log('\nReplaying nuisance reports (helpline, partner API, live chat, then the new web tool) …');
  const reports = new ReportTraffic(firstWeek, robocallers);
  const perWeek = Array.from({ length: WEEKS }, (_, w) => reports.week(w, now));
  const reportProgress = new Progress('reports', perWeek.reduce((n, w) => n + w.length, 0));
  const sentByChannel = new Map<DemoChannel, number>();
  /** The report_id of every acknowledged report (a retried Idempotency-Key gets the same one). */
  const reportIds = new Set<string>();
  let reportFailures = 0;
  for (const week of perWeek) {
    const results = await Promise.all(
      chunk(week, Math.ceil(week.length / 32)).map(async (part) => {
        let ok = 0;
        for (const r of part) {
          const res = await fetch(`${ingestUrl}/v1/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${creds.keys[`reports-${r.channel}`] ?? ''}`, 'idempotency-key': r.idempotencyKey },
            body: JSON.stringify(r.body),
          });
          const answer = (await res.json().catch(() => ({}))) as { report_id?: unknown };
          if (res.status === 201 || res.status === 200) {
            ok++;
            if (typeof answer.report_id === 'string') reportIds.add(answer.report_id);
            sentByChannel.set(r.channel, (sentByChannel.get(r.channel) ?? 0) + 1);
          } else reportFailures++;
        }
        return ok;
      }),
    );
    reportProgress.add(results.reduce((a, b) => a + b, 0));
  }
  reportProgress.done();

  // --- wait for the processors ----------------------------------------------------------------
  const reportsAcked = reportIds.size;
  console.log(`\nWaiting for the processors to write ${cdrOutcome.accepted.toLocaleString('en-GB')} CDRs and ${reportsAcked.toLocaleString('en-GB')} reports to ClickHouse …`);
  // This run's records, by identity: re-sent copies of an earlier run's records are already stored.
  const cdrIdPrefixes = PLATFORMS.map((p) => `demo-${p}-${firstWeek}-`);
  const fromWeekText = new Date(firstWeek).toISOString().slice(0, 10);
  const read = new ReadModel(ch, { serviceLevelSeconds: config.processors.serviceLevelSeconds });
  const deadline = Date.now() + 180_000;
  let stored = { cdrs: 0, reports: 0 };
  let lastPrint = 0;
  while (Date.now() < deadline) {
    stored = { cdrs: await read.storedCdrsWithIdPrefix(cdrIdPrefixes, fromWeekText), reports: await read.storedReports([...reportIds]) };
    const caughtUp = stored.cdrs >= cdrOutcome.accepted && stored.reports >= reportsAcked;
    if (caughtUp || Date.now() - lastPrint > 5000) {
      console.log(`  in ClickHouse: ${stored.cdrs.toLocaleString('en-GB')} CDRs, ${stored.reports.toLocaleString('en-GB')} reports`);
      lastPrint = Date.now();
    }
    if (caughtUp) break;
    await sleep(1000);
  }
  if (stored.cdrs < cdrOutcome.accepted || stored.reports < reportsAcked) {
    throw new Error(`the processors wrote ${stored.cdrs} of ${cdrOutcome.accepted} acknowledged CDRs and ${stored.reports} of ${reportsAcked} reports within 3 minutes`);
  }

  // --- spike detection over the twelve weeks --------------------------------------------------
  console.log('\nRunning spike detection over the twelve weeks …');
  await run(process.execPath, ['--import', 'tsx', 'processors/spikes/main.ts', '--once'], { cwd: ROOT, env: { ...env, CALLWATCH_LOG__LEVEL: 'warn' } });
  const spikesSpec: ServiceSpec = { name: 'spikes', entry: 'processors/spikes/main.ts', readyUrl: `http://${config.spikes.httpHost}:${config.spikes.httpPort}/readyz` };
  await services.stop(spikesSpec);
  await services.start(spikesSpec);

  // --- what the pipeline made of it ------------------------------------------------------------
  await printSummary({
    read,
    apiUrl,
    investigatorKey: creds.keys.investigator ?? '',
    fromWeek: new Date(firstWeek).toISOString().slice(0, 10),
    toWeek: new Date(thisWeek - WEEK_MS).toISOString().slice(0, 10),
  });
  await ch.close();

  printTable(
    ['what', 'sent', 'acknowledged', 'rejected', 'failed', 'in ClickHouse'],
    [
      ['CDRs', cdrOutcome.accepted + cdrOutcome.rejected + cdrOutcome.failed, cdrOutcome.accepted, cdrOutcome.rejected, cdrOutcome.failed, stored.cdrs],
      ['reports', reportsAcked + reportFailures, reportsAcked, 0, reportFailures, stored.reports],
    ],
  );
  console.log(`\nDone in ${Math.round((Date.now() - started) / 1000)} s. The pipeline keeps running:`);
  console.log(`  public report form   ${ingestUrl}/report`);
  console.log(`  collector API        ${ingestUrl}/v1/cdrs, ${ingestUrl}/v1/reports   (metrics ${ingestUrl}/metrics)`);
  console.log(`  investigator API     ${apiUrl}/openapi.json`);
  const exampleNumber = encodeURIComponent(robocallers[0] ? `+44${robocallers[0].nsn}` : '+447700900123');
  const lastWeek = new Date(thisWeek - WEEK_MS).toISOString().slice(0, 10);
  console.log(`     e.g. curl -H "Authorization: Bearer $(node -p "require('${STACK_DIR}/demo/credentials.json').keys.investigator")" ${apiUrl}/v1/numbers/${exampleNumber}`);
  console.log(`  weekly overview page ${apiUrl}/pages/overview?week=${lastWeek}`);
  console.log(`  evidence page, e.g.  ${apiUrl}/pages/numbers/${exampleNumber}?week=${lastWeek}`);
  console.log('     (in a browser: any user name, the investigator key from credentials.json as the password)');
  for (const line of await monitoringLines(ROOT)) console.log(line);
  console.log(`  API keys             ${STACK_DIR}/demo/credentials.json`);
  console.log('  Grafana provisioning dashboards/provisioning/ (datasources, dashboards, alert rules)');
  console.log('  Running this again in the same week re-sends the very same records: every count above stays the same.');
  console.log('  stop everything      npm run stack -- down');
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

main().catch((err: unknown) => {
  console.error(`\nThe main job failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Service logs: npm run stack -- logs   (and .stack/logs/{ingest,processors,api,spikes}.out)');
  process.exit(1);
});
