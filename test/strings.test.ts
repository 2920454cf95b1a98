import { describe, expect, it } from 'vitest';
import { detach, intern } from '../core/strings.js';

/** Texts a log line holds: a URL, a Referer, a long number (an index-like property name), non-ASCII, a control character. */
const TEXTS = [
  '/orders/123/pay?session=abcdef',
  'https://shop.example/checkout/confirm',
  '12345678901234567890',
  '4294967294',
  '/caf\u00e9/\u65e5\u672c\u8a9e/\u{1f600}/long-enough',
  '/a\u0000b\u001bc/long-enough-text',
  'constructor.prototype.__proto__',
  'short',
  '',
];

describe('strings kept past their line', () => {
  for (const copy of [detach, intern]) {
    it(`${copy.name} gives back the same text, cut from a line or not`, () => {
      for (const t of TEXTS) {
        const line = `GET ${t} HTTP/1.1`;
        const cut = line.slice(4, 4 + t.length);
        expect(copy(cut)).toBe(t);
        expect(copy(t)).toBe(t);
      }
    });
  }

  it('intern gives each text its own answer, one after another', () => {
    const out = TEXTS.map((t) => intern(t));
    expect(out).toEqual(TEXTS);
    // Asked again in another order: nothing left over from an earlier call answers instead.
    expect([...TEXTS].reverse().map((t) => intern(t))).toEqual([...TEXTS].reverse());
  });
});
