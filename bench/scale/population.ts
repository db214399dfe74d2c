import type { Rng } from '../../core/rng.ts';
import { makePopulation, type Queue } from '../load/population.ts';

// A national-scale population for the scale benchmark. The demo's population (bench/load/population.ts)
// draws from Ofcom's drama ranges, ~19,000 numbers in all, so it cannot hold the million subscribers
// of a 100M-CDR year. Here the population grows with the volume, so that each number behaves the same
// at every size (which is what "number look-ups nearly flat from 1M to 100M" is about):
// - subscribers: one per 100 CDRs of the year (10,000 at 1M … 1,000,000 at 100M), ~1.4 calls a week;
// - robocallers: one per 200,000 CDRs (at least 6), each making about 2,000 calls a week;
// - nuisance numbers, reported but not in the CDRs: one per 26 reported calls, so a number gets
//   0–2 reports a typical week (skewed: some get many more);
// - the contact centre: the demo's queues (drama 03 range), reused as they are.
// Numbers are in country code +999, which ITU keeps unassigned, so no generated number is a real line;
// each kind has its own block and numbers are spread over the block (a bijective scramble of the
// index) so that a prefix selects a slice of the population, as a block of a real range would.

export const NUMBER_BLOCK = 100_000_000;
const BLOCK = NUMBER_BLOCK;
// Odd and not a multiple of 5: coprime with 10^8, so i -> (i * MULT + OFFSET) mod 10^8 is a bijection.
export const MULT = 54_435_761;
/** MULT · MULT_INVERSE ≡ 1 (mod 10^8): the block number back to the index (amplify.ts). */
export const MULT_INVERSE = 45_525_841;
export const OFFSET = 1_234_567;

export type NumberKind = 'subscriber' | 'nuisance' | 'robocaller';
const KIND_DIGIT: Readonly<Record<NumberKind, string>> = { subscriber: '1', nuisance: '2', robocaller: '3' };

/** Canonical E.164 of the `index`-th number of a kind: '+999' + kind digit + 8 digits (13 characters, like a UK mobile). */
export function scaleNumber(kind: NumberKind, index: number): string {
  // index * MULT stays below 2^53 for every index below 1.6e8 (the population is far smaller).
  const scrambled = (((index * MULT) % BLOCK) + OFFSET) % BLOCK;
  return `+999${KIND_DIGIT[kind]}${String(scrambled).padStart(8, '0')}`;
}

/** The prefix of numbers of a kind that share the first `digits` of their 8-digit block number. */
export function scalePrefix(kind: NumberKind, blockDigits: string): string {
  return `+999${KIND_DIGIT[kind]}${blockDigits}`;
}

export interface ScaleRobocaller {
  /** null: this robocaller withholds its number (every 7th, like the demo's third). */
  number: string | null;
  weight: number;
  answerRate: number;
}

export interface ScalePopulation {
  subscribers: number;
  nuisanceNumbers: number;
  robocallers: readonly ScaleRobocaller[];
  queues: readonly Queue[];
}

export function scalePopulation(rng: Rng, cdrs: number, reportedCalls: number): ScalePopulation {
  const robocallerCount = Math.max(6, Math.round(cdrs / 200_000));
  const robocallers: ScaleRobocaller[] = [];
  for (let i = 0; i < robocallerCount; i++) {
    robocallers.push({
      number: i % 7 === 2 ? null : scaleNumber('robocaller', i),
      // The demo's steep spread (1/(i+1)) within every group of six, so the busiest make several
      // times the calls of the quietest at every size.
      weight: 1 / ((i % 6) + 1),
      answerRate: 0.08 + 0.12 * rng.next(),
    });
  }
  const { queues } = makePopulation(rng, { subscribers: 0, robocallers: 0, queues: 6, agentsPerQueue: 12 });
  return {
    subscribers: Math.max(1_000, Math.round(cdrs / 100)),
    nuisanceNumbers: Math.max(500, Math.round(reportedCalls / 26)),
    robocallers,
    queues,
  };
}
