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
  let open = true;
  const base = `/v2/${content.repository}/`;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
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
    let pos = start;
    const count = (n: number) => {
      sent.set(blob.digest, (sent.get(blob.digest) ?? 0) + n);
      hooks.onBytes?.(blob.digest, n, pos);
      pos += n;
    };
    if (blob.bytes) {
      const part = blob.bytes.subarray(start, end + 1);
      count(part.length);
      res.end(part);
      return done(status, blob.digest, label);
    }
    const file = createReadStream(blob.path!, { start, end, highWaterMark: 256 * 1024 });
    file.on('data', (d) => count((d as Buffer).length));
    file.on('error', () => res.destroy());
    res.on('close', () => file.destroy());
    file.pipe(res);
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
