// Gathering the file facts a Compose analysis needs, through I/O functions the caller supplies
// (the CLI and the server pass node:fs; tests pass a map). Analysis itself reads nothing.

import { dirname, isAbsolute, join } from 'node:path';
import { composeFileNeeds } from './analyze';
import type { ComposeFileFacts } from './context';

/** File access as the caller provides it; both resolve to null for anything missing or unreadable. */
export interface FileIO {
  readText(absPath: string): Promise<string | null>;
  kind(absPath: string): Promise<'file' | 'dir' | null>;
}

/** Read `.env`, and the existence and Dockerfiles of the paths the Compose text mentions. */
export async function gatherComposeFacts(path: string, text: string, io: FileIO): Promise<ComposeFileFacts> {
  const dir = dirname(path);
  const abs = (key: string) => (isAbsolute(key) ? key : join(dir, key));
  const dotenv = await io.readText(join(dir, '.env'));
  const needs = composeFileNeeds(text, dotenv);
  const paths: Record<string, 'file' | 'dir' | null> = {};
  const dockerfiles: Record<string, string | null> = {};
  await Promise.all([
    ...needs.paths.map(async (k) => {
      paths[k] = await io.kind(abs(k));
    }),
    ...needs.dockerfiles.map(async (k) => {
      dockerfiles[k] = await io.readText(abs(k));
    }),
  ]);
  return { path, dotenv, paths, dockerfiles };
}
