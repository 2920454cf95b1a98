/**
 * `redirect-audit explain TOPIC`: every status code, finding and verdict the tool can print has an explanation,
 * and the explanations say what `docs/semantics.md` says (303 → GET, Post/Redirect/Get; 307/308 → same method,
 * same body). A row added to the table of findings without its prose (or prose without a row) fails this test.
 */
import { describe, expect, it } from 'vitest';
import { FINDINGS, PAIR_FINDINGS, SERVER_FINDINGS, STATUS_TOPICS, VERDICTS } from '../src/findings.js';
import { PROSE } from '../src/findings-prose.js';
import { explain, explainIndex, explainMarkdown, explainTopics } from '../src/explain.js';
import { blocks } from '../src/markdown-terminal.js';

describe('the prose and the table of findings', () => {
  it.each(FINDINGS.map((f) => [f.scope, f.name]))('the %s finding %s has prose', (_scope, name) => {
    expect(Object.keys(PROSE)).toContain(name);
  });

  it.each(Object.keys(PROSE))('the topic %s is a row of the table, a status code or a verdict', (topic) => {
    const known = new Set<string>([...FINDINGS.map((f) => f.name), ...STATUS_TOPICS, ...VERDICTS]);
    expect(known.has(topic)).toBe(true);
  });

  it.each(Object.keys(PROSE))('the Markdown of %s is one # title, then ## sections', (topic) => {
    const b = blocks(explainMarkdown(topic)!);
    expect(b[0]!.kind).toBe('title');
    expect(b.filter((x) => x.kind === 'title')).toHaveLength(1);
    expect(b[1]!.kind).toBe('heading');
    expect(b.length).toBeGreaterThan(2);
    expect(explainMarkdown(topic)).not.toMatch(/\$\{/); // every ${NAME} was put in
  });

  it('every row has a one-line recommendation and a rank unique within its scope', () => {
    for (const f of FINDINGS) {
      expect(f.recommendation).not.toMatch(/\n/);
      expect(f.recommendation.length).toBeGreaterThan(10);
    }
    const ranks = (scopes: string[]) => FINDINGS.filter((f) => scopes.includes(f.scope)).map((f) => f.rank);
    for (const scopes of [['pair'], ['route', 'chain']]) expect(new Set(ranks(scopes)).size).toBe(ranks(scopes).length);
  });

  it.each(['undetermined', 'left-site', 'location-misresolved', 'misresolves-location'])('explains %s', (topic) => {
    expect(explain(topic)).toContain(topic);
  });

  it('renders paragraphs wrapped anywhere in the source as one paragraph', () => {
    expect(explain('location-misresolved')).toMatch(/RFC 9110 section\n?\s*10\.2\.2/);
  });
});

describe('explain', () => {
  it.each(explainTopics())('renders %s as non-empty plain text wrapped at 100 columns', (topic) => {
    const text = explain(topic);
    expect(text).not.toBeNull();
    expect(text!.trim().split('\n').length).toBeGreaterThan(3);
    for (const line of text!.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).not.toMatch(/\x1b/);
  });

  it.each([...PAIR_FINDINGS])('explains the per-pair finding %s', (finding) => {
    expect(explainTopics()).toContain(finding);
    expect(explain(finding)).toContain(finding);
  });

  it.each([...SERVER_FINDINGS])('explains the server finding %s', (finding) => {
    expect(explainTopics()).toContain(finding);
    expect(explain(finding)).toContain(finding);
  });

  it.each([...VERDICTS])('explains the verdict %s', (verdict) => {
    expect(explainTopics()).toContain(verdict);
  });

  it.each(['301', '302', '303', '304', '307', '308'])('explains status %s', (code) => {
    expect(explain(code)).toContain(code);
  });

  it('says that a 303 is followed by a GET: Post/Redirect/Get', () => {
    const text = flat(explain('303'));
    expect(text).toContain('GET');
    expect(text).toContain('Post/Redirect/Get');
    expect(text).toMatch(/no body/);
    expect(text).toMatch(/curl with -X METHOD and -L/);
  });

  it.each(['307', '308'])('says that a %s is followed with the same method and the same body', (code) => {
    const text = flat(explain(code));
    expect(text).toContain('same method');
    expect(text).toContain('same body');
    expect(text).toContain('needle');
    expect(text).toContain('got 15.0.0 to 15.0.6');
  });

  it('tells heuristic cacheability apart: 301 and 308 yes, 302/303/307 no', () => {
    expect(flat(explain('301'))).toMatch(/cacheable heuristically/);
    expect(flat(explain('308'))).toMatch(/cacheable heuristically/);
    for (const c of ['302', '303', '307']) expect(flat(explain(c))).toMatch(/not cacheable without explicit headers/);
  });

  it('says that 304 is not a redirect', () => {
    expect(flat(explain('304'))).toMatch(/not a redirect/);
  });

  it('says that names label clients and the traffic decides', () => {
    for (const t of ['303', '307', '308', 'mishandles-303', 'correct']) expect(flat(explain(t))).toMatch(/traffic/);
  });

  it('accepts any case and surrounding blanks', () => {
    expect(explain(' Mishandles-303 ')).toBe(explain('mishandles-303'));
  });

  it('returns null for an unknown topic (and for names of object properties)', () => {
    expect(explain('418')).toBeNull();
    expect(explain('nonsense')).toBeNull();
    expect(explain('constructor')).toBeNull();
    expect(explain('')).toBeNull();
  });

  it('lists every topic in the index printed without a topic', () => {
    const index = explainIndex();
    for (const t of explainTopics()) expect(index).toMatch(new RegExp(`(^|[ ,])${t}(,|\\n)`, 'm'));
    for (const line of index.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('bolds headings only when asked', () => {
    expect(explain('303', { color: true })).toMatch(/^\x1b\[1m303 See Other\x1b\[22m/);
  });
});

/** The text with its line breaks undone, so phrases can be matched across wrapped lines. */
function flat(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ');
}
