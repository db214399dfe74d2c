import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseYamlSubset } from '../test/dashboards/yaml-subset.ts';

// The Grafana alert-rule provisioning file checked the way Grafana's file provisioning reads it
// (Grafana docs "Provision alert rules using configuration files", and the checks its provisioning
// applies when it maps the file to rules: pkg/services/provisioning/alerting/rules_types.go and the
// ngalert rule model), written here from that documented format:
//   group: name and folder not blank, interval a Prometheus duration (and, for the scheduler, a
//          positive multiple of its 10 s base interval), orgId ≥ 1;
//   rule:  title and uid not blank (uid ≤ 40 characters of [A-Za-z0-9_-]), condition not blank and
//          the refId of one of its queries, at least one query, `for` a Prometheus duration when
//          given, noDataState one of Alerting / NoData / OK / KeepLast, execErrState one of
//          Alerting / Error / OK / KeepLast; titles unique within a folder, uids unique.
// Each query: refId, datasourceUid, a model; expressions (__expr__) name only queries that exist.

const FILE = fileURLToPath(new URL('./provisioning/alerting/callwatch-rules.yaml', import.meta.url));

/** Prometheus's model.ParseDuration: units y w d h m s ms in that order, or "0". */
const PROM_DURATION = /^(?:0|(?=\d)(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?)$/;
const UNIT_MS: Readonly<Record<string, number>> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const BASE_INTERVAL_MS = 10_000;
const NO_DATA = new Set(['Alerting', 'NoData', 'OK', 'KeepLast']);
const EXEC_ERR = new Set(['Alerting', 'Error', 'OK', 'KeepLast']);

function durationMs(text: string): number {
  return [...text.matchAll(/(\d+)(ms|[ywdhms])/g)].reduce((sum, m) => sum + Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN), 0);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** What Grafana's provisioning would refuse in this file, one message per problem. */
export function provisioningProblems(file: unknown): string[] {
  const out: string[] = [];
  if (!isObj(file)) return ['not a mapping'];
  if (file.apiVersion !== 1) out.push('apiVersion must be 1');
  const groups = Array.isArray(file.groups) ? file.groups : [];
  if (groups.length === 0) out.push('no groups');
  const uids = new Set<string>();
  const titles = new Set<string>();
  for (const g of groups) {
    if (!isObj(g)) {
      out.push('a group is not a mapping');
      continue;
    }
    const name = text(g.name).trim();
    if (name === '') out.push('rule group has no name set');
    if (text(g.folder).trim() === '') out.push(`group ${name}: rule group has no folder set`);
    const interval = text(g.interval);
    if (!PROM_DURATION.test(interval)) out.push(`group ${name}: interval ${JSON.stringify(interval)} is not a duration`);
    else if (durationMs(interval) <= 0 || durationMs(interval) % BASE_INTERVAL_MS !== 0) out.push(`group ${name}: interval must be a positive multiple of 10s`);
    if (g.orgId !== undefined && !(typeof g.orgId === 'number' && g.orgId >= 1)) out.push(`group ${name}: orgId must be 1 or more`);
    const rules = Array.isArray(g.rules) ? g.rules : [];
    if (rules.length === 0) out.push(`group ${name}: no rules`);
    for (const r of rules) {
      if (!isObj(r)) {
        out.push(`group ${name}: a rule is not a mapping`);
        continue;
      }
      const title = text(r.title);
      const uid = text(r.uid);
      if (title === '') out.push('rule has no title set');
      if (uid === '') out.push(`rule '${title}' failed to parse: no UID set`);
      else if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid)) out.push(`rule '${title}': uid must be at most 40 of A-Z a-z 0-9 _ -`);
      if (uids.has(uid)) out.push(`rule '${title}': uid ${uid} used twice`);
      uids.add(uid);
      const folderTitle = `${text(g.folder)}/${title}`;
      if (titles.has(folderTitle)) out.push(`rule '${title}': title used twice in folder ${text(g.folder)}`);
      titles.add(folderTitle);
      const forText = text(r.for);
      if (forText !== '' && !PROM_DURATION.test(forText)) out.push(`rule '${title}' failed to parse 'for' field: ${forText}`);
      if (r.noDataState !== undefined && !NO_DATA.has(text(r.noDataState))) out.push(`rule '${title}': unknown NoData state option ${text(r.noDataState)}`);
      if (r.execErrState !== undefined && !EXEC_ERR.has(text(r.execErrState))) out.push(`rule '${title}': unknown Error state option ${text(r.execErrState)}`);
      const data = Array.isArray(r.data) ? r.data.filter(isObj) : [];
      if (data.length === 0) out.push(`rule '${title}' failed to parse: no data set`);
      const refIds = new Set(data.map((q) => text(q.refId)));
      const condition = text(r.condition);
      if (condition === '') out.push(`rule '${title}' failed to parse: no condition set`);
      else if (!refIds.has(condition)) out.push(`rule '${title}': condition ${condition} names no query`);
      for (const q of data) {
        if (text(q.refId) === '' || text(q.datasourceUid) === '' || !isObj(q.model)) out.push(`rule '${title}': a query lacks refId, datasourceUid or model`);
        const range = isObj(q.relativeTimeRange) ? q.relativeTimeRange : undefined;
        if (range && !(Number(range.from) >= Number(range.to))) out.push(`rule '${title}' query ${text(q.refId)}: relativeTimeRange from must be at or before to`);
        if (text(q.datasourceUid) === '__expr__' && isObj(q.model) && q.model.expression !== undefined && !refIds.has(text(q.model.expression))) {
          out.push(`rule '${title}' expression ${text(q.refId)} reads ${text(q.model.expression)}, which is not a query`);
        }
      }
    }
  }
  return out;
}

const committed = parseYamlSubset(readFileSync(FILE, 'utf8'));
const copy = (): Obj => JSON.parse(JSON.stringify(committed)) as Obj;
const firstGroup = (f: Obj): Obj => (f.groups as Obj[])[0] ?? {};
const firstRule = (f: Obj): Obj => (firstGroup(f).rules as Obj[])[0] ?? {};

describe("Grafana alert-rule provisioning file (Grafana's documented file format)", () => {
  it('the committed file has nothing Grafana would refuse', () => {
    expect(provisioningProblems(committed)).toEqual([]);
    expect((copy().groups as Obj[]).flatMap((g) => g.rules as Obj[]).length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['a rule without uid', (f: Obj) => delete firstRule(f).uid, /no UID set/],
    ['a rule without title', (f: Obj) => (firstRule(f).title = ''), /no title set/],
    ['a rule without condition', (f: Obj) => delete firstRule(f).condition, /no condition set/],
    ['a condition naming no query', (f: Obj) => (firstRule(f).condition = 'Z'), /condition Z names no query/],
    ['a rule without data', (f: Obj) => (firstRule(f).data = []), /no data set/],
    ['an invalid for', (f: Obj) => (firstRule(f).for = '5 minutes'), /'for' field/],
    ['an invalid interval', (f: Obj) => (firstGroup(f).interval = '1.5m'), /is not a duration/],
    ['an interval off the 10 s grid', (f: Obj) => (firstGroup(f).interval = '15s'), /multiple of 10s/],
    ['an unknown no-data state', (f: Obj) => (firstRule(f).noDataState = 'Silent'), /unknown NoData state/],
    ['an unknown error state', (f: Obj) => (firstRule(f).execErrState = 'Panic'), /unknown Error state/],
    ['a group without folder', (f: Obj) => (firstGroup(f).folder = ' '), /no folder set/],
    ['a group without name', (f: Obj) => delete firstGroup(f).name, /no name set/],
    ['a uid used twice', (f: Obj) => ((firstGroup(f).rules as Obj[]).push({ ...firstRule(f), title: 'other' }), 0), /used twice/],
  ])('refuses %s', (_what, breakIt, message) => {
    const f = copy();
    breakIt(f);
    expect(provisioningProblems(f).join('\n')).toMatch(message);
  });
});
