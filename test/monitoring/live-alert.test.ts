// The pipeline-health alerts in a real Prometheus (Debian 2.42) and Alertmanager (0.25) against the
// real services: a collector (in this process, on the real Kafka and registry) and a processors child
// process (real Kafka, ClickHouse server). Records keep arriving; the processors are stopped; the
// consumer-lag alert must fire in Prometheus and reach a webhook this test serves, via Alertmanager.
//
// Timing comes only from configuration: the rules are the generated ones with a test timing (20 s
// window, 5 s `for`, 1 s evaluation) and Prometheus scrapes every second. The test waits for
// conditions with generous deadlines; it never asserts how fast anything happened.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { prometheusRulesFile } from '../../dashboards/prometheus-rules.ts';
import { toYaml } from '../../dashboards/serialize.ts';
import { auth, startHarness, type Harness } from '../ingest/harness.ts';
import { prepareTopics, ProcessorChild, processorEnv, waitFor } from '../processors/support.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// The monitoring helpers' port range.
const PORTS = { collector: 23181, processors: 23182, webhook: 23183, alertmanager: 23184, prometheus: 23185 } as const;
const dir = mkdtempSync(join(tmpdir(), 'callwatch-live-alert-'));

interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
}
interface WebhookMessage {
  receiver: string;
  status: string;
  alerts: WebhookAlert[];
}

let harness: Harness;
let processor: ProcessorChild | undefined;
let prometheus: ChildProcess | undefined;
let alertmanager: ChildProcess | undefined;
let webhook: Server;
const received: WebhookMessage[] = [];
let sending = true;
let sender: Promise<void> = Promise.resolve();
let sent = 0;

function startDaemon(name: string, command: string, args: string[]): ChildProcess {
  const log = openSync(join(dir, `${name}.log`), 'a');
  return spawn(command, args, { stdio: ['ignore', log, log] });
}

const running = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

/** SIGTERM, and SIGKILL if it has not exited 10 s later. */
async function stopDaemon(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || !running(child)) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (running(child)) child.kill('SIGKILL');
}

async function promQuery(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`http://127.0.0.1:${PORTS.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

/** Posts a small batch of CDRs to the collector every 300 ms until told to stop. */
async function sendContinuously(): Promise<void> {
  let n = 0;
  while (sending) {
    const batch = Array.from({ length: 5 }, () => {
      n += 1;
      const setup = Date.UTC(2016, 4, 17, 9) + n * 1000;
      return { cdr_id: `live-${n}`, setup_time: setup, end_time: setup + 20_000, caller: '07700 900123', callee: '020 7946 0000', disposition: 'NO_ANSWER' };
    });
    const res = await fetch(`http://127.0.0.1:${PORTS.collector}/v1/cdrs`, { method: 'POST', headers: { ...auth('pbx'), 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    if (res.ok) sent += batch.length;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  harness = await startHarness('livealert');
  await prepareTopics(harness.config);
  await harness.app.listen({ host: '127.0.0.1', port: PORTS.collector });

  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as WebhookMessage);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => webhook.listen(PORTS.webhook, '127.0.0.1', r));

  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:\n  receiver: test-webhook\n  group_by: [alertname, job]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: test-webhook\n    webhook_configs:\n      - url: "http://127.0.0.1:${PORTS.webhook}/alerts"\n        send_resolved: true\n`,
  );
  // The generated rules with the test timing: the same expressions, seconds instead of minutes.
  writeFileSync(join(dir, 'rules.yaml'), toYaml(prometheusRulesFile({ interval: '1s', timing: { window: '20s', for: '5s' } }), 'live-alert test rules'));
  mkdirSync(join(dir, 'targets'));
  writeFileSync(join(dir, 'targets', 'services.json'), JSON.stringify([
    { targets: [`127.0.0.1:${PORTS.collector}`], labels: { job: 'callwatch-ingest' } },
    { targets: [`127.0.0.1:${PORTS.processors}`], labels: { job: 'callwatch-processors' } },
  ]));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n  evaluation_interval: 1s\nrule_files:\n  - ${join(dir, 'rules.yaml')}\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ["127.0.0.1:${PORTS.alertmanager}"]\nscrape_configs:\n  - job_name: callwatch\n    file_sd_configs:\n      - files: ["${join(dir, 'targets', '*.json')}"]\n`,
  );
  const check = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
  expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  alertmanager = startDaemon('alertmanager', 'prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am-data')}`, `--web.listen-address=127.0.0.1:${PORTS.alertmanager}`, '--cluster.listen-address=']);
  prometheus = startDaemon('prometheus', 'prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom-data')}`, `--web.listen-address=127.0.0.1:${PORTS.prometheus}`]);
  await waitFor('Alertmanager ready', async () => ((await fetch(`http://127.0.0.1:${PORTS.alertmanager}/-/ready`)).ok ? true : undefined), 60_000);
  await waitFor('Prometheus ready', async () => ((await fetch(`http://127.0.0.1:${PORTS.prometheus}/-/ready`)).ok ? true : undefined), 60_000);

  processor = new ProcessorChild(
    processorEnv(harness.config, {
      CALLWATCH_PROCESSORS__HTTP_PORT: String(PORTS.processors),
      CALLWATCH_PROCESSORS__GROUP_ID: `${harness.config.kafka.topicPrefix}processors`,
    }),
  );
  await waitFor('processor consuming', () => Promise.resolve(processor?.processing ? true : undefined), 90_000, 100);
}, 180_000);

afterAll(async () => {
  sending = false;
  await sender;
  processor?.kill('SIGTERM');
  await processor?.exited;
  await stopDaemon(prometheus);
  await stopDaemon(alertmanager);
  await new Promise((r) => webhook.close(r));
  await harness.close();
  const ch = await Clickhouse.connect(harness.config.clickhouse, 'writer');
  await dropTestDatabase(ch, ch.database);
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('consumer-lag alert, live', () => {
  it('Prometheus scrapes the real services; stopping the processors while records arrive fires the lag alert, delivered by Alertmanager to a webhook', async () => {
    sender = sendContinuously();
    // Healthy first: both services scraped, the processor reports its lag and stores what arrives.
    await waitFor('both targets up', async () => ((await promQuery('sum(up{job=~"callwatch-.+"})'))[0]?.value[1] === '2' ? true : undefined), 60_000);
    await waitFor('lag series scraped', async () => ((await promQuery('count(callwatch_processor_consumer_lag)')).length > 0 ? true : undefined), 60_000);
    await waitFor('records produced and consumed', async () => {
      const [produced] = await promQuery('sum(callwatch_ingest_records_produced_total)');
      const [consumed] = await promQuery('sum(callwatch_processor_records_consumed_total)');
      return Number(produced?.value[1] ?? 0) > 0 && Number(consumed?.value[1] ?? 0) > 0 ? true : undefined;
    }, 60_000);

    // The real services' metrics pass promtool's lint (prom-client's own defaults excepted by name).
    for (const exposition of [await processor?.metrics(), await (await fetch(`http://127.0.0.1:${PORTS.collector}/metrics`)).text()]) {
      expect(exposition).toMatch(/^callwatch_/m);
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
      const findings = `${lint.stdout}${lint.stderr}`.split('\n').filter((l) => l.trim() !== '' && !/^callwatch_nodejs_active_(handles|requests|resources)_total non-counter/.test(l));
      expect(findings).toEqual([]);
    }

    // With the seconds-long test windows a slow batch on a busy machine can make the lag grow for a
    // moment; the stall starts from a quiet rule, so the alert that follows is the stall's.
    await waitFor('the lag rule quiet while the processors keep up', async () => ((await promQuery('ALERTS{alertname="CallwatchConsumerLagGrowing"}')).length === 0 ? true : undefined), 120_000, 500);

    // Stall: the processors stop; the collector keeps taking records.
    const stoppedAt = Date.now();
    processor?.kill('SIGTERM');
    const exit = await processor?.exited;
    expect(exit?.code).toBe(0);
    const sentAtStop = sent;

    const alert = await waitFor(
      'the consumer-lag alert at the webhook',
      () => Promise.resolve(received.flatMap((m) => m.alerts).find((a) => a.labels.alertname === 'CallwatchConsumerLagGrowing' && a.status === 'firing' && Date.parse(a.startsAt) >= stoppedAt - 2_000)),
      150_000,
      500,
    );
    expect(sent).toBeGreaterThan(sentAtStop);
    expect(alert.labels).toMatchObject({ severity: 'critical', service: 'callwatch', category: 'pipeline' });
    expect(alert.annotations.summary).toBe('Consumer lag has grown for 15 minutes on end');
    expect(alert.annotations.grafana_dashboard_uid).toBe('callwatch-pipeline-health');
    // (It became active after the stall began, within a scrape's slack: the find above requires it.)
    expect(received.find((m) => m.alerts.some((a) => a.labels.alertname === 'CallwatchConsumerLagGrowing'))?.receiver).toBe('test-webhook');

    // Prometheus's own view agrees, and the stopped processor is reported down as well.
    const firing = await promQuery('ALERTS{alertstate="firing"}');
    expect(firing.map((s) => s.metric.alertname)).toContain('CallwatchConsumerLagGrowing');
    await waitFor('service-down alert for the processors', () => Promise.resolve(received.flatMap((m) => m.alerts).find((a) => a.labels.alertname === 'CallwatchServiceDown' && a.labels.job === 'callwatch-processors')), 60_000, 500);
    expect(readFileSync(join(dir, 'prometheus.log'), 'utf8')).not.toMatch(/level=error.*(rule|notify)/i);
  }, 300_000);
});
