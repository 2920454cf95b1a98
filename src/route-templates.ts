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
        if (i - 1 >= MIN_DEPTH && s !== '' && node.children.size >= VARIABLE_AFTER) {
          // Many values here: a variable from now on. Their subtrees are merged into one.
          const v = newNode();
          for (const c of node.children.values()) merge(v, c);
          node.variable = v;
          node.children = null;
          node = v;
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
}

/** Merges the subtree `from` into `into`. */
function merge(into: Node, from: Node): void {
  if (from.variable) {
    into.variable ??= newNode();
    merge(into.variable, from.variable);
  }
  if (from.children) {
    for (const [k, c] of from.children) {
      if (into.variable) {
        merge(into.variable, c);
        continue;
      }
      into.children ??= new Map();
      const mine = into.children.get(k);
      if (mine) merge(mine, c);
      else into.children.set(k, c);
    }
  }
  // A merged position that now has many values is a variable too.
  if (into.children && into.children.size > VARIABLE_AFTER) {
    const v = into.variable ?? newNode();
    for (const c of into.children.values()) merge(v, c);
    into.variable = v;
    into.children = null;
  }
}
