/**
 * An HTTP span (OpenTelemetry, Zipkin, Jaeger) as a record, from its attributes or tags under the OpenTelemetry
 * semantic conventions, stable (`http.request.method`, `url.path`, `http.response.status_code`,
 * `client.address`, `user_agent.original`) and older (`http.method`, `http.target`, `http.status_code`,
 * `net.peer.ip`, `http.user_agent`), with the OpenTracing names Zipkin and Jaeger tracers use (`http.path`,
 * `http.url`, `peer.ipv4`).
 *
 * A server span is the server's record of a request, like an access log line: its client is the peer address
 * (and User-Agent). A client span is the client's own record of a request it sent: its client is the service that
 * sent it (`service.name`), so that every request one service sends is one client's traffic.
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, byteCount, firstForwarded, statusOf } from './format-helpers.js';

/** An attribute's value by key: a string, number, boolean, or a list (captured headers are lists). */
export type AttributeGetter = (key: string) => unknown;

export interface SpanFacts {
  input: number;
  line: number;
  kind: 'server' | 'client';
  get: AttributeGetter;
  /** The `service.name` of the process that recorded the span. */
  service: string | null;
  traceId: string | null;
  /** Start, epoch ms; NaN when unknown. */
  start: number;
  /** ms, or null. */
  duration: number | null;
  /** The remote peer from the span's envelope (Zipkin's remoteEndpoint), when the attributes have none. */
  peer?: string | null | undefined;
  /** A 2xx status is not tagged (Brave, zipkin-js tag `http.status_code` only when it is not 2xx). */
  untaggedStatusIs2xx?: boolean | undefined;
}

/** The first string of a value (a captured header is a list of strings), or null. */
export function one(v: unknown): string | null {
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

function first(get: AttributeGetter, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = one(get(k));
    if (v !== null) return v;
  }
  return null;
}

function hostPort(host: string | null, port: string | null, scheme: string | null): string | null {
  if (host === null) return null;
  if (port === null || (port === '80' && scheme !== 'https') || (port === '443' && scheme === 'https')) return host;
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The record of one HTTP span, or why it is not one. */
export function recordFromSpan(f: SpanFacts): HttpRecord | string {
  const get = f.get;
  const method = first(get, 'http.request.method', 'http.method');
  if (method === null) return `not an HTTP span (no http.request.method or http.method)`;
  let statusRaw: unknown = get('http.response.status_code');
  if (statusRaw === undefined) statusRaw = get('http.status_code');
  let status = statusOf(typeof statusRaw === 'string' || typeof statusRaw === 'number' ? statusRaw : one(statusRaw));
  if (Number.isNaN(status)) {
    if (statusRaw === undefined && f.untaggedStatusIs2xx && get('error') === undefined) status = 200;
    else if (statusRaw === undefined) return 'no response status on this HTTP span (no response was received or sent)';
    else return `bad status ${JSON.stringify(statusRaw)}`;
  }
  const rec = emptyRecord(f.input, f.line);
  rec.method = method.toUpperCase() === method ? method : method.toUpperCase();
  rec.status = status;
  rec.time = f.start;
  rec.timeIs = 'start';
  rec.duration = f.duration;
  rec.traceId = f.traceId;
  rec.service = f.service;
  const scheme = first(get, 'url.scheme', 'http.scheme');
  rec.scheme = scheme;
  const path = first(get, 'url.path');
  if (path !== null) {
    // url.query is without its "?" (instrumentation-undici 0.33 writes it with one).
    const q = first(get, 'url.query');
    rec.target = q === null || q === '?' ? path : q.charCodeAt(0) === 63 ? `${path}${q}` : `${path}?${q}`;
  } else {
    const target = first(get, 'http.target', 'http.path');
    if (target !== null) rec.target = target;
    else {
      const url = first(get, 'url.full', 'http.url');
      if (url === null) return 'HTTP span without a URL (no url.path, http.target, http.path, url.full or http.url)';
      applyTarget(rec, url);
    }
  }
  if (rec.host === null) {
    // A full URL beside the path (Zipkin's http.url, OTel's url.full) still gives scheme and host.
    const url = first(get, 'url.full', 'http.url');
    if (url !== null && /^https?:\/\//i.test(url)) {
      const target = rec.target;
      applyTarget(rec, url);
      rec.target = target;
    }
  }
  if (rec.host === null) {
    if (f.kind === 'server') {
      rec.host =
        hostPort(first(get, 'server.address', 'net.host.name'), first(get, 'server.port', 'net.host.port'), rec.scheme) ?? first(get, 'http.host');
    } else {
      rec.host = hostPort(first(get, 'server.address', 'net.peer.name'), first(get, 'server.port', 'net.peer.port'), rec.scheme);
    }
  }
  rec.userAgent = first(get, 'user_agent.original', 'http.user_agent', 'http.request.header.user-agent');
  if (f.kind === 'server') {
    rec.address =
      first(get, 'client.address', 'net.peer.ip', 'network.peer.address', 'net.sock.peer.addr', 'peer.ipv4', 'peer.ipv6', 'http.client_ip') ??
      f.peer ??
      '-';
    rec.forwardedFor = firstForwarded(first(get, 'http.request.header.x-forwarded-for'));
  } else {
    rec.address = f.service ?? '-';
  }
  const size = first(get, 'http.request.body.size', 'http.request_content_length', 'http.request.header.content-length');
  rec.bodySize = size === null ? null : byteCount(size);
  const loc = get('http.response.header.location');
  if (loc !== undefined) {
    rec.locationLogged = true;
    rec.location = one(loc);
  }
  rec.referer = first(get, 'http.request.header.referer');
  rec.cacheControl = first(get, 'http.response.header.cache-control');
  rec.expires = first(get, 'http.response.header.expires');
  return rec;
}
