// Where the deploy lenses go, found without VS Code so the rules are tested in plain Node.

/** Line of the last FROM instruction (0-based), skipping continuation lines and heredoc bodies; -1 when none. */
export function finalFromLine(text: string): number {
  const lines = text.split(/\r?\n/);
  let last = -1;
  let continued = false;
  let heredoc: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (heredoc !== undefined) {
      if (l.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const comment = /^\s*#/.test(l);
    if (!continued && /^\s*FROM\s/i.test(l)) last = i;
    // A heredoc (RUN <<EOF) starts a body that ends at its delimiter; a FROM inside it is text.
    const h = comment ? null : /<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/.exec(l);
    if (h && (continued || /^\s*(RUN|COPY|ADD)\b/i.test(l))) heredoc = h[1];
    // Comment lines inside a continued instruction neither continue nor end it.
    if (!comment) continued = /\\\s*$/.test(l);
  }
  return last;
}

/** Line of the top-level `services:` key of a Compose file (0-based); -1 when none. */
export function servicesLine(text: string): number {
  return text.split(/\r?\n/).findIndex((l) => /^services\s*:/.test(l));
}
