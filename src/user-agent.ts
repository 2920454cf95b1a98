/**
 * A small User-Agent family/version extractor, for labels only: reports group clients by the software they run
 * (`curl 8.5.0`, `Chrome 131`, `python-requests 2.32.3`). It never decides a verdict: verdicts come from the
 * traffic (docs/semantics.md, section 2), and the tests check that replacing every User-Agent changes none.
 */

export interface Software {
  /** `curl`, `Chrome`, `python-requests`, `(no User-Agent)`. */
  family: string;
  /** `8.5.0`; browsers by major version (`131`); null when the User-Agent names none. */
  version: string | null;
  /** `family version`, or the family alone. */
  label: string;
}

export const NO_USER_AGENT = '(no User-Agent)';

/** Browsers behind `Mozilla/5.0 (...)`, most specific first: Edge and Opera also say Chrome, Chrome says Safari. */
const BROWSERS: readonly [token: string, family: string][] = [
  ['Edg/', 'Edge'],
  ['EdgA/', 'Edge'],
  ['OPR/', 'Opera'],
  ['SamsungBrowser/', 'Samsung Internet'],
  ['YaBrowser/', 'Yandex Browser'],
  ['Vivaldi/', 'Vivaldi'],
  ['HeadlessChrome/', 'HeadlessChrome'],
  ['CriOS/', 'Chrome'],
  ['Chrome/', 'Chrome'],
  ['Chromium/', 'Chromium'],
  ['FxiOS/', 'Firefox'],
  ['Firefox/', 'Firefox'],
];

/** Crawlers that put their name inside the comment of a `Mozilla/5.0 (compatible; Googlebot/2.1; ...)`. */
const COMPATIBLE = /\(compatible;\s*([A-Za-z][\w.-]*)\/([\w.]+)/;

const MAX_FAMILY = 40;

function make(family: string, version: string | null): Software {
  const f = family.length > MAX_FAMILY ? `${family.slice(0, MAX_FAMILY - 1)}…` : family;
  return { family: f, version, label: version ? `${f} ${version}` : f };
}

/** The major version of a dotted version: `131.0.6778.85` → `131`. */
function major(v: string): string {
  const m = /^\d+/.exec(v);
  return m ? m[0] : v;
}

/** The family and version a User-Agent names (labels only). */
export function softwareOf(userAgent: string | null): Software {
  const ua = (userAgent ?? '').trim();
  if (ua === '' || ua === '-') return make(NO_USER_AGENT, null);
  if (ua.startsWith('Mozilla/')) {
    const compat = COMPATIBLE.exec(ua);
    if (compat && !/MSIE /.test(ua)) return make(compat[1]!, compat[2]!);
    for (const [token, family] of BROWSERS) {
      const at = ua.indexOf(token);
      if (at >= 0) {
        const m = /^[\w.]+/.exec(ua.slice(at + token.length));
        return make(family, m ? major(m[0]) : null);
      }
    }
    const msie = /MSIE (\d+)/.exec(ua) ?? /Trident\/.*rv:(\d+)/.exec(ua);
    if (msie) return make('Internet Explorer', msie[1]!);
    if (ua.includes('Safari/')) {
      const v = /Version\/([\d.]+)/.exec(ua);
      return make('Safari', v ? major(v[1]!) : null);
    }
  }
  // A product token first: `curl/8.5.0`, `python-requests/2.32.3`, `Go-http-client/1.1`, `Wget/1.21.4 (linux-gnu)`.
  const product = /^([^\s/;()]+)\/([^\s;()]+)/.exec(ua);
  if (product) return make(product[1]!, product[2]!);
  // No version: the first word (`Java`, `okhttp`), or the whole string when it is one.
  const word = /^[^\s;()]+/.exec(ua);
  return make(word ? word[0] : ua, null);
}
