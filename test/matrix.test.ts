/**
 * The shape matrix's split of the cost of a line (bench/matrix.ts `splitCost`): from cells that differ only in their
 * share of redirects, the cost of a line without a redirect and of a redirect line.
 */
import { describe, expect, it } from 'vitest';
import { splitCost, type CostPoint } from '../bench/matrix.js';

const at = (share: number, us: number): CostPoint => ({ name: `redirects-${share * 100}`, share, us });

describe('bench/matrix.ts splitCost', () => {
  it('recovers the two costs from cells on a line', () => {
    // 4 µs a plain line, 40 µs a redirect line.
    const cost = (s: number) => 4 * (1 - s) + 40 * s;
    const split = splitCost([0.01, 0.05, 0.2, 0.5, 0.9].map((s) => at(s, cost(s))))!;
    expect(split.plain).toBeCloseTo(4, 9);
    expect(split.redirect).toBeCloseTo(40, 9);
  });

  it('puts a cost that grows with the share of redirects above the line at both ends and below it between', () => {
    // A redirect that scans the others open: its cost grows with their share, so the cells bend upwards.
    const cost = (s: number) => 4 * (1 - s) + (20 + 60 * s) * s;
    const points = [0.05, 0.2, 0.5, 0.9].map((s) => at(s, cost(s)));
    const split = splitCost(points)!;
    const fit = (s: number) => split.plain + (split.redirect - split.plain) * s;
    expect(points[0]!.us).toBeGreaterThan(fit(0.05));
    expect(points[2]!.us).toBeLessThan(fit(0.5));
    expect(points[3]!.us).toBeGreaterThan(fit(0.9));
  });

  it('needs two distinct shares', () => {
    expect(splitCost([])).toBeNull();
    expect(splitCost([at(0.05, 5)])).toBeNull();
    expect(splitCost([at(0.05, 5), at(0.05, 6)])).toBeNull();
  });
});
