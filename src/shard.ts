/**
 * Shards: which process (of N) reports on which client. The rule is public, so that a log shipper, a Kafka
 * producer or a NATS publisher written in another language can route lines the same way:
 *
 *   shard = FNV-1a-32(UTF-8 bytes of the client's address) mod N
 *
 * FNV-1a 32-bit: h = 0x811c9dc5; for each byte b: h = (h XOR b) * 0x01000193 mod 2^32. The address is the remote
 * address as logged, or with `--client-key forwarded-for` the first X-Forwarded-For address when there is one
 * (`clientAddress` in core/model.ts). Example: "127.0.0.1" hashes to 0x08a3d11e (144953630), shard 2 of 4.
 *
 * Why the address alone and not address + User-Agent (the client of docs/semantics.md, 3.1): the pairing takes
 * a request from the same address under another User-Agent as a follow-up (`pairing.otherAgent`), so every
 * identity behind one address must be in the same shard for N shards to report what one process does.
 */
import { clientAddress, type HttpRecord } from '../core/model.js';
import { AuditError } from '../core/errors.js';
import type { PairingOptions } from './pairing.js';

export interface Shard {
  /** 0-based index of this shard. */
  index: number;
  /** How many shards there are. */
  count: number;
}

const encoder = new TextEncoder();

/** FNV-1a 32-bit over the UTF-8 bytes of `s`, as an unsigned number. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return fnvBytes(encoder.encode(s));
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

function fnvBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/** The shard of an address among `count`. */
export function shardOfAddress(address: string, count: number): number {
  return count <= 1 ? 0 : fnv1a32(address) % count;
}

/** The shard of a record's client. */
export function shardOf(r: HttpRecord, count: number, clientKey: PairingOptions['clientKey'] = 'address'): number {
  return shardOfAddress(clientAddress(r, clientKey), count);
}

/** `K/N` (0 ≤ K < N): the `--shard` option. */
export function parseShard(v: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 0) || index >= count || count > 65_536) {
    throw new AuditError('USAGE', `--shard "${v}": expected K/N with 0 <= K < N, e.g. 0/4 (Kubernetes: $JOB_COMPLETION_INDEX/N)`);
  }
  return { index, count };
}

/** Whether a record belongs to a shard. */
export function shardFilter(shard: Shard, clientKey: PairingOptions['clientKey'] = 'address'): (r: HttpRecord) => boolean {
  if (shard.count <= 1) return () => true;
  return (r) => shardOf(r, shard.count, clientKey) === shard.index;
}
