/**
 * Route templates (src/route-templates.ts) learnt from the paths a log holds, whatever their order, and added up
 * from parts (shards, nights) into what one run over all of them learns: the merge of partial reports rests on it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RouteTemplates, VARIABLE_AFTER, type TemplateNode } from '../src/route-templates.js';
import { Analyzer } from '../src/analysis.js';
import { rec } from './helpers.js';

/** Paths with positions that take many values (ids, pages), and empty segments (`/old/`, `/orders/7/`). */
const path = fc
  .tuple(
    fc.constantFrom('GET', 'POST'),
    fc.constantFrom('old', 'orders', 'blog'),
    fc.oneof(fc.integer({ min: 0, max: 2 * VARIABLE_AFTER }).map((n) => `p${n}`), fc.constant('')),
    fc.option(fc.oneof(fc.constantFrom('', 'edit', 'pay'), fc.integer({ min: 0, max: 2 * VARIABLE_AFTER }).map((n) => `s${n}`)), { nil: null }),
  )
  .map(([method, top, second, third]) => [method, `/${top}/${second}${third === null ? '' : `/${third}`}`] as const);

/** The learnt templates with keys sorted, so that two learnt in another order compare equal. */
function canonical(t: RouteTemplates): unknown {
  const sort = (n: TemplateNode): unknown =>
    n.v ? { v: sort(n.v) } : n.c ? { c: Object.fromEntries(Object.entries(n.c).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, c]) => [k, sort(c)])) } : {};
  return Object.fromEntries(Object.entries(t.toJSON()).sort(([a], [b]) => (a < b ? -1 : 1)).map(([m, n]) => [m, sort(n)]));
}

function learnt(paths: readonly (readonly [string, string])[]): RouteTemplates {
  const t = new RouteTemplates();
  for (const [m, p] of paths) t.learn(m, p);
  return t;
}

describe('route templates', () => {
  it('are the same whatever order the paths come in, and parts added up learn what one run learns', () => {
    fc.assert(
      fc.property(fc.array(path, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (paths, n, seed) => {
        const whole = learnt(paths);
        // Another order.
        const shuffled = [...paths].sort((a, b) => ((a[1].length * 31 + seed) % 7) - ((b[1].length * 31 + seed) % 7));
        expect(canonical(learnt(shuffled))).toEqual(canonical(whole));
        // n parts (each a share of the paths), added up, through JSON as a partial report carries them.
        const parts = Array.from({ length: n }, () => [] as (readonly [string, string])[]);
        paths.forEach((p, i) => parts[(i * 7 + seed) % n >= 0 ? (i * 7 + seed) % n : 0]!.push(p));
        const merged = new RouteTemplates();
        for (const part of parts) merged.add(RouteTemplates.fromJSON(JSON.parse(JSON.stringify(learnt(part).toJSON()))));
        expect(canonical(merged)).toEqual(canonical(whole));
        for (const [m, p] of paths) expect(merged.template(m, p)).toBe(whole.template(m, p));
      }),
      { numRuns: 200 },
    );
  });

  it('a part\'s template maps to the whole\'s: a position variable in a part is variable in the sum', () => {
    const a = new RouteTemplates();
    for (let i = 0; i <= VARIABLE_AFTER; i++) a.learn('GET', `/orders/${i}x/pay`);
    expect(a.template('GET', '/orders/1x/pay')).toBe('/orders/{var}/pay');
    const b = new RouteTemplates();
    for (let i = 0; i < 3; i++) b.learn('GET', `/orders/${i}y/pay`);
    expect(b.template('GET', '/orders/1y/pay')).toBe('/orders/1y/pay');
    b.add(a);
    expect(b.template('GET', '/orders/1y/pay')).toBe('/orders/{var}/pay');
    expect(b.template('GET', '/orders/{var}/pay')).toBe('/orders/{var}/pay');
  });

  it('an empty segment (a trailing slash) never makes a position variable, before or after the others', () => {
    const first = new RouteTemplates();
    first.learn('GET', '/old/');
    for (let i = 0; i < VARIABLE_AFTER; i++) first.learn('GET', `/old/page${i}`);
    expect(first.template('GET', '/old/page1')).toBe('/old/page1');
    const t = new RouteTemplates();
    for (let i = 0; i < VARIABLE_AFTER; i++) t.learn('GET', `/old/page${i}`);
    t.learn('GET', '/old/');
    expect(t.template('GET', '/old/page1')).toBe('/old/page1');
    t.learn('GET', '/old/one-more');
    expect(t.template('GET', '/old/page1')).toBe('/old/{var}');
    expect(t.template('GET', '/old/')).toBe('/old/');
  });

  it('a summary while following does not count the routes folded into a template again in the final report', () => {
    const a = new Analyzer({ partial: true });
    const pages = VARIABLE_AFTER + 8;
    for (let i = 0; i < pages; i++) a.push(rec({ line: i + 1, time: Date.UTC(2026, 10, 25, 10, 0, i), method: 'GET', target: `/old/page${i}`, status: 200 }));
    const first = a.snapshot([]);
    const second = a.snapshot([]);
    const final = a.finish([]);
    for (const r of [first, second, final]) {
      expect(r.monitoring.routes.find((x) => x.route === 'GET /old/{var}')?.figures.requests).toBe(pages);
      expect(r.partial!.monitoring.routes['GET /old/{var}']![0]).toBe(pages);
    }
  });
});
