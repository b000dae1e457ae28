// Size figures in the editor: an inlay hint on each FROM (`≈ 7.4 MB on linux/arm64`), one for the
// final image (`final image ≈ 14 MB`), and after a build `+182 MB` next to each instruction, with
// the breakdown (or the reason a size is unknown) in the hint's hover. Facts arrive in the
// background (registry, local engine, context walk) and the hints refresh when they do; a request
// never waits for the network or the disk walk.

import { dirname } from 'node:path';
import {
  DidChangeWatchedFilesNotification,
  InlayHintKind,
  InlayHintRequest,
  MarkupKind,
  type Connection,
  type InlayHint,
  type InlayHintParams,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { estimateImage, type ImageEstimate } from '../analysis/size/estimate';
import { formatBreakdown, formatFinalHint, formatStageHint } from '../analysis/size/format';
import type { BuildRecord } from '../analysis/size/types';
import { BuildRecords } from '../size/build-records';
import { ContextCache } from '../size/context-cache';
import { SizeFacts } from '../size/size-facts';
import { parsedDockerfile } from './dockerfile/parsed';
import { documentKinds, kindOf } from './languages';
import { fsPathOf, type ProjectFiles } from './project-files';
import { guard } from './safe';
import type { SettingsStore } from './settings';
import { setSizeFacts } from './size-facts-store';
import { layerHints } from './size-layer-hints';

/** What the size hints need from the server. */
export interface SizeHintsOptions {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  settings: SettingsStore;
  files: ProjectFiles;
  log: (message: string) => void;
  /** Re-run diagnostics (published platforms arrived for base-image-platform-missing). */
  revalidate: () => void;
  /** Size cache directory (default ~/.cache/pier/size); null keeps facts in memory. */
  cacheDir?: string | null;
  /** Build records directory (default ~/.cache/pier/builds). */
  recordDir?: string;
}

/** What the wiring forwards to the size hints. */
export interface SizeHints {
  /** Files changed on disk (URIs from didChangeWatchedFiles). */
  filesChanged(uris: readonly string[]): void;
  /** The estimate the hints of a document show (tests). */
  estimate(uri: string): Promise<ImageEstimate | undefined>;
  facts: SizeFacts;
  contexts: ContextCache;
}

/** Debounce one action: many calls within `ms` run it once. */
function debounced(ms: number, fn: () => void): () => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (t) return;
    t = setTimeout(() => {
      t = undefined;
      fn();
    }, ms);
    t.unref?.();
  };
}

/** Call into the connection; a client that already left makes it throw, which is no one's concern. */
function quietly(fn: () => Promise<unknown> | unknown): void {
  try {
    const r = fn();
    if (r instanceof Promise) r.catch(() => undefined);
  } catch {
    // Disposed connection: the client is gone.
  }
}

/** Register the inlay hint handler and the background fact sources; returns the file-event hook. */
export function registerSizeHints(o: SizeHintsOptions): SizeHints {
  const { connection, documents, log } = o;
  const refresh = debounced(100, () => quietly(() => connection.languages.inlayHint.refresh()));
  let knownPlatforms = '';
  const revalidate = debounced(100, () => quietly(() => o.revalidate()));
  const facts = new SizeFacts({
    cacheDir: o.cacheDir,
    log,
    onFacts: () => {
      refresh();
      // Published platforms feed a diagnostic: re-run diagnostics only when they changed.
      const now = JSON.stringify(facts.publishedPlatforms());
      if (now !== knownPlatforms) {
        knownPlatforms = now;
        revalidate();
      }
    },
  });
  setSizeFacts(facts);
  const contexts = new ContextCache({ onChange: refresh });
  const records = new BuildRecords(o.recordDir);
  /** The target platform each document's hints were last computed for. */
  const platforms = new Map<string, string>();

  const dockerignoreOf = async (doc: TextDocument, path: string) => {
    const kind = kindOf(documentKinds, doc.uri, doc.languageId);
    if (!kind) return null;
    const side = await o.files.sideFiles(kind, path);
    return side.dockerignore ?? null;
  };

  const estimateOf = async (doc: TextDocument): Promise<{ est: ImageEstimate; record?: BuildRecord } | undefined> => {
    if (kindOf(documentKinds, doc.uri, doc.languageId)?.kind !== 'dockerfile') return undefined;
    const view = parsedDockerfile(doc);
    if (!view) return undefined;
    const path = fsPathOf(doc.uri);
    const [client, ignoreText, record] = await Promise.all([o.settings.get(doc.uri), path ? dockerignoreOf(doc, path) : null, path ? records.get(path) : undefined]);
    const context = path ? contexts.get(dirname(path), ignoreText) : { unknown: 'the Dockerfile is not saved, so there is no build context to measure' };
    const targetPlatform = client.lint.targetPlatforms?.[0] ?? 'linux/arm64';
    platforms.set(doc.uri, targetPlatform);
    const est = estimateImage({ stages: view.stages, targetPlatform, buildPlatform: hostPlatform(), sizes: facts, context, previousBuild: record });
    return { est, record };
  };

  let registered = false;
  documents.onDidOpen(() => {
    if (registered) return;
    registered = true;
    // Registered on first use: the wiring's initialize result belongs to the server, and clients
    // that cannot register dynamically simply show no size hints.
    quietly(() => connection.client.register(InlayHintRequest.type, { documentSelector: null }).then(undefined, (e: unknown) => log(`size hints not registered: ${(e as Error)?.message ?? String(e)}`)));
    quietly(() =>
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).then(
        () => (contexts.watched = true),
        () => undefined,
      ),
    );
  });

  // Start fetching sizes as soon as a Dockerfile is edited, so hints and the platform diagnostic have facts early.
  const prefetchTimers = new Map<string, ReturnType<typeof setTimeout>>();
  documents.onDidChangeContent((e) => {
    const uri = e.document.uri;
    clearTimeout(prefetchTimers.get(uri));
    prefetchTimers.set(
      uri,
      setTimeout(() => {
        prefetchTimers.delete(uri);
        // On the next turn, after what is queued there: over stdio the JSON-RPC writer sends from
        // setImmediate, and a diagnostics publish waiting there must not wait for these lookups
        // (each starts a docker process, which can take a while on a busy machine).
        setImmediate(() => prefetch(uri));
      }, 300).unref(),
    );
  });
  const prefetch = (uri: string) => {
    const doc = documents.get(uri);
    if (!doc || kindOf(documentKinds, doc.uri, doc.languageId)?.kind !== 'dockerfile') return;
    // Only the catalog: no settings request, the platform of the last hint request (or the default).
    const platform = platforms.get(uri) ?? 'linux/arm64';
    for (const st of parsedDockerfile(doc)?.stages ?? []) if (st.ref) facts.lookup(st.ref, platform);
  };
  documents.onDidClose((e) => {
    platforms.delete(e.document.uri);
    clearTimeout(prefetchTimers.get(e.document.uri));
    prefetchTimers.delete(e.document.uri);
  });

  connection.languages.inlayHint.on(
    guard<InlayHintParams, InlayHint[]>('inlayHint', log, [], async (p, token) => {
      const doc = documents.get(p.textDocument.uri);
      if (!doc) return [];
      const r = await estimateOf(doc);
      if (!r || token.isCancellationRequested) return [];
      return [...stageHints(doc, r.est), ...layerHints(doc, r.record)];
    }),
  );

  return {
    filesChanged(uris) {
      let any = false;
      for (const u of uris) {
        const path = fsPathOf(u);
        if (!path) continue;
        contexts.changed(path);
        any = true;
      }
      if (any) refresh();
    },
    async estimate(uri) {
      const doc = documents.get(uri);
      return doc ? (await estimateOf(doc))?.est : undefined;
    },
    facts,
    contexts,
  };
}

/** The build machine's platform, for stages on $BUILDPLATFORM. */
function hostPlatform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'arm' ? 'arm/v7' : process.arch;
  return `linux/${arch}`;
}

function stageHints(doc: TextDocument, est: ImageEstimate): InlayHint[] {
  const out: InlayHint[] = [];
  const lines = doc.getText().split(/\r?\n/);
  for (const s of est.stages) {
    const end = { line: s.line, character: lines[s.line]?.length ?? 0 };
    const tooltip = { kind: MarkupKind.Markdown, value: formatBreakdown(s, true) };
    out.push({ position: end, label: formatStageHint(s), kind: InlayHintKind.Type, paddingLeft: true, tooltip });
    if (s.isFinal) out.push({ position: end, label: formatFinalHint(s), kind: InlayHintKind.Type, paddingLeft: true, tooltip });
  }
  return out;
}
