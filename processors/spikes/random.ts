// A small seeded random source for the synthetic data set: the same seed gives the same data on every
// machine and Node version (Math.random cannot be seeded).

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  normal(): number;
  /** Gamma(shape, scale = 1/shape): mean 1, variance 1/shape. */
  gammaMeanOne(shape: number): number;
  poisson(mean: number): number;
}

/** mulberry32: 32-bit state, good enough statistical quality for test data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    // Box–Muller; 1 − u keeps the logarithm finite.
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const gammaMeanOne = (shape: number): number => {
    // Marsaglia–Tsang for shape ≥ 1, scaled to mean 1.
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / shape;
    }
  };
  const poisson = (mean: number): number => {
    if (mean <= 0) return 0;
    if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    // Knuth: multiply uniforms until the product falls below e^−mean.
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = next();
    while (prod > limit) {
      k += 1;
      prod *= next();
    }
    return k;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal,
    gammaMeanOne,
    poisson,
  };
}
