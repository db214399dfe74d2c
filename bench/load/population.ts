import type { Rng } from '../../core/rng.ts';

/**
 * UK numbers reserved by Ofcom for drama and testing (never allocated to a real line), so generated
 * traffic can never name a real person. National significant prefixes, each followed by `digits`
 * more digits; together ~19,000 distinct numbers, enough for a realistic spread.
 */
const DRAMA_RANGES: readonly { prefix: string; digits: number; kind: 'mobile' | 'geographic' | 'non-geographic' }[] = [
  { prefix: '7700900', digits: 3, kind: 'mobile' },
  { prefix: '2079460', digits: 3, kind: 'geographic' },
  { prefix: '1134960', digits: 3, kind: 'geographic' },
  { prefix: '1144960', digits: 3, kind: 'geographic' },
  { prefix: '1154960', digits: 3, kind: 'geographic' },
  { prefix: '1164960', digits: 3, kind: 'geographic' },
  { prefix: '1174960', digits: 3, kind: 'geographic' },
  { prefix: '1184960', digits: 3, kind: 'geographic' },
  { prefix: '1214960', digits: 3, kind: 'geographic' },
  { prefix: '1314960', digits: 3, kind: 'geographic' },
  { prefix: '1414960', digits: 3, kind: 'geographic' },
  { prefix: '1514960', digits: 3, kind: 'geographic' },
  { prefix: '1614960', digits: 3, kind: 'geographic' },
  { prefix: '1914980', digits: 3, kind: 'geographic' },
  { prefix: '1632960', digits: 3, kind: 'geographic' },
  { prefix: '2896496', digits: 3, kind: 'geographic' },
  { prefix: '2920180', digits: 3, kind: 'geographic' },
  { prefix: '8081570', digits: 3, kind: 'non-geographic' },
];
/** Contact-centre DDIs come from the 03 drama range (03069 990xxx). */
const CONTACT_CENTRE_PREFIX = '3069990';

/** A line in the population: its national significant number (no leading 0, no +44). */
export interface Line {
  nsn: string;
}

export interface Robocaller {
  /** null: the robocaller withholds its number. */
  line: Line | null;
  /** Relative share of all robocalls this one makes. */
  weight: number;
  /** Probability that a called person picks up (robocalls are mostly unanswered). */
  answerRate: number;
}

export interface Queue {
  name: string;
  line: Line;
  agents: readonly string[];
  /** Mean queue wait before an agent answers, ms. */
  meanWaitMs: number;
  /** Mean patience of a caller before abandoning, ms. */
  meanPatienceMs: number;
  /** Median handling time of an answered contact, ms. */
  medianHandleMs: number;
}

export interface PopulationOptions {
  subscribers: number;
  robocallers: number;
  queues: number;
  agentsPerQueue: number;
}

export interface Population {
  subscribers: readonly Line[];
  robocallers: readonly Robocaller[];
  queues: readonly Queue[];
}

const QUEUE_NAMES = ['council-tax', 'housing', 'parking', 'benefits', 'waste', 'adult-social-care', 'planning', 'general'];

function allDramaLines(): Line[] {
  const lines: Line[] = [];
  for (const range of DRAMA_RANGES) {
    const n = 10 ** range.digits;
    for (let i = 0; i < n; i++) lines.push({ nsn: range.prefix + String(i).padStart(range.digits, '0') });
  }
  return lines;
}

/** Fisher–Yates on a copy, driven by the seeded source. */
function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/**
 * Subscribers, robocallers and contact-centre queues, drawn deterministically from the seed.
 * Robocallers get distinct lines that no subscriber has; the third withholds its number.
 */
export function makePopulation(rng: Rng, options: PopulationOptions): Population {
  const lines = shuffled(rng, allDramaLines());
  const wanted = options.subscribers + options.robocallers;
  if (wanted > lines.length) throw new Error(`population of ${wanted} lines exceeds the ${lines.length} drama numbers available`);
  const robocallers: Robocaller[] = [];
  for (let i = 0; i < options.robocallers; i++) {
    robocallers.push({
      line: i === 2 ? null : (lines[options.subscribers + i] ?? null),
      // A steep spread: the busiest robocaller makes several times the calls of the quietest.
      weight: 1 / (i + 1),
      answerRate: 0.08 + 0.12 * rng.next(),
    });
  }
  const queues: Queue[] = [];
  for (let q = 0; q < Math.min(options.queues, QUEUE_NAMES.length); q++) {
    const name = QUEUE_NAMES[q] ?? `queue-${q}`;
    queues.push({
      name,
      line: { nsn: CONTACT_CENTRE_PREFIX + String(q).padStart(3, '0') },
      agents: Array.from({ length: options.agentsPerQueue }, (_, a) => `${name}-agent-${String(a + 1).padStart(2, '0')}`),
      meanWaitMs: rng.between(20, 120) * 1000,
      meanPatienceMs: rng.between(90, 240) * 1000,
      medianHandleMs: rng.between(180, 420) * 1000,
    });
  }
  return { subscribers: lines.slice(0, options.subscribers), robocallers, queues };
}

/** The ways people and platforms write one UK number, with how often each is used. */
export type NumberStyle = 'e164' | 'national-spaced' | 'national' | 'international-no-plus';

export function writeNumber(line: Line, style: NumberStyle): string {
  const national = `0${line.nsn}`;
  switch (style) {
    case 'e164':
      return `+44${line.nsn}`;
    case 'national':
      return national;
    case 'international-no-plus':
      return `44${line.nsn}`;
    case 'national-spaced':
      // 07700 900123 / 020 7946 0123 / 0113 496 0123: split after the area code as people write it.
      if (national.startsWith('02')) return `${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`;
      if (national.startsWith('01') && (national[2] === '1' || national[3] === '1')) return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`;
      return `${national.slice(0, 5)} ${national.slice(5)}`;
  }
}
