// Small HTTP helpers for registry requests: one deadline per lookup, bodies read with a size cap
// (a registry that sends a 1 GB "manifest" is cut off after the cap), and errors typed by what
// went wrong so the editor can say why a size is unknown.

/** Why a registry read failed. */
export type RegistryFailure = 'unreachable' | 'timeout' | 'auth' | 'not-found' | 'server' | 'too-large' | 'bad-response' | 'cancelled';

/** A registry read that failed, with a one-line reason for the editor. */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly kind: RegistryFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
  /** Whether the failure says the host is unusable now (so other images on it are not tried either). */
  get hostDown(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'server';
  }
}

/** Turn a fetch exception into a RegistryError. */
export function fetchFailure(e: unknown, host: string, deadline: AbortSignal, caller?: AbortSignal): RegistryError {
  if (e instanceof RegistryError) return e;
  if (caller?.aborted) return new RegistryError('cancelled', 'cancelled');
  if (deadline.aborted) return new RegistryError('timeout', `${host} did not answer in time`);
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (e as NodeJS.ErrnoException)?.code;
  const what = code ? `${code}` : ((e as Error)?.message ?? String(e));
  return new RegistryError('unreachable', `${host} is unreachable (${what})`);
}

/** Read a response body up to `cap` bytes; more is refused without reading the rest. */
export async function readCapped(res: Response, cap: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > cap) {
    await res.body?.cancel().catch(() => undefined);
    throw new RegistryError('too-large', `${what} is ${declared} bytes, over the ${cap}-byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > cap) {
      await reader.cancel().catch(() => undefined);
      throw new RegistryError('too-large', `${what} is over the ${cap}-byte limit`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks);
}

/** Parse a `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` challenge. */
export function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) params[p[1].toLowerCase()] = (p[2] ?? p[3]).replace(/\\(.)/g, '$1');
  return { scheme: m[1].toLowerCase(), params };
}
