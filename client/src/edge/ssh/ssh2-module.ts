// ssh2 is loaded when the first connection opens, not when the extension activates: it is most
// of what activation would load otherwise, and a session that never connects never needs it.

/** The ssh2 module. */
export type Ssh2 = typeof import('ssh2');

let loading: Promise<Ssh2> | undefined;

/** The ssh2 module, loaded on first use. */
export function loadSsh2(): Promise<Ssh2> {
  // A CommonJS module through import(): its exports are the namespace's default in some loaders.
  return (loading ??= import('ssh2').then((m) => ((m as { default?: Ssh2 }).default ?? m) as Ssh2));
}
