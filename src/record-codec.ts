/**
 * Records in compact columns, for handing them from a parsing worker thread to the analysing main thread.
 *
 * Posting record objects costs more than parsing them (structured clone writes every property name of every
 * object: 2.16 s for 1M records against 0.95 s to parse them, bench/profile.md). Here a batch is two typed arrays
 * (moved, not copied) and two lists of strings. Fields with few distinct values (User-Agent, method, scheme,
 * host, X-Forwarded-For, Cache-Control, Expires, service) are indexes into a dictionary both sides grow in step, so each
 * value crosses the thread boundary once; the dictionary is bounded (when it passes `maxStrings` both sides start
 * a new one, the batch says so), so memory does not grow with the input. Fields that seldom repeat (address,
 * target, Referer, Location, trace id) are sent as they are: looking them up cost the worker more than sending them
 * (bench/profile.md). Each record also carries a number for its client (address, X-Forwarded-For, User-Agent) and
 * one for its method and target, the same for the same values within an input: the main thread, which is the
 * bound with two threads, then finds their state without hashing those strings (`HttpRecord.clientId`).
 */
import type { HttpRecord } from '../core/model.js';
import { detach } from '../core/strings.js';

/**
 * Int32 slots per record: status, flags (booleans, null numbers, which instant `time` is), the thirteen string
 * fields, clientId and targetId.
 */
const INTS = 17;
/** Float64 slots per record: line, time, bodySize, duration (a line number can pass 2^31). */
const NUMS = 4;

const SLOTS = 4096;
/** Slots of the decoder's shared targets and Referers (a power of two). */
const SHARED_SLOTS = 1 << 14;

/** A slot for a string in a direct-mapped table: its length and two of its characters (no walk over the text). */
function cheapHash(s: string): number {
  const n = s.length;
  return n * 31 + (n > 0 ? s.charCodeAt(n - 1) + s.charCodeAt(n >> 1) * 7 : 0);
}

/** `x` as a small integer where it is one (stored unboxed in a record), else as it is. */
function smi(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}
/**
 * Addresses (and targets) numbered by the encoder before it starts again with new numbers: the main thread finds a
 * client (a route) by its number in one of 64k slots, so more would not be found there anyway, and a log of a
 * million clients would hold 200k keys in the worker for little use (+60 MB peak RSS at 200k).
 */
const MAX_NUMBERED = 32_768;
/** User-Agents remembered per address (a NAT office's browsers); past that the oldest are forgotten. */
const MAX_AGENTS = 8;

interface TargetEntry {
  method: number;
  id: number;
  next: TargetEntry | undefined;
}

interface ClientEntry {
  forwardedFor: number;
  userAgent: number;
  id: number;
  next: ClientEntry | undefined;
}

const LOCATION_LOGGED = 1;
const INTERNAL = 2;
const BODY_NULL = 4;
const DURATION_NULL = 8;
/** Which instant `time` is (neither: unknown). */
const TIME_START = 16;
const TIME_END = 32;

export interface EncodedBatch {
  count: number;
  ints: Int32Array;
  nums: Float64Array;
  /** Strings new to the dictionary, in the order they were given their indexes. */
  strings: string[];
  /** The batch's strings that are not in the dictionary. */
  raw: string[];
  /** The dictionary was started afresh before this batch's strings. */
  reset: boolean;
}

export class RecordEncoder {
  private dict = new Map<string, number>();
  private fresh: string[] = [];
  private reset = false;
  private rawStrings: string[] = [];

  /**
   * Client numbers (`HttpRecord.clientId`) by address, then X-Forwarded-For and User-Agent as their dictionary
   * indexes (so the map starts again with the dictionary); a number is never given twice.
   */
  private clients = new Map<string, ClientEntry>();
  private nextClient = 0;
  /** Target numbers (`HttpRecord.targetId`) by target, then method (its dictionary index); never given twice. */
  private targets = new Map<string, TargetEntry>();
  private nextTarget = 0;

  constructor(private readonly maxStrings = 200_000) {}

  private clientId(address: string, forwardedFor: number, userAgent: number): number {
    const head = this.clients.get(address);
    let n = 0;
    for (let e = head; e !== undefined; e = e.next) {
      if (e.forwardedFor === forwardedFor && e.userAgent === userAgent) return e.id;
      n++;
    }
    if (head === undefined && this.clients.size >= MAX_NUMBERED) this.clients.clear();
    const id = this.nextClient++;
    // (A key is kept: copied, or it would hold the whole chunk its line was cut from.)
    this.clients.set(head === undefined ? detach(address) : address, { forwardedFor, userAgent, id, next: n < MAX_AGENTS ? head : undefined });
    return id;
  }

  private targetId(target: string, method: number): number {
    const head = this.targets.get(target);
    for (let e = head; e !== undefined; e = e.next) if (e.method === method) return e.id;
    if (head === undefined && this.targets.size >= MAX_NUMBERED) this.targets.clear();
    const id = this.nextTarget++;
    this.targets.set(head === undefined ? detach(target) : target, { method, id, next: head });
    return id;
  }

  // A direct-mapped cache in front of the Map: hashing a fresh string (the parser has just cut it from its line)
  // costs more than comparing it with the one string of the same slot, which for the few distinct User-Agents,
  // methods and hosts is nearly always the same string.
  private slotString: (string | undefined)[] = new Array(SLOTS);
  private slotId = new Int32Array(SLOTS);

  private id(s: string | null): number {
    if (s === null) return -1;
    const slot = cheapHash(s) & (SLOTS - 1);
    if (this.slotString[slot] === s) return this.slotId[slot]!;
    let i = this.dict.get(s);
    if (i === undefined) {
      i = this.dict.size;
      this.dict.set(s, i);
      this.fresh.push(s);
    }
    this.slotString[slot] = s;
    this.slotId[slot] = i;
    return i;
  }

  /** A string that seldom repeats (targets, Referers, Locations): sent as it is, its index in `batch.raw`. */
  private raw(s: string | null): number {
    if (s === null) return -1;
    this.rawStrings.push(s);
    return this.rawStrings.length - 1;
  }

  encode(records: readonly HttpRecord[]): EncodedBatch {
    if (this.dict.size > this.maxStrings) {
      this.dict.clear();
      this.clients.clear();
      this.targets.clear();
      this.slotString.fill(undefined);
      this.reset = true;
    }
    const n = records.length;
    const ints = new Int32Array(n * INTS);
    const nums = new Float64Array(n * NUMS);
    for (let r = 0; r < n; r++) {
      const rec = records[r]!;
      const o = r * INTS;
      ints[o] = rec.status;
      ints[o + 1] =
        (rec.locationLogged ? LOCATION_LOGGED : 0) |
        (rec.internal ? INTERNAL : 0) |
        (rec.bodySize === null ? BODY_NULL : 0) |
        (rec.duration === null ? DURATION_NULL : 0) |
        (rec.timeIs === 'start' ? TIME_START : rec.timeIs === 'end' ? TIME_END : 0);
      ints[o + 2] = this.raw(rec.address);
      ints[o + 3] = this.id(rec.forwardedFor);
      ints[o + 4] = this.id(rec.userAgent);
      ints[o + 5] = this.id(rec.method);
      ints[o + 6] = this.id(rec.scheme);
      ints[o + 7] = this.id(rec.host);
      ints[o + 8] = this.raw(rec.target);
      ints[o + 9] = this.raw(rec.location);
      ints[o + 10] = this.raw(rec.referer);
      ints[o + 11] = this.id(rec.cacheControl);
      ints[o + 12] = this.id(rec.expires);
      ints[o + 13] = this.raw(rec.traceId);
      ints[o + 14] = this.id(rec.service);
      const f = r * NUMS;
      nums[f] = rec.line;
      nums[f + 1] = rec.time;
      nums[f + 2] = rec.bodySize ?? 0;
      nums[f + 3] = rec.duration ?? 0;
      ints[o + 15] = this.clientId(rec.address, ints[o + 3]!, ints[o + 4]!);
      ints[o + 16] = this.targetId(rec.target, ints[o + 5]!);
    }
    const batch: EncodedBatch = { count: n, ints, nums, strings: this.fresh, raw: this.rawStrings, reset: this.reset };
    this.fresh = [];
    this.rawStrings = [];
    this.reset = false;
    return batch;
  }
}

export class RecordDecoder {
  private dict: string[] = [];
  /**
   * The last target decoded for each slot of target numbers, and the last Referer for each slot of a cheap hash: a
   * record held for pairing keeps one copy of a busy URL, not one per request (40 bytes each; 24 MB of 163 held at
   * 50,000 lines/s, bench/profile.md). Equal strings: nothing a reader of the record can tell.
   */
  private readonly targetSlot: (string | undefined)[] = new Array(SHARED_SLOTS);
  private readonly targetSlotId = new Int32Array(SHARED_SLOTS).fill(-1);
  private readonly refererSlot: (string | undefined)[] = new Array(SHARED_SLOTS);

  /** The records of one batch, all of input `input`. Batches must be decoded in the order they were encoded. */
  decode(batch: EncodedBatch, input: number): HttpRecord[] {
    if (batch.reset) this.dict = [];
    const dict = this.dict;
    for (let i = 0; i < batch.strings.length; i++) dict.push(batch.strings[i]!);
    const { ints, nums, count } = batch;
    const raw = batch.raw;
    const str = (i: number): string | null => (i < 0 ? null : dict[i]!);
    const rawStr = (i: number): string | null => (i < 0 ? null : raw[i]!);
    const out: HttpRecord[] = new Array(count);
    for (let r = 0; r < count; r++) {
      const o = r * INTS;
      const f = r * NUMS;
      const flags = ints[o + 1]!;
      const targetId = ints[o + 16]!;
      const t = targetId & (SHARED_SLOTS - 1);
      let target = this.targetSlot[t];
      if (this.targetSlotId[t] !== targetId || target === undefined) {
        target = raw[ints[o + 8]!]!;
        this.targetSlot[t] = target;
        this.targetSlotId[t] = targetId;
      }
      let referer = rawStr(ints[o + 10]!);
      if (referer !== null) {
        const h = cheapHash(referer) & (SHARED_SLOTS - 1);
        const known = this.refererSlot[h];
        if (known === referer) referer = known;
        else this.refererSlot[h] = referer;
      }
      // The same property order as emptyRecord (core/model.ts), so every record has one shape; whole numbers as
      // small integers where they fit (a number read from a Float64Array would be a 16-byte box of its own).
      out[r] = {
        input,
        line: smi(nums[f]!),
        time: nums[f + 1]!,
        address: raw[ints[o + 2]!]!,
        forwardedFor: str(ints[o + 3]!),
        userAgent: str(ints[o + 4]!),
        method: dict[ints[o + 5]!]!,
        scheme: str(ints[o + 6]!),
        host: str(ints[o + 7]!),
        target,
        status: ints[o]!,
        location: rawStr(ints[o + 9]!),
        locationLogged: (flags & LOCATION_LOGGED) !== 0,
        bodySize: flags & BODY_NULL ? null : smi(nums[f + 2]!),
        referer,
        duration: flags & DURATION_NULL ? null : nums[f + 3]!,
        timeIs: flags & TIME_START ? 'start' : flags & TIME_END ? 'end' : null,
        cacheControl: str(ints[o + 11]!),
        expires: str(ints[o + 12]!),
        internal: (flags & INTERNAL) !== 0,
        traceId: rawStr(ints[o + 13]!),
        service: str(ints[o + 14]!),
        clientId: ints[o + 15]!,
        targetId,
      };
    }
    return out;
  }
}
