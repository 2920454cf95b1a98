/**
 * The default of a `switch` that must handle every variant of a union: TypeScript rejects the call while a
 * variant has no case (its argument is then not `never`); at run time reaching it is a bug (exit 3).
 */
export function unreachable(value: never, what: string): never {
  const kind = typeof value === 'object' && value !== null && 'kind' in value ? ` "${String((value as { kind: unknown }).kind)}"` : '';
  throw new Error(`unexpected ${what}${kind}`);
}
