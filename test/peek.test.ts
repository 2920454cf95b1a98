/**
 * src/peek.ts: what the first bytes of an input say about where it is read. JSON documents (trace exports, a
 * logging service's array) stay in the main thread by default; line logs (JSON lines too) and HAR go to workers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { peekFile, startsDocument, withHead } from '../src/peek.js';
import { ROOT } from './exec.js';

const FORMATS = `${ROOT}test/fixtures/formats/`;

describe('startsDocument', () => {
  it('is true for exactly the document formats among the format fixtures and samples, gzip or not', () => {
    const documents: string[] = [];
    const inputs = [
      ...readdirSync(FORMATS).filter((f) => !f.endsWith('.md')).map((f) => FORMATS + f),
      ...['capture-otel.jsonl', 'capture-chromium.har', 'capture-json.log', 'capture-combined.log'].map((f) => `${ROOT}samples/${f}`),
    ];
    for (const path of inputs) {
      const head = peekFile(path)!;
      expect(head.length).toBeGreaterThan(0);
      expect(startsDocument(gzipSync(readFileSync(path)).subarray(0, 4096)), path).toBe(startsDocument(head));
      if (startsDocument(head)) documents.push(path.slice(path.lastIndexOf('/') + 1));
    }
    expect(documents.sort()).toEqual(['capture-otel.jsonl', 'es-search.json', 'gcp-logging.json', 'jaeger.json', 'zipkin.json']);
  });

  it('reads at most 64 KiB of a file, and nothing of one that cannot be opened', () => {
    expect(peekFile(`${ROOT}samples/capture-combined.log`)!.length).toBe(Math.min(64 * 1024, readFileSync(`${ROOT}samples/capture-combined.log`).length));
    expect(peekFile(`${ROOT}no/such/file.log`)).toBeNull();
    expect(startsDocument(new Uint8Array(0))).toBe(false);
    expect(startsDocument(Buffer.from([0x1f, 0x8b, 0, 1, 2]))).toBe(false);
  });
});

describe('withHead', () => {
  it('gives the bytes looked at and then the rest, in order', async () => {
    const rest = Readable.from([Buffer.from('b\n'), Buffer.from('c\n')]);
    const chunks: Buffer[] = [];
    for await (const c of withHead(Buffer.from('a\n'), rest)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('a\nb\nc\n');
    const same = Readable.from([Buffer.from('x')]);
    expect(withHead(new Uint8Array(0), same)).toBe(same);
  });
});
