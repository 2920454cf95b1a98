/**
 * Merges several inputs into one stream of records ordered by timestamp, so that a client whose redirect was
 * served by one server and its follow-up by another is still paired. Equal timestamps keep input order; within
 * an input the file order is always kept (a k-way merge only ever takes an input's next record).
 */
import type { HttpRecord } from '../core/model.js';

export type Batches = AsyncIterator<HttpRecord[]>;

interface Head {
  it: Batches;
  batch: HttpRecord[];
  i: number;
  index: number;
}

async function nextNonEmpty(it: Batches): Promise<HttpRecord[] | null> {
  for (;;) {
    const r = await it.next();
    if (r.done) return null;
    if (r.value.length) return r.value;
  }
}

/**
 * Calls `onRecord` for every record of every input in merged order. `onEnd(index, error)` is told when an input
 * ends, with the error that ended it, if any; it decides whether to go on (return) or stop (throw).
 */
export async function mergeInputs(
  inputs: Batches[],
  onRecord: (r: HttpRecord) => void,
  onEnd: (index: number, error: unknown) => void,
): Promise<void> {
  const pull = async (it: Batches, index: number): Promise<HttpRecord[] | null> => {
    try {
      const b = await nextNonEmpty(it);
      if (!b) onEnd(index, null);
      return b;
    } catch (e) {
      onEnd(index, e);
      return null;
    }
  };
  if (inputs.length === 1) {
    for (let b = await pull(inputs[0]!, 0); b; b = await pull(inputs[0]!, 0)) {
      for (let i = 0; i < b.length; i++) onRecord(b[i]!);
    }
    return;
  }
  const heads: Head[] = [];
  for (let index = 0; index < inputs.length; index++) {
    const it = inputs[index]!;
    const batch = await pull(it, index);
    if (batch) heads.push({ it, batch, i: 0, index });
  }
  while (heads.length) {
    // The head with the smallest time; ties (and unknown times) go to the earlier input (heads stay in order).
    let min = 0;
    let minTime = heads[0]!.batch[heads[0]!.i]!.time;
    for (let h = 1; h < heads.length; h++) {
      const t = heads[h]!.batch[heads[h]!.i]!.time;
      if (t < minTime || (Number.isNaN(minTime) && !Number.isNaN(t))) {
        min = h;
        minTime = t;
      }
    }
    const head = heads[min]!;
    onRecord(head.batch[head.i]!);
    if (++head.i === head.batch.length) {
      const b = await pull(head.it, head.index);
      if (b) {
        head.batch = b;
        head.i = 0;
      } else {
        heads.splice(min, 1);
      }
    }
  }
}
