// Build-argument substitution as the builder does it for FROM, COPY --from and friends:
// $NAME, ${NAME}, ${NAME:-default}, ${NAME:+alt}, ${NAME-default}, ${NAME+alt}.

/** Values known for substitution; undefined means declared without a default. */
export type Vars = Map<string, string | undefined>;

/** Automatic platform arguments the builder sets; their values depend on the build. */
export const PLATFORM_ARGS = new Set([
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
]);

/** Result of substitution: the text, and whether every variable was known. */
export interface Substituted {
  value: string;
  complete: boolean;
}

/** Substitute variables in `text`; unknown variables stay as written and mark it incomplete. */
export function substitute(text: string, vars: Vars): Substituted {
  let complete = true;
  const value = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (whole, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      const known = vars.has(name);
      const v = vars.get(name);
      const set = known && v !== undefined;
      const nonEmpty = set && v !== '';
      switch (op) {
        case ':-':
          return nonEmpty ? v! : (word ?? '');
        case '-':
          return set ? v! : (word ?? '');
        case ':+':
          if (!known && !PLATFORM_ARGS.has(name)) return '';
          if (!known) { complete = false; return whole; }
          return nonEmpty ? (word ?? '') : '';
        case '+':
          if (!known) { complete = false; return whole; }
          return set ? (word ?? '') : '';
        default:
          if (set) return v!;
          complete = false;
          return whole;
      }
    },
  );
  return { value, complete };
}
