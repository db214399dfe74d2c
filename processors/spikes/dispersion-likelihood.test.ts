import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { censoredDispersion, logGamma } from './dispersion-likelihood.ts';
import { negativeBinomial } from './noufaily.ts';

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9); // log 100!
  });
});

describe('censoredDispersion', () => {
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
  const rng = new Rng(11);
  // 40 series of 260 weeks at the Noufaily set-4 level (mean 1.65, φ 5): the heavy-tailed low counts.
  const series = Array.from({ length: 40 }, () => Array.from({ length: 260 }, () => negativeBinomial(rng, 1.65, 5)));
  const at = (n: number, m: number): number[] => new Array<number>(n).fill(m);

  it('recovers φ = 5 at the true means (median over 40 series within 10%), and 1 for Poisson counts', () => {
    const estimates = series.map((y) => censoredDispersion(y, at(y.length, 1.65), at(y.length, Number.NaN).map(() => null)).dispersion);
    expect(median(estimates)).toBeGreaterThan(4.5);
    expect(median(estimates)).toBeLessThan(5.5);
    const poisson = Array.from({ length: 260 }, () => negativeBinomial(rng, 20, 1));
    const p = censoredDispersion(poisson, at(260, 20), at(260, 0).map(() => null));
    expect(p.dispersion).toBeLessThan(1.3);
  });

  it('a censored week counts as "at least its cut": an outbreak of 200 does not inflate φ, as its exact value does', () => {
    const y = [...(series[0] ?? [])];
    const cuts: (number | null)[] = y.map(() => null);
    const clean = censoredDispersion(y, at(260, 1.65), cuts).dispersion;
    y[100] = 200;
    const exact = censoredDispersion(y, at(260, 1.65), cuts).dispersion;
    cuts[100] = 12;
    const censored = censoredDispersion(y, at(260, 1.65), cuts).dispersion;
    expect(exact).toBeGreaterThan(1.3 * clean);
    expect(Math.abs(censored - clean) / clean).toBeLessThan(0.1);
  });

  it('gives a relative standard error that shrinks with more weeks', () => {
    const y = series.flat();
    const short = censoredDispersion(y.slice(0, 260), at(260, 1.65), at(260, 0).map(() => null));
    const long = censoredDispersion(y.slice(0, 2600), at(2600, 1.65), at(2600, 0).map(() => null));
    expect(short.relativeError).toBeGreaterThan(0.05);
    expect(long.relativeError).toBeLessThan(short.relativeError / 2);
  });
});
