/**
 * A direct-mapped table of what a record's worker-given number (`HttpRecord.clientId`, `targetId`) leads to, one
 * value per slot, checked by (input, number): a lookup costs no string hashed or compared, and a number that shares
 * its slot with another simply misses (the caller then looks it up by its strings and stores it here).
 */
export class NumberSlots<T> {
  private readonly values: (T | undefined)[];
  private readonly numbers: Float64Array;
  private readonly inputs: Int32Array;
  private readonly mask: number;

  /** `size`: a power of two. */
  constructor(size: number) {
    this.values = new Array(size);
    this.numbers = new Float64Array(size);
    this.inputs = new Int32Array(size);
    this.mask = size - 1;
  }

  slotOf(input: number, n: number): number {
    return (n + input * 0x9e37) & this.mask;
  }

  /** What `slot` holds for this input's number `n`, if that is what it holds. */
  get(slot: number, input: number, n: number): T | undefined {
    const v = this.values[slot];
    return v !== undefined && this.numbers[slot] === n && this.inputs[slot] === input ? v : undefined;
  }

  set(slot: number, input: number, n: number, v: T): void {
    this.values[slot] = v;
    this.numbers[slot] = n;
    this.inputs[slot] = input;
  }

  /** Empties `slot` if it still holds `v` (so that the table does not keep `v` alive). */
  drop(slot: number, v: T): void {
    if (this.values[slot] === v) this.values[slot] = undefined;
  }
}
