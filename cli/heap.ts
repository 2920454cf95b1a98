/**
 * How far V8 lets the heap grow past what is live before it collects again. By default up to 4 times, so on a
 * long run peak RSS is mostly garbage waiting: at the end of 10M lines 59 MB were live and 230 MB in use. A factor
 * of 1.5 keeps that slack small (`npm run bench`, 2 threads: 10M lines 383 → 249 MB peak RSS, 13% slower; 2M lines
 * 230 → 170 MB at the same speed). The flag is process-wide, so the CLI sets it for itself; a library does not.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
