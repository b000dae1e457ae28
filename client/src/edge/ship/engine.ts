// The build engine as the ship step sees it: the docker CLI (so DOCKER_HOST and contexts apply),
// or its socket when the CLI would use that socket, asked for an image's identity and, when layers are not cached yet, for the image itself as a
// `docker save` stream.

import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { apiMessage, engineSocket } from '../size/save-reader';

/** A failure talking to the build engine, with the engine's own last line. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/** The engine's facts about one image. */
export interface EngineImage {
  /** Image ID: the digest of its config (`sha256:...`). */
  id: string;
  os: string;
  architecture: string;
  variant?: string;
  /** The uncompressed layer digests, bottom first. */
  diffIds: string[];
  repoTags: string[];
  /** Bytes of all layers, uncompressed, as the engine counts them (when it said). */
  size?: number;
}

/** The environment of docker CLI calls: the caller's, without hints or colour. */
export function engineEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_CLI_HINTS: 'false', NO_COLOR: '1', ...extra };
}

/** Run the docker CLI to its end; rejects with the last error line on failure. */
export function dockerCli(args: readonly string[], o: { signal?: AbortSignal; env?: Record<string, string | undefined>; bin?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new EngineError('cancelled'));
    const child = spawn(o.bin ?? 'docker', args, { stdio: ['ignore', 'pipe', 'pipe'], env: engineEnv(o.env), signal: o.signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => reject(new EngineError(o.signal?.aborted ? 'cancelled' : e.code === 'ENOENT' ? `${o.bin ?? 'docker'} is not installed` : e.message)));
    child.on('close', (code) => {
      if (o.signal?.aborted) return reject(new EngineError('cancelled'));
      if (code !== 0) return reject(new EngineError(lastLine(stderr) || `${o.bin ?? 'docker'} ${args[0]} exited with ${code}`));
      resolve({ stdout, stderr });
    });
  });
}

/** The last non-empty line of some output. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** Parse `docker image inspect` JSON output (an array with one image). */
export function parseInspect(json: string): EngineImage {
  const [img] = JSON.parse(json) as Array<{ Id: string; Os: string; Architecture: string; Variant?: string; RootFS?: { Layers?: string[] }; RepoTags?: string[]; Size?: number }>;
  if (!img?.Id) throw new EngineError('the engine returned no image');
  return { id: img.Id, os: img.Os, architecture: img.Architecture, variant: img.Variant || undefined, diffIds: img.RootFS?.Layers ?? [], repoTags: img.RepoTags ?? [], size: typeof img.Size === 'number' ? img.Size : undefined };
}

/** GET an Engine API path over a unix socket; resolves with the status and the body text. */
function engineGet(socketPath: string, path: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { host: 'docker' }, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', (e) => reject(new EngineError(signal?.aborted ? 'cancelled' : e.message)));
    req.end();
  });
}

/**
 * Ask the build engine about an image: over the engine's socket when the docker CLI would use
 * that socket too (no process to start: this runs on every deploy, also when nothing changed),
 * through the CLI otherwise (contexts, TLS and SSH hosts).
 */
export async function inspectImage(ref: string, signal?: AbortSignal): Promise<EngineImage> {
  try {
    const socket = engineSocket();
    if (socket) {
      const r = await engineGet(socket, `/images/${encodeURIComponent(ref)}/json`, signal);
      if (r.status === 404) throw new EngineError(`No such image: ${ref}`);
      if (r.status !== 200) throw new EngineError(`the build engine answered ${r.status} for ${ref}: ${r.body.trim().slice(0, 300)}`);
      return parseInspect(`[${r.body}]`);
    }
    return parseInspect((await dockerCli(['image', 'inspect', ref], { signal })).stdout);
  } catch (e) {
    if (e instanceof EngineError && /no such image/i.test(e.message)) throw new EngineError(`the build engine has no image '${ref}'; build it first (pier build)`);
    throw e;
  }
}

/** Start `docker save REF`; the caller reads `stdout` and awaits `done`. */
export function saveImage(ref: string, signal?: AbortSignal): { stdout: Readable; done: Promise<void> } {
  const child = spawn('docker', ['save', ref], { stdio: ['ignore', 'pipe', 'pipe'], env: engineEnv(), signal });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 16384) stderr += d.toString('utf8');
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(new EngineError(signal?.aborted ? 'cancelled' : e.code === 'ENOENT' ? 'docker is not installed' : e.message)));
    child.on('close', (code) => {
      if (signal?.aborted) reject(new EngineError('cancelled'));
      else if (code !== 0) reject(new EngineError(`docker save ${ref} failed: ${lastLine(stderr) || `exit ${code}`}`));
      else resolve();
    });
  });
  done.catch(() => undefined);
  child.stdout.on('error', () => undefined); // told through done, as exportImage's
  return { stdout: child.stdout, done };
}

/** The OCI platform string of an image, `os/arch[/variant]`. */
export function imagePlatform(img: Pick<EngineImage, 'os' | 'architecture' | 'variant'>): string {
  return [img.os, img.architecture, img.variant].filter(Boolean).join('/');
}

/** Whether an image platform runs on a device platform (arm64's variant v8 is implied). */
export function platformMatches(image: string, device: string): boolean {
  const norm = (p: string) => p.toLowerCase().replace(/^linux\/arm64\/v8$/, 'linux/arm64').replace(/^linux\/aarch64/, 'linux/arm64');
  const a = norm(image);
  const b = norm(device);
  if (a === b) return true;
  // An image without a variant for 32-bit ARM is taken as the device's own variant.
  return a === 'linux/arm' && b.startsWith('linux/arm/');
}

/**
 * Stream an image as a save archive: the Engine API's `GET /images/{id}/get` over the socket when
 * the docker CLI would use that socket (no CLI process, one copy fewer), `docker save` otherwise.
 */
export function exportImage(ref: string, signal?: AbortSignal): { stdout: Readable; done: Promise<void> } {
  const socket = engineSocket();
  if (!socket) return saveImage(ref, signal);
  const body = new PassThrough();
  // A failure is told through `done`; the stream's own error event must not throw unheard when
  // its reader (a tar parser it is piped into) listens to that promise only.
  body.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      body.destroy(e);
      reject(e);
    };
    const req = request({ socketPath: socket, path: `/images/${encodeURIComponent(ref)}/get`, method: 'GET', headers: { host: 'docker' }, signal }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text = (text + d).slice(0, 4096)));
        res.on('end', () => fail(new EngineError(`the build engine answered ${res.statusCode} to the export of ${ref}: ${apiMessage(text)}`)));
        return;
      }
      res.on('error', (e) => fail(new EngineError(signal?.aborted ? 'cancelled' : e.message)));
      res.on('end', resolve);
      res.pipe(body);
    });
    req.on('error', (e) => fail(new EngineError(signal?.aborted ? 'cancelled' : `cannot export ${ref} from the engine at ${socket}: ${e.message}`)));
    req.end();
  });
  done.catch(() => undefined);
  return { stdout: body, done };
}

let storage: { socket: string; info: Promise<{ root?: string; driver?: string } | undefined> } | undefined;

/**
 * Where the build engine keeps its images (data root and storage driver), when it is reached over
 * a local socket; asked once per process and socket. Undefined for engines behind the CLI only.
 */
export function engineStorage(signal?: AbortSignal): Promise<{ root?: string; driver?: string } | undefined> {
  const socket = engineSocket();
  if (!socket) return Promise.resolve(undefined);
  if (storage?.socket !== socket) {
    const info = engineGet(socket, '/info', signal).then((r) => {
      if (r.status !== 200) return undefined;
      const j = JSON.parse(r.body) as { DockerRootDir?: string; Driver?: string };
      return { root: j.DockerRootDir, driver: j.Driver };
    });
    storage = { socket, info };
    info.catch(() => storage?.info === info && (storage = undefined));
  }
  return storage.info;
}
