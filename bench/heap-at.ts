/**
 * Preloaded into a run (`node --expose-gc --import ./dist/bench/heap-at.js …`, see bench/heap.ts): HEAP_AT
 * milliseconds after start (6000 by default) it collects garbage and writes a heap snapshot to HEAP_FILE
 * (bench/out/run.heapsnapshot by default), then lets the run go on.
 */
import { writeHeapSnapshot } from 'node:v8';

const at = Number(process.env.HEAP_AT ?? 6000);
setTimeout(() => {
  (globalThis as { gc?: () => void }).gc?.();
  const file = writeHeapSnapshot(process.env.HEAP_FILE ?? 'bench/out/run.heapsnapshot');
  process.stderr.write(`heap snapshot: ${file}\n`);
}, at).unref();
