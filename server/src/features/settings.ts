// `pier.lint.*` per document: pulled with workspace/configuration for the document's URI (so
// folder settings apply), cached per URI, dropped when the client says configuration changed.
// Clients without workspace/configuration push settings with didChangeConfiguration instead.
//
// Adding a setting: declare it in package.json `contributes.configuration` (the one home of
// defaults), read it in `readLintSettings` below, and use it from `ClientLintSettings`.

import type { Connection } from 'vscode-languageserver/node';
import type { LintSettings } from '../analysis/engine/types';

/** The client-side part of a document's settings. */
export interface ClientLintSettings {
  enable: boolean;
  lint: Partial<LintSettings>;
}

const SECTION = 'pier.lint';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read `pier.lint` as sent by a client, keeping only well-typed values. */
export function readLintSettings(raw: unknown): ClientLintSettings {
  const r = isRecord(raw) ? raw : {};
  const lint: Partial<LintSettings> = {};
  if (isRecord(r.rules)) lint.rules = r.rules as LintSettings['rules'];
  if (isRecord(r.categories)) lint.categories = r.categories as LintSettings['categories'];
  if (Array.isArray(r.targetPlatforms)) lint.targetPlatforms = r.targetPlatforms.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(r.trustedRegistries)) lint.trustedRegistries = r.trustedRegistries.filter((x): x is string => typeof x === 'string');
  return { enable: r.enable !== false, lint };
}

/** Per-URI settings cache. */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<ClientLintSettings>>();
  private pushed: ClientLintSettings = readLintSettings(undefined);
  /** Set from the client's capabilities at initialize. */
  pull = false;

  constructor(
    private readonly connection: Connection,
    private readonly log: (message: string) => void,
  ) {}

  /** Settings for a document. Never rejects: a failed request falls back to the defaults. */
  get(uri: string): Promise<ClientLintSettings> {
    if (!this.pull) return Promise.resolve(this.pushed);
    let p = this.cache.get(uri);
    if (!p) {
      p = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SECTION }).then(readLintSettings, (e: unknown) => {
        this.log(`workspace/configuration for ${uri} failed, using defaults: ${(e as Error)?.message ?? String(e)}`);
        if (this.cache.get(uri) === p) this.cache.delete(uri);
        return readLintSettings(undefined);
      });
      this.cache.set(uri, p);
    }
    return p;
  }

  /** didChangeConfiguration: forget everything; keep pushed settings for clients that push. */
  changed(settings: unknown): void {
    this.cache.clear();
    const pier = isRecord(settings) ? settings.pier : undefined;
    this.pushed = readLintSettings(isRecord(pier) ? pier.lint : undefined);
  }

  /** A closed document's entry. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
