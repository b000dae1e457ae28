// Which files deploy, and the app name a file deploys as. Kept apart from deploy.ts so the task
// provider and the command table can ask without loading the deploy pipeline at activation.

import * as path from 'node:path';
import type { Uri } from 'vscode';

const DEPLOYABLE = /(^|[\\/])((Dockerfile|Containerfile)(\.[^\\/]*)?|[^\\/]*\.(Dockerfile|dockerfile)|(docker-)?compose(\.[^\\/]*)?\.ya?ml)$/;

/** Whether a path names a Dockerfile or a Compose file. */
export function isDeployable(fsPath: string): boolean {
  return DEPLOYABLE.test(fsPath);
}

/** The app's name: the folder the Dockerfile or Compose file lives in. */
export function appName(file: Uri): string {
  const dir = path.basename(path.dirname(file.fsPath));
  const base = path.basename(file.fsPath);
  // Dockerfile.api and api.Dockerfile name their app after the suffix or prefix.
  const m = /^(?:Dockerfile|Containerfile)\.(.+)$/.exec(base) ?? /^(.+)\.(?:Dockerfile|dockerfile)$/.exec(base);
  return (m?.[1] ?? dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'app';
}
