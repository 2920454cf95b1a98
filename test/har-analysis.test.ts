/**
 * Every public HAR through the whole analysis: redirects (3xx other than 304 and other than Chrome's own HSTS
 * 307), redirect chains, internal redirects and the verdict of the capture's browser. The redirect and internal
 * counts agree with test/fixtures/har/PROVENANCE.md, counted there independently from the files.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../src/run.js';

const DIR = new URL('./fixtures/har/', import.meta.url).pathname;

//  file, redirects, chains, internal redirects, verdicts of the clients with redirects
const PINS: [string, number, number, number, string[]][] = [
  ['gatling__gatling__gatling-recorder__src__test__resources__har__charles42__redirect-post.har', 1, 1, 0, ['correct']],
  ['gatling__gatling__gatling-recorder__src__test__resources__har__chrome61__redirect-post.har', 1, 1, 0, ['correct']],
  ['gatling__gatling__gatling-recorder__src__test__resources__har__firefox56__redirect-post.har', 1, 1, 0, ['correct']],
  ['janodvarko__harviewer__selenium__tests__hars__noPages.har.gz', 1, 1, 0, ['correct']],
  // theverge.com → http://www.theverge.com/ → https://www.theverge.com/: one chain of two hops.
  ['microsoft__playwright__tests__assets__har-redirect.har', 2, 1, 0, ['correct']],
  ['mitmproxy__mitmproxy__test__mitmproxy__data__har_files__with-bom.har', 0, 0, 0, []],
  ['sitespeedio__coach-core__test__har__files__headerSize2.har.gz', 12, 9, 0, ['correct']],
  ['sitespeedio__pagexray__test__files__contentTypes__linkedin.har', 4, 2, 0, ['correct']],
  // A four-hop document chain (with a self-redirect and an https→http hop) and one ad redirect; 2 HSTS 307s.
  ['sitespeedio__pagexray__test__files__redirect__arcelormittal.com.har', 5, 2, 2, ['correct']],
  ['sitespeedio__pagexray__test__files__redirect__frontendredirect.har', 0, 0, 0, []],
  ['sitespeedio__pagexray__test__files__redirect__mousel.lu.har', 1, 1, 2, ['correct']],
  // 1 → 2 → 3 (to the SSO host and back), and four single redirects of third-party tags: five chains.
  ['sitespeedio__pagexray__test__files__redirect__redirect-and-redirect-back.har', 7, 5, 0, ['correct']],
  ['sitespeedio__pagexray__test__files__redirect__www.etat.lu.har', 2, 1, 0, ['correct']],
  ['sitespeedio__pagexray__test__files__www.nytimes.com.har.gz', 44, 37, 0, ['correct']],
  ['sitespeedio__sitespeed.io__test__fixtures__www-theverge-com.har.gz', 54, 34, 0, ['correct']],
  ['webrecorder__har2warc__test__data__example.har.gz', 1, 1, 1, ['correct']],
  ['webrecorder__har2warc__test__data__http2.github.io.har.gz', 1, 1, 0, ['correct']],
];

describe('public HARs through the whole analysis', () => {
  it.each(PINS)('%s: %i redirects, %i chains, %i internal', async (file, redirects, chains, internal, verdicts) => {
    const r = await analyzeFiles([DIR + file]);
    expect(r.inputs[0]!.format).toBe('har');
    expect(r.totals.redirects).toBe(redirects);
    expect(r.monitoring.overall.chains).toBe(chains);
    expect(r.totals.internalRedirects).toBe(internal);
    expect(r.clients.map((c) => c.verdict)).toEqual(verdicts);
    expect(r.totals.pairing.inferred).toBe(0);
  });

  it('names the https→http hop of the Playwright capture, and keeps the HSTS hops out of server figures', async () => {
    const pw = await analyzeFiles([`${DIR}microsoft__playwright__tests__assets__har-redirect.har`]);
    expect(pw.monitoring.findings.map((f) => [f.finding, f.route])).toContainEqual(['insecure-downgrade', 'GET /']);
    const iana = await analyzeFiles([`${DIR}webrecorder__har2warc__test__data__example.har.gz`]);
    expect(iana.monitoring.findings.filter((f) => f.finding === 'internal-redirect').map((f) => f.count)).toEqual([1]);
    // The internal 307 is neither a request nor a redirect in the figures.
    expect(iana.monitoring.overall.requests).toBe(iana.totals.records - 1);
  });
});
