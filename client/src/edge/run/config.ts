// The app's run options, from one file both the extension and the CLI read: `pier.json` beside the
// Dockerfile or Compose file (or in a folder above it, up to the workspace). The file is JSON with
// comments, checked against schemas/pier.schema.json (the same schema VS Code uses to complete
// it), and every option left out gets the default a small unattended device wants.

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { parse as parseDotenv } from 'dotenv';
// The ES module build: esbuild cannot follow the UMD build's dynamic requires.
import { parse as parseJsonc, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import schema from '../../../../schemas/pier.schema.json';
import type { HealthProbe, RunConfig } from './types';

/** The config file's name. */
export const CONFIG_FILE = 'pier.json';

/** A problem with pier.json or an env file, with the file and what to change. */
export class RunConfigError extends Error {
  override name = 'RunConfigError';
}

/** Defaults, as the schema documents them. */
export const RUN_DEFAULTS = {
  restart: 'unless-stopped',
  logs: { maxSize: '10m', maxFile: 3 },
  healthTimeoutSec: 60,
  /** Without a HEALTHCHECK or a probe, the container must keep running this long. */
  runningSeconds: 5,
  keepVersions: 3,
  lockWaitSec: 300,
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;

/** Find pier.json in `dir` or a folder above it, stopping at `stopAt` (inclusive) or the root. */
export function findConfigFile(dir: string, stopAt?: string): string | undefined {
  let d = resolve(dir);
  const stop = stopAt ? resolve(stopAt) : undefined;
  for (let i = 0; i < 40; i++) {
    const f = join(d, CONFIG_FILE);
    if (existsSync(f)) return f;
    if (d === stop) return undefined;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
  return undefined;
}

/** Options of `loadRunConfig`. */
export interface LoadOptions {
  /** The Dockerfile or Compose file being deployed; pier.json is looked for from its folder. */
  file?: string;
  /** An explicit pier.json (the CLI's --config). */
  configPath?: string;
  /** Do not look above this folder (the workspace folder). */
  workspaceRoot?: string;
  /** Environment that fills ${NAME} after the env files (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The name when pier.json sets none (default: the folder's name), e.g. a Compose project's. */
  fallbackName?: string;
}

/** Read and check the run options; without a pier.json every option is its default. */
export function loadRunConfig(o: LoadOptions = {}): RunConfig {
  const startDir = o.file ? dirname(resolve(o.file)) : (o.workspaceRoot ?? process.cwd());
  const path = o.configPath ? resolve(o.configPath) : findConfigFile(startDir, o.workspaceRoot);
  let raw: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new RunConfigError(`cannot read ${path}: ${(e as Error).message}`);
    }
    raw = parseConfigText(text, path);
  }
  const baseDir = path ? dirname(path) : startDir;
  const fallbackName = o.fallbackName ?? basename(o.file ? dirname(resolve(o.file)) : baseDir);
  return resolveRunConfig(raw, { baseDir, fallbackName, source: path, env: o.env ?? process.env });
}

/** Parse and validate the text of a pier.json; throws one error listing every problem. */
export function parseConfigText(text: string, path = CONFIG_FILE): Record<string, unknown> {
  const errors: ParseError[] = [];
  const json = parseJsonc(text, errors, { allowTrailingComma: true }) as unknown;
  if (errors.length) throw new RunConfigError(`${path} is not valid JSON (at offset ${errors[0].offset}); fix it and deploy again.`);
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new RunConfigError(`${path} must hold one JSON object.`);
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validator(json)) {
    const problems = (validator.errors ?? []).filter((e) => e.keyword !== 'oneOf' || !(validator!.errors ?? []).some((x) => x !== e && x.instancePath.startsWith(e.instancePath)));
    throw new RunConfigError(`${path}: ${[...new Set(problems.map(describe))].join('; ')}`);
  }
  return json as Record<string, unknown>;
}

function describe(e: ErrorObject): string {
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the file';
  if (e.keyword === 'additionalProperties') return `${at === 'the file' ? '' : `${at}: `}unknown option "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${at} ${e.message ?? 'is invalid'}`;
}

/** Turn checked raw options into a RunConfig: defaults, env files and ${NAME} filled in. */
export function resolveRunConfig(raw: Record<string, unknown>, o: { baseDir: string; fallbackName: string; source?: string; env: NodeJS.ProcessEnv }): RunConfig {
  const r = raw as {
    name?: string;
    ports?: string[];
    env?: Record<string, string | number | boolean>;
    envFile?: string | string[];
    envFilePassAll?: boolean;
    volumes?: string[];
    devices?: string[];
    restart?: string;
    memory?: string;
    cpus?: number;
    logs?: { maxSize?: string; maxFile?: number };
    privileged?: boolean;
    network?: string;
    user?: string;
    command?: string[];
    health?: { tcp?: number; http?: string; port?: number; status?: number; command?: string[]; running?: number };
    healthTimeout?: number;
    replace?: RunConfig['replace'];
    keepVersions?: number;
    lockWait?: number;
    compose?: { files?: string[]; envFile?: string };
  };
  const fileVars: Record<string, string> = {};
  for (const f of r.envFile === undefined ? [] : Array.isArray(r.envFile) ? r.envFile : [r.envFile]) {
    const p = resolve(o.baseDir, f);
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      throw new RunConfigError(`the env file ${p} named in ${o.source ?? CONFIG_FILE} cannot be read; create it or remove it from envFile.`);
    }
    Object.assign(fileVars, parseDotenv(text));
  }
  const lookup = (k: string) => fileVars[k] ?? o.env[k];
  const env: Record<string, string> = r.envFilePassAll ? { ...fileVars } : {};
  for (const [k, v] of Object.entries(r.env ?? {})) env[k] = interpolate(String(v), lookup, `env.${k}`, o.source);
  const name = r.name ?? sanitizeName(o.fallbackName);
  return {
    name,
    ports: r.ports ?? [],
    env,
    volumes: (r.volumes ?? []).map((v) => (v.startsWith('./') || v.startsWith('../') ? `${resolve(o.baseDir, v.split(':')[0])}:${v.split(':').slice(1).join(':')}` : v)),
    devices: r.devices ?? [],
    restart: r.restart ?? RUN_DEFAULTS.restart,
    memory: r.memory,
    cpus: r.cpus,
    logs: { maxSize: r.logs?.maxSize ?? RUN_DEFAULTS.logs.maxSize, maxFile: r.logs?.maxFile ?? RUN_DEFAULTS.logs.maxFile },
    privileged: r.privileged === true,
    network: r.network,
    user: r.user,
    command: r.command,
    health: healthOf(r.health),
    healthConfigured: r.health !== undefined,
    healthTimeoutSec: r.healthTimeout ?? RUN_DEFAULTS.healthTimeoutSec,
    replace: r.replace ?? 'auto',
    keepVersions: r.keepVersions ?? RUN_DEFAULTS.keepVersions,
    lockWaitSec: r.lockWait ?? RUN_DEFAULTS.lockWaitSec,
    compose: r.compose ? { files: (r.compose.files ?? []).map((f) => resolve(o.baseDir, f)), envFile: r.compose.envFile ? resolve(o.baseDir, r.compose.envFile) : undefined } : undefined,
    source: o.source,
  };
}

function healthOf(h: { tcp?: number; http?: string; port?: number; status?: number; command?: string[]; running?: number } | undefined): HealthProbe {
  if (h?.tcp !== undefined) return { kind: 'tcp', port: h.tcp };
  if (h?.http !== undefined) return { kind: 'http', path: h.http, port: h.port, status: h.status };
  if (h?.command !== undefined) return { kind: 'command', argv: h.command };
  return { kind: 'running', seconds: h?.running ?? RUN_DEFAULTS.runningSeconds };
}

/** Fill `${NAME}` and `${NAME:-default}`; `$$` is a literal dollar. An unset name without a default is an error. */
export function interpolate(value: string, lookup: (name: string) => string | undefined, where = 'value', source?: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (m, name: string | undefined, dflt: string | undefined) => {
    if (m === '$$') return '$';
    const v = lookup(name!);
    if (v !== undefined && (v !== '' || !m.includes(':-'))) return v;
    if (dflt !== undefined) return dflt;
    throw new RunConfigError(`${source ?? CONFIG_FILE}: ${where} uses \${${name}}, which neither the env file nor the environment sets; set it in the env file or give a default (\${${name}:-value}).`);
  });
}

/** A container name Docker accepts, made from a folder name. */
export function sanitizeName(s: string): string {
  const n = s.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '').slice(0, 60);
  return n || 'app';
}
