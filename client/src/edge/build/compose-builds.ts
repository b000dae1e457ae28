// The images a Compose file builds: each service's `build:` (context, dockerfile, args, target)
// with variables interpolated from the environment and the `.env` beside the file, as Compose
// does, and the service's platform and image name.

import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { interpolate, parseDotenv } from '../../../../server/src/analysis/compose/interpolation';

/** One service that builds an image. */
export interface ComposeBuild {
  service: string;
  /** Absolute context directory. */
  context: string;
  /** Absolute Dockerfile path. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  /** The service's `image:`, when it names one. */
  image?: string;
  platform?: string;
}

/** The Compose project's builds; services without `build:` are left out (they pull their image). */
export function composeBuilds(file: string, env: NodeJS.ProcessEnv = process.env): { project: string; builds: ComposeBuild[] } {
  const path = resolve(file);
  const dir = dirname(path);
  const vars = new Map<string, string>();
  try {
    for (const [k, v] of parseDotenv(readFileSync(join(dir, '.env'), 'utf8'))) vars.set(k, v);
  } catch {
    // No .env: only the environment applies.
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) vars.set(k, v);
  const value = (v: unknown) => (typeof v === 'string' ? interpolate(v, vars).value : v === undefined || v === null ? undefined : String(v));
  const doc = parse(readFileSync(path, 'utf8')) as { name?: unknown; services?: Record<string, Record<string, unknown>> } | null;
  const project = (value(doc?.name) ?? basename(dir)).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  const builds: ComposeBuild[] = [];
  for (const [service, svc] of Object.entries(doc?.services ?? {})) {
    const b = svc?.build;
    if (b === undefined || b === null) continue;
    const spec = typeof b === 'string' ? { context: b } : (b as Record<string, unknown>);
    const context = resolve(dir, value(spec.context) ?? '.');
    const df = value(spec.dockerfile) ?? 'Dockerfile';
    const args: Record<string, string> = {};
    const rawArgs = spec.args;
    if (Array.isArray(rawArgs)) {
      for (const a of rawArgs) {
        const s = value(a) ?? '';
        const i = s.indexOf('=');
        if (i > 0) args[s.slice(0, i)] = s.slice(i + 1);
        else if (s && vars.has(s)) args[s] = vars.get(s)!;
      }
    } else if (rawArgs && typeof rawArgs === 'object') {
      for (const [k, v] of Object.entries(rawArgs)) {
        const s = value(v);
        if (s !== undefined) args[k] = s;
        else if (vars.has(k)) args[k] = vars.get(k)!;
      }
    }
    builds.push({ service, context, dockerfile: isAbsolute(df) ? df : join(context, df), args, target: value(spec.target), image: value(svc.image), platform: value(svc.platform) });
  }
  return { project, builds };
}
