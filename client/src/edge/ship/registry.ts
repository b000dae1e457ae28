// A read-only OCI registry that lives in the extension process and never listens on a network
// socket: connections are handed to it (from the SSH reverse tunnel, or a test's loopback
// listener). It serves one image, by digest (and by its version tag), and only while it is open.

import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { MEDIA } from './prepare';

/** One blob the registry may serve: where it is and what it is. */
export interface ServedBlob {
  digest: string;
  size: number;
  /** File holding the bytes (layers), or the bytes themselves (config). */
  path?: string;
  bytes?: Buffer;
}

/** What the registry serves: one repository, one manifest and its blobs. */
export interface RegistryContent {
  /** Repository name, e.g. `pier/web`. */
  repository: string;
  /** Tag the manifest is also served under (the version). */
  tag: string;
  manifest: Buffer;
  manifestDigest: string;
  blobs: ServedBlob[];
}

/** One request as the registry answered it, for progress and tests. */
export interface RegistryEvent {
  method: string;
  path: string;
  status: number;
  digest?: string;
  /** Byte range asked for (`start-end`), when any. */
  range?: string;
}

/** A registry instance; `accept` hands it a connection. */
export interface TunnelRegistry {
  /** Serve HTTP on this stream (an SSH channel or a socket). */
  accept(stream: Duplex): void;
  /** Stop serving: every later request is refused and open connections are closed. */
  close(): void;
  readonly open: boolean;
  /** Body bytes sent per blob digest so far. */
  readonly sent: Map<string, number>;
}

/** Hooks of a registry. */
export interface RegistryHooks {
  /** Body bytes of a blob went out (called per chunk); `offset` is where the chunk starts in the blob. */
  onBytes?(digest: string, bytes: number, offset: number): void;
  /** A request was answered. */
  onRequest?(e: RegistryEvent): void;
}

const API_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' };

/** Bytes of a stream the far end has taken, and bytes handed to it. */
interface Meter {
  written(): number;
  delivered(): number;
}

/**
 * Count what the far end of a stream has really taken. Bytes handed to an SSH channel sit in the
 * channel's window and the kernel's socket buffer (megabytes on a slow link) before the device
 * reads them; the device's sshd returns window as it passes data on, so window growth is what was
 * delivered. A plain socket counts what the kernel took.
 */
function meterOf(stream: Duplex): Meter {
  let written = 0;
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  (stream as unknown as { write: (...a: unknown[]) => boolean }).write = (chunk: unknown, ...rest: unknown[]) => {
    written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Buffer).length;
    return write(chunk, ...rest);
  };
  const outgoing = (stream as unknown as { outgoing?: { window?: number } }).outgoing;
  const w0 = outgoing?.window;
  const packetised = () => Math.max(0, written - stream.writableLength);
  return {
    written: () => written,
    delivered: () => (outgoing && typeof w0 === 'number' && typeof outgoing.window === 'number' ? Math.max(0, Math.min(packetised(), outgoing.window - w0 + packetised())) : packetised()),
  };
}

/** Headers sent before a blob body, roughly; only progress uses it. */
const HEADER_BYTES = 320;

/**
 * Bytes handed to the link but not yet taken by the device, at most: half a second at the rate
 * seen, and never less than 256 KiB. Without a bound, every tunnel channel's 2 MiB window sits in
 * the socket buffer of a slow link: seconds of queue that delay keepalives (so the link looks
 * dead), make progress lie, and keep a cancel from taking effect.
 */
const MIN_AHEAD = 256 * 1024;

function sendError(res: ServerResponse, status: number, code: string, message: string, head = false): void {
  const body = Buffer.from(JSON.stringify({ errors: [{ code, message }] }));
  res.writeHead(status, { ...API_HEADER, 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(head ? undefined : body);
}

/** Parse a single `bytes=a-b` range against a size; undefined for none, null when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: serve the whole blob, as RFC 9110 allows.
  if (!m || (!m[1] && !m[2])) return undefined;
  let start: number;
  let end: number;
  if (!m[1]) {
    const suffix = Number(m[2]);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

/** Create the registry for one image; it is open until `close()`. */
export function createTunnelRegistry(content: RegistryContent, hooks: RegistryHooks = {}): TunnelRegistry {
  const blobs = new Map(content.blobs.map((b) => [b.digest, b]));
  const sent = new Map<string, number>();
  const streams = new Set<Duplex>();
  const meters = new WeakMap<object, Meter>();
  const active = new Set<{ handed(): number; delivered(): number }>();
  const rate = { t: performance.now(), delivered: 0, perSecond: 0, total: 0 };
  const ahead = () => {
    let n = 0;
    for (const a of active) n += Math.max(0, a.handed() - a.delivered());
    return n;
  };
  const limit = () => Math.max(MIN_AHEAD, rate.perSecond / 2);
  /** The body being delivered on each stream, so a next request (or the end) completes it. */
  const inFlight = new WeakMap<object, () => void>();
  let open = true;
  const base = `/v2/${content.repository}/`;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // A new request on a connection means the client read the previous response to its end.
    inFlight.get(req.socket)?.();
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    const head = method === 'HEAD';
    const done = (status: number, digest?: string, range?: string) => hooks.onRequest?.({ method, path, status, digest, range });
    if (!open) {
      sendError(res, 503, 'UNAVAILABLE', 'this registry only serves during a pull', head);
      return done(503);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendError(res, 405, 'UNSUPPORTED', 'read-only registry', head);
      return done(405);
    }
    if (path === '/v2/' || path === '/v2') {
      const body = Buffer.from('{}');
      res.writeHead(200, { ...API_HEADER, 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(head ? undefined : body);
      return done(200);
    }
    if (!path.startsWith(base)) {
      sendError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', head);
      return done(404);
    }
    const rest = path.slice(base.length);
    if (rest === 'tags/list') {
      const body = Buffer.from(JSON.stringify({ name: content.repository, tags: [content.tag] }));
      res.writeHead(200, { ...API_HEADER, 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(head ? undefined : body);
      return done(200);
    }
    const man = /^manifests\/(.+)$/.exec(rest);
    if (man) {
      if (man[1] !== content.manifestDigest && man[1] !== content.tag) {
        sendError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', head);
        return done(404);
      }
      res.writeHead(200, { ...API_HEADER, 'Content-Type': MEDIA.manifest, 'Content-Length': content.manifest.length, 'Docker-Content-Digest': content.manifestDigest, ETag: `"${content.manifestDigest}"` });
      res.end(head ? undefined : content.manifest);
      return done(200, content.manifestDigest);
    }
    const blobMatch = /^blobs\/(sha256:[0-9a-f]{64})$/.exec(rest);
    const blob = blobMatch ? blobs.get(blobMatch[1]) : undefined;
    if (!blob) {
      sendError(res, 404, blobMatch ? 'BLOB_UNKNOWN' : 'NOT_FOUND', blobMatch ? 'blob unknown to registry' : 'not found', head);
      return done(404);
    }
    serveBlob(req, res, blob, head, done);
  };

  const serveBlob = (req: IncomingMessage, res: ServerResponse, blob: ServedBlob, head: boolean, done: (s: number, d?: string, r?: string) => void) => {
    const range = parseRange(req.headers.range, blob.size);
    const common = { ...API_HEADER, 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': blob.digest, ETag: `"${blob.digest}"`, 'Accept-Ranges': 'bytes' };
    if (range === null) {
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${blob.size}`, 'Content-Length': 0 });
      res.end();
      return done(416, blob.digest, req.headers.range);
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? blob.size - 1;
    const length = blob.size === 0 ? 0 : end - start + 1;
    const status = range ? 206 : 200;
    res.writeHead(status, { ...common, 'Content-Length': length, ...(range ? { 'Content-Range': `bytes ${start}-${end}/${blob.size}` } : {}) });
    const label = range ? `${start}-${end}` : undefined;
    if (head || length === 0) {
      res.end();
      return done(status, blob.digest, label);
    }
    let handed = 0;
    let reported = 0;
    const meter = meters.get(req.socket);
    const base = (meter?.written() ?? 0) + HEADER_BYTES;
    const report = (upTo: number) => {
      const n = Math.min(length, upTo) - reported;
      if (n <= 0) return;
      hooks.onBytes?.(blob.digest, n, start + reported);
      reported += n;
    };
    const deliveredNow = () => (meter ? Math.max(0, Math.min(handed, meter.delivered() - base)) : handed);
    const poll = () => {
      const before = reported;
      report(deliveredNow());
      // The rate of delivery, for the bound on what may wait in buffers.
      rate.total += reported - before;
      const now = performance.now();
      if (now - rate.t >= 1000) {
        rate.perSecond = ((rate.total - rate.delivered) * 1000) / (now - rate.t);
        rate.t = now;
        rate.delivered = rate.total;
      }
    };
    const entry = { handed: () => handed, delivered: deliveredNow };
    active.add(entry);
    const timer = setInterval(poll, 100);
    timer.unref();
    const finish = (complete: boolean) => {
      clearInterval(timer);
      active.delete(entry);
      if (inFlight.get(req.socket) === complete_) inFlight.delete(req.socket);
      if (complete) report(length);
      else poll();
    };
    const complete_ = () => finish(true);
    inFlight.set(req.socket, complete_);
    req.socket.once('close', () => finish(false));
    const count = (n: number) => {
      sent.set(blob.digest, (sent.get(blob.digest) ?? 0) + n);
      handed += n;
    };
    if (blob.bytes) {
      const part = blob.bytes.subarray(start, end + 1);
      count(part.length);
      res.end(part);
      return done(status, blob.digest, label);
    }
    const file = createReadStream(blob.path!, { start, end, highWaterMark: 64 * 1024 });
    res.on('close', () => file.destroy());
    const pump = async () => {
      for await (const chunk of file) {
        while (ahead() > limit() && !res.destroyed) await new Promise((r) => setTimeout(r, 25));
        if (res.destroyed) return;
        count((chunk as Buffer).length);
        if (!res.write(chunk)) await new Promise((r) => (res.once('drain', r), res.once('close', r)));
      }
      res.end();
    };
    pump().catch(() => res.destroy());
    res.on('finish', () => done(status, blob.digest, label));
  };

  const server: Server = createServer({ keepAlive: true }, handle);
  // A client speaking TLS first (Docker tries HTTPS before plain HTTP) gets a 400 and the connection closes.
  server.on('clientError', (_e, socket) => {
    try {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    } catch {
      socket.destroy();
    }
  });

  return {
    accept(stream) {
      if (!open) {
        stream.destroy();
        return;
      }
      streams.add(stream);
      meters.set(stream, meterOf(stream));
      stream.once('close', () => streams.delete(stream));
      stream.on('error', () => undefined);
      server.emit('connection', stream);
    },
    close() {
      open = false;
      for (const s of streams) s.destroy();
      streams.clear();
    },
    get open() {
      return open;
    },
    sent,
  };
}
