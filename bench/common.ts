/** Small helpers shared by the benchmark scenarios (bench/*.ts). */
import { parseArgs } from 'node:util';

/**
 * Numeric `--name value` flags with defaults: every scenario takes its counts this way, so that
 * bench/run.ts can pass small ones (`--quick`) and a user can run one scenario alone.
 */
export function numericFlags<T extends Record<string, number>>(defaults: T, args = process.argv.slice(2)): T {
  const options = Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({ args, options, strict: true });
  const parsed = { ...defaults } as Record<string, number>;
  for (const [name, raw] of Object.entries(values)) {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${String(raw)}`);
    parsed[name] = value;
  }
  return parsed as T;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `x` rounded to `digits` decimals, for JSON output people read. */
export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
