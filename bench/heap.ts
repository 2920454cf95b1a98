/**
 * Where the live heap of a run is, by owner: the memory figures of bench/profile.md, reproducible.
 *
 * 1. Take a snapshot mid-run (after a full collection, so that only live objects are in it):
 *      HEAP_AT=38000 HEAP_FILE=/tmp/h.heapsnapshot \
 *        node --expose-gc --import ./dist/bench/heap-at.js dist/cli/bin.js analyze --threads 1 … FILE
 *    (`--expose-gc` keeps worker threads from starting: run with `--threads 1`.)
 * 2. Attribute it: `node dist/bench/run.js --heap /tmp/h.heapsnapshot [N [OWNER [DEPTH]]]`.
 *
 * Every object is counted once, under the first `Class.field` met on its shortest path from the roots (a breadth-first
 * walk; weak edges not followed): `PairingEngine.queue`, `Analyzer.clients`, `TargetModel.models`. With OWNER (one of
 * those keys) its objects are split further by the fields on their path below the owner (up to DEPTH, 3 by default)
 * and by what they are: `Analyzer.clients table.#.examples <Object>`.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Plain containers: an object under one of these is counted under the owner above it. */
const GENERIC = new Set(['Object', 'Array', 'Map', 'Set', 'system / Context', '(object elements)', '(object properties)']);

export function heapByOwner(path: string, n = 25, owner: string | null = null, depth = 3): string {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const m = s.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const nodeTypes = m.node_types[0];
  const edgeTypes = m.edge_types[0];
  const N = s.nodes;
  const E = s.edges;
  const S = s.strings;
  const iType = m.node_fields.indexOf('type');
  const iName = m.node_fields.indexOf('name');
  const iSize = m.node_fields.indexOf('self_size');
  const iEdges = m.node_fields.indexOf('edge_count');
  const eType = m.edge_fields.indexOf('type');
  const eName = m.edge_fields.indexOf('name_or_index');
  const eTo = m.edge_fields.indexOf('to_node');
  const count = N.length / nf;
  const first = new Int32Array(count + 1);
  for (let j = 0, e = 0; j < count; j++) {
    first[j] = e;
    e += N[j * nf + iEdges]! * ef;
    first[j + 1] = e;
  }
  // The shortest path from the roots (node 0) to every node: its parent and the edge it was reached by.
  const parent = new Int32Array(count).fill(-1);
  const via = new Int32Array(count).fill(-1);
  const queue = new Int32Array(count);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parent[0] = 0;
  while (head < tail) {
    const j = queue[head++]!;
    for (let e = first[j]!; e < first[j + 1]!; e += ef) {
      const t = edgeTypes[E[e + eType]!];
      if (t === 'weak' || t === 'shortcut') continue;
      const to = E[e + eTo]! / nf;
      if (parent[to] !== -1) continue;
      parent[to] = j;
      via[to] = e;
      queue[tail++] = to;
    }
  }
  const isObject = (j: number) => nodeTypes[N[j * nf + iType]!] === 'object';
  const nameOf = (j: number) => (isObject(j) ? S[N[j * nf + iName]!]! : nodeTypes[N[j * nf + iType]!]!);
  const edgeName = (e: number) => {
    const t = edgeTypes[E[e + eType]!];
    return t === 'element' || t === 'hidden' ? '[]' : String(S[E[e + eName]!]).replace(/^\d+$/, '#');
  };
  const sizes = new Map<string, [number, number]>();
  let total = 0;
  for (let j = 0; j < count; j++) {
    const size = N[j * nf + iSize]!;
    if (!size || parent[j] === -1) continue;
    total += size;
    let key = '(no owner)';
    let ownerNode = -1;
    for (let c = j, steps = 0; c !== 0 && steps < 30; c = parent[c]!, steps++) {
      const p = parent[c]!;
      if (isObject(p) && !GENERIC.has(nameOf(p))) {
        key = `${nameOf(p)}.${edgeName(via[c]!)}`;
        ownerNode = p;
        break;
      }
    }
    if (owner !== null && key === owner) {
      const fields: string[] = [];
      for (let d = j; d !== ownerNode && d !== 0; d = parent[d]!) fields.push(edgeName(via[d]!));
      fields.reverse();
      key += ` ${fields.slice(1).filter((f) => f !== '[]').slice(0, depth).join('.')} <${nameOf(j)}>`;
    }
    const a = sizes.get(key) ?? [0, 0];
    a[0]++;
    a[1] += size;
    sizes.set(key, a);
  }
  const mb = (b: number) => (b / 1048576).toFixed(2);
  const lines = ['| owner | MB | objects |', '| --- | ---: | ---: |'];
  for (const [k, [objects, size]] of [...sizes].sort((a, b) => b[1][1] - a[1][1]).slice(0, n)) {
    lines.push(`| \`${k}\` | ${mb(size)} | ${objects.toLocaleString('en-US')} |`);
  }
  return `${lines.join('\n')}\n\nlive heap in the snapshot: ${mb(total)} MB`;
}
