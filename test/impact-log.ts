/**
 * The traffic of issue #15, small: a log (Location logged, so pairing is exact and the test is about the
 * reports) where
 * - 62 addresses share the User-Agent `LegacyClient/1.0` and keep POST after the 303 of `POST /checkout`;
 * - 54 addresses of `OtherLib/2.0` turn the POST of a 307 into a GET;
 * - browsers GET 400 distinct `/old/page{N}` answered 301, and 10% never follow (the target is cached);
 * - an 11-minute stretch with no request at all.
 * The checkout route is the one with the most affected traffic; the `/old/page{N}` routes must not bury it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { ROOT } from './exec.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function line(t: number, ip: string, method: string, path: string, status: number, ua: string, location = '-', length = 0): string {
  const d = new Date(t);
  const p2 = (x: number) => String(x).padStart(2, '0');
  const local = `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
  return `${ip} - - [${local}] "${method} ${path} HTTP/1.1" ${status} 12 "-" "${ua}" "-" 0.004 ${(t / 1000).toFixed(3)} "${location}" ${length} 200 shop.example`;
}

export const LEGACY = { ua: 'LegacyClient/1.0', addresses: 62, software: 'LegacyClient 1.0' };
export const OTHER = { ua: 'OtherLib/2.0', addresses: 54, software: 'OtherLib 2.0' };
export const PAGES = 400;

/** Writes the log and returns its path. */
export function writeImpactLog(): string {
  const out: string[] = [];
  let t = Date.parse('2026-11-25T15:21:00Z');
  const step = () => (t += 400);
  // Browsers walk old pages: 301 to the new page, followed but for every tenth (cached).
  for (let i = 1; i <= PAGES; i++) {
    const ip = `198.51.100.${(i % 40) + 1}`;
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    out.push(line(step(), ip, 'GET', `/old/page${i}`, 301, ua, `/new/page${i}`));
    if (i % 10 !== 0) out.push(line(step(), ip, 'GET', `/new/page${i}`, 200, ua));
    if (i === PAGES / 2) t += 11 * 60_000; // 11 minutes of silence
  }
  // Checkout: 303 then the client repeats the POST (5 each).
  for (let k = 0; k < 5; k++) {
    for (let a = 1; a <= LEGACY.addresses; a++) {
      const ip = `10.1.${Math.floor(a / 200)}.${a % 200}`;
      out.push(line(step(), ip, 'POST', '/checkout', 303, LEGACY.ua, '/checkout/done', 120));
      out.push(line(step(), ip, 'POST', '/checkout/done', 200, LEGACY.ua, '-', 120));
    }
  }
  // Uploads: 307 then GET.
  for (let a = 1; a <= OTHER.addresses; a++) {
    const ip = `10.2.0.${a}`;
    out.push(line(step(), ip, 'POST', '/api/upload', 307, OTHER.ua, '/api/v2/upload', 5000));
    out.push(line(step(), ip, 'GET', '/api/v2/upload', 200, OTHER.ua));
  }
  const dir = `${ROOT}test/output`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/impact.log`;
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}
