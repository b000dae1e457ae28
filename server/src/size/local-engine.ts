// Sizes of images the local Docker engine already has (`docker image inspect`): exact unpacked
// sizes, no network. The CLI is used rather than the socket so the user's context and DOCKER_HOST
// apply as they do for their builds.

import { spawn } from 'node:child_process';
import { normalizePlatform } from '../analysis/size/platform';

/** What the engine records about a local image. */
export interface LocalImage {
  id: string;
  platform: string;
  /** Unpacked size in bytes. */
  size: number;
  repoTags: string[];
  repoDigests: string[];
}

/** Why the engine could not be asked (no docker CLI, no engine running), as one line. */
export class LocalEngineError extends Error {
  override name = 'LocalEngineError';
}

/** Run the docker CLI with arguments; resolves with stdout, stderr and the exit code. */
export function dockerCli(args: readonly string[], o: { timeoutMs?: number; signal?: AbortSignal; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeoutMs ?? 3000, killSignal: 'SIGKILL', signal: o.signal, env: { ...process.env, DOCKER_CLI_HINTS: 'false', ...o.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 8 * 1024 * 1024) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => reject(new LocalEngineError(e.code === 'ENOENT' ? 'the docker CLI is not installed' : `docker: ${e.message}`)));
    child.on('close', (code, sig) => {
      if (sig) return reject(new LocalEngineError(`docker ${args[0]} did not answer within ${Math.round((o.timeoutMs ?? 3000) / 1000)} s`));
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** The local image for a reference, or undefined when the engine does not have it. Throws LocalEngineError when there is no engine. */
export async function inspectLocalImage(ref: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<LocalImage | undefined> {
  const r = await dockerCli(['image', 'inspect', '--format', '{{json .}}', ref], o);
  if (r.code !== 0) {
    if (/no such image|not found/i.test(r.stderr)) return undefined;
    throw new LocalEngineError(r.stderr.trim().split('\n').pop() || `docker image inspect exited with ${r.code}`);
  }
  try {
    const j = JSON.parse(r.stdout.trim().split('\n')[0]) as { Id: string; Os: string; Architecture: string; Variant?: string; Size: number; RepoTags?: string[]; RepoDigests?: string[] };
    return { id: j.Id, platform: normalizePlatform([j.Os, j.Architecture, j.Variant].filter(Boolean).join('/')), size: j.Size, repoTags: j.RepoTags ?? [], repoDigests: j.RepoDigests ?? [] };
  } catch {
    throw new LocalEngineError('docker image inspect printed something that is not JSON');
  }
}
