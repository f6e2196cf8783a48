/**
 * A small seeded PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit
 * state, period ≥ 2^32, passes PractRand), seeded through splitmix32.
 *
 * Why our own and not a library: the simulator promises the same bytes for the same seed
 * forever, so the generator is part of the output format and must never change under us with
 * a dependency update; `Math.random` cannot be seeded; and a 20-line class with plain 32-bit
 * integer arithmetic is faster than the general-purpose packages (seedrandom's default is
 * ARC4). mulberry32 was rejected because its 2^32 period is within reach of a 100-million-event
 * run that draws several numbers per event.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  /** `seed` is any number; its low 32 bits and its integer part above them both count. */
  constructor(seed: number) {
    let s = (seed >>> 0) ^ Math.floor(seed / 4294967296);
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      return mix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const phi = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  }

  /** Log-normal with the given median and shape. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto with minimum 1 and tail index alpha (heavy-tailed; mean alpha/(alpha-1) when alpha > 1). */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }

  /** Picks an index by cumulative weights (last entry = total). */
  pick(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1]!;
    let i = 0;
    while (i < cumulative.length - 1 && cumulative[i]! <= x) i++;
    return i;
  }
}

/** The splitmix32/murmur3 finaliser: a 32-bit avalanche mix. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A stateless hash of three integers to [0, 2^32): for per-user facts that need no storage. */
export function hash3(a: number, b: number, c: number): number {
  return mix32((mix32((mix32(a) + b) | 0) + c) | 0);
}

/** Running sums of `weights` (for `Prng.pick`). */
export function cumulate(weights: readonly number[]): number[] {
  let total = 0;
  return weights.map((w) => (total += w));
}
