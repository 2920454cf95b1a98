/**
 * Route templates for the report, learnt from the log's own variety (as log-analysis tools learn URL templates):
 * a path segment position that takes many distinct values under the same method and prefix becomes `{var}`.
 * `/old/page1` … `/old/page845` are one route, `GET /old/{var}`, while `/about` and `/contact` stay apart.
 *
 * On top of `normalisePath` (numbers, UUIDs, hex hashes: what pairing uses, unchanged), `reportPath` also
 * replaces dates and long tokens that mix letters and digits, for the report's routes only.
 *
 * Memory: one node per distinct (prefix, segment) until a position turns variable; then its values are dropped
 * and every later value goes to the one `{var}` child.
 */
import { normalisePath } from './routes.js';

/** Distinct values at one position (under one prefix) past which it is a variable. */
export const VARIABLE_AFTER = 32;
/** The first segment never becomes a variable: `/about`, `/blog`, `/api` are different parts of a site. */
const MIN_DEPTH = 1;

const DATE = /^(?:\d{4}-\d{2}-\d{2}|\d{4}\d{2}\d{2}|\d{4}_\d{2}_\d{2})$/;
/**
 * A token of 12 or more letters and digits, with at least three digits and no separator (`a8f3k2l9x0q1`,
 * `Xk29aP3mQ8zL`); a word with a number in it (`307-to-static`, `page12`) is left to the learnt templates.
 */
const MIXED = /^(?=(?:[^0-9]*[0-9]){3})(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9]{12,}$/;

/** The report's path of a request target: `normalisePath`, then dates (`{date}`) and long mixed tokens (`{token}`). */
export function reportPath(target: string): string {
  const path = normalisePath(target);
  // Fast path: nothing to replace in most paths.
  if (!/\d/.test(path)) return path;
  let changed = false;
  const segs = path.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.length < 8 || s.startsWith('{')) continue;
    if (DATE.test(s)) {
      segs[i] = '{date}';
      changed = true;
    } else if (MIXED.test(s)) {
      segs[i] = '{token}';
      changed = true;
    }
  }
  return changed ? segs.join('/') : path;
}

interface Node {
  children: Map<string, Node> | null;
  /** Set once the position below this node has taken more than VARIABLE_AFTER values. */
  variable: Node | null;
}

const newNode = (): Node => ({ children: null, variable: null });

/**
 * What has been learnt, as JSON (in a partial report, so that merged reports learn what one run over everything
 * learns): per method, each node's values (`c`) or, once they were too many, the one `{var}` below it (`v`).
 */
export interface TemplateNode {
  c?: Record<string, TemplateNode>;
  v?: TemplateNode;
}
export type TemplatesJson = Record<string, TemplateNode>;

export class RouteTemplates {
  private readonly roots = new Map<string, Node>();

  /** Learns a path (already through `reportPath`) and returns its template as known now. */
  learn(method: string, path: string): string {
    let node = this.roots.get(method);
    if (!node) {
      node = newNode();
      this.roots.set(method, node);
    }
    const segs = path.split('/');
    let changed = false;
    // segs[0] is '' (the path starts with '/'); depth counts the segments after it.
    for (let i = 1; i < segs.length; i++) {
      const s = segs[i]!;
      if (node.variable) {
        node = node.variable;
        if (s !== '') {
          segs[i] = '{var}';
          changed = true;
        }
        continue;
      }
      node.children ??= new Map();
      let child = node.children.get(s);
      if (!child) {
        if (canVary(i) && s !== '' && values(node) >= VARIABLE_AFTER) {
          // Many values here: a variable from now on. Their subtrees are merged into one.
          node = toVariable(node, i);
          segs[i] = '{var}';
          changed = true;
          continue;
        }
        child = newNode();
        node.children.set(s, child);
      }
      node = child;
    }
    return changed ? segs.join('/') : path;
  }

  /** The template of a path with what has been learnt (learns nothing). */
  template(method: string, path: string): string {
    let node: Node | undefined = this.roots.get(method);
    if (!node) return path;
    const segs = path.split('/');
    let changed = false;
    for (let i = 1; i < segs.length && node; i++) {
      if (node.variable) {
        if (segs[i] !== '') {
          segs[i] = '{var}';
          changed = true;
        }
        node = node.variable;
      } else node = node.children?.get(segs[i]!);
    }
    return changed ? segs.join('/') : path;
  }

  /**
   * Adds what another learnt, from other paths of the same site (another shard, another night): the result is
   * what one would have learnt from both, in any order (a position is a variable once all its values together
   * are more than VARIABLE_AFTER). `other` is not to be used afterwards (its nodes are taken over).
   */
  add(other: RouteTemplates): void {
    for (const [method, root] of other.roots) {
      const mine = this.roots.get(method);
      if (mine) merge(mine, root, 1);
      else this.roots.set(method, root);
    }
  }

  toJSON(): TemplatesJson {
    return Object.fromEntries([...this.roots].map(([method, node]) => [method, nodeJson(node)]));
  }

  static fromJSON(json: TemplatesJson): RouteTemplates {
    const t = new RouteTemplates();
    for (const [method, node] of Object.entries(json)) t.roots.set(method, fromJson(node));
    return t;
  }
}

/** Whether the values of path segment `i` (1: the first) may turn into a variable. */
const canVary = (i: number) => i - 1 >= MIN_DEPTH;

/** A node's distinct non-empty values (an empty one, `/blog/` after `/blog`, never makes a position variable). */
function values(node: Node): number {
  return node.children ? node.children.size - (node.children.has('') ? 1 : 0) : 0;
}

/** Turns the position below `node` (segment `i`) into a variable: its values' subtrees merged into one. */
function toVariable(node: Node, i: number): Node {
  const v = newNode();
  if (node.children) for (const c of node.children.values()) merge(v, c, i + 1);
  node.variable = v;
  node.children = null;
  return v;
}

/** Merges the subtree `from` into `into`, both at the node whose values are path segment `i`. */
function merge(into: Node, from: Node, i: number): void {
  if (from.variable && !into.variable) toVariable(into, i);
  if (into.variable) {
    if (from.variable) merge(into.variable, from.variable, i + 1);
    if (from.children) for (const c of from.children.values()) merge(into.variable, c, i + 1);
    return;
  }
  if (from.children) {
    into.children ??= new Map();
    for (const [k, c] of from.children) {
      const mine = into.children.get(k);
      if (mine) merge(mine, c, i + 1);
      else into.children.set(k, c);
    }
  }
  // A merged position that now has many values is a variable too.
  if (canVary(i) && values(into) > VARIABLE_AFTER) toVariable(into, i);
}

function nodeJson(node: Node): TemplateNode {
  if (node.variable) return { v: nodeJson(node.variable) };
  if (node.children) return { c: Object.fromEntries([...node.children].map(([k, c]) => [k, nodeJson(c)])) };
  return {};
}

function fromJson(j: TemplateNode): Node {
  const node = newNode();
  if (j.v) node.variable = fromJson(j.v);
  else if (j.c) node.children = new Map(Object.entries(j.c).map(([k, c]) => [k, fromJson(c)]));
  return node;
}
