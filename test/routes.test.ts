/** A route is method + path with the query dropped and ids normalised, so one handler is one route. */
import { describe, expect, it } from 'vitest';
import { normalisePath, routeOf } from '../src/routes.js';

describe('route normalisation', () => {
  it.each([
    ['/orders/123/items?x=1', '/orders/{id}/items'],
    ['/a/550e8400-e29b-41d4-a716-446655440000/b', '/a/{uuid}/b'],
    ['/x/0123456789abcdef0123', '/x/{hash}'],
    ['/x/0123456789ABCDEF', '/x/{hash}'],
    ['/x/0123456789abcde', '/x/0123456789abcde'],
    ['/static/main.c2e6f1b9.css', '/static/main.c2e6f1b9.css'],
    ['/v2/users', '/v2/users'],
    ['/', '/'],
    ['/projects/xdotool/', '/projects/xdotool/'],
    ['/a//b/7', '/a//b/{id}'],
    ['/550e8400-e29b-41d4-a716-44665544000-', '/550e8400-e29b-41d4-a716-44665544000-'],
  ])('%s → %s', (target, path) => {
    expect(normalisePath(target)).toBe(path);
  });

  it('returns a path without ids unchanged, and prefixes the method', () => {
    const t = '/checkout/confirm';
    expect(normalisePath(t)).toBe(t);
    expect(routeOf('POST', '/orders/42?utm=x')).toBe('POST /orders/{id}');
  });
});
