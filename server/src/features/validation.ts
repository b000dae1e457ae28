// When and how documents are analysed. The first analysis of an opened document runs at once, so
// diagnostics appear fast; later ones are debounced per document, but only for documents whose
// analysis is slow enough for a debounce to save work (small files are analysed on the next turn
// of the event loop, which still coalesces a burst of queued changes). A newer change supersedes a
// pending or running analysis, and results are published only for the version they were computed
// from, so stale diagnostics never appear. A failing analysis publishes empty diagnostics.
// While the shell parser is not loaded yet (a server just started), a Dockerfile's first round
// runs without it: the findings of rules that need no RUN script go out at once, then the parser
// loads and the complete set follows for the same version. The first round only ever lacks
// findings, so nothing shown disappears and comes back.

import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { mergeSettings } from '../analysis/engine/hadolint-config';
import type { Finding } from '../analysis/engine/types';
import { binaryDiagnostic, toDiagnostic, tooLargeDiagnostic } from './diagnostics';
import { kindOf, type DocumentKind } from './languages';
import { fsPathOf, type ProjectFiles } from './project-files';
import type { SettingsStore } from './settings';
import { MAX_ANALYSIS_BYTES } from '../analysis/file-kinds';
import { loadShellParser, shellParserLoaded, withoutLoadingShellParser } from '../analysis/dockerfile/shell';

/** Debounce for documents whose last analysis took at least SLOW_ANALYSIS_MS. */
export const DEBOUNCE_MS = 75;
/**
 * Analyses faster than this run without a debounce: at typing speed (a key every 80-150 ms) they
 * cannot pile up, and skipping the delay keeps keystroke-to-diagnostics within 20 ms for a
 * typical file. Slower analyses (large files, slow machines) wait out the debounce instead.
 */
export const SLOW_ANALYSIS_MS = 40;

/** The outcome of analysing one version of a document. */
export interface Analysis {
  version: number;
  kind: DocumentKind;
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** False for a first round run without the shell parser: rules that read RUN scripts are missing. */
  complete: boolean;
  /** For a first round: the complete analysis of the same text with the same settings and files. */
  completed?: () => Analysis;
}

interface DocState {
  /** Bumped by every change and close; a run whose generation is old is dropped. */
  generation: number;
  timer?: ReturnType<typeof setTimeout>;
  immediate?: ReturnType<typeof setImmediate>;
  lastMs: number;
  seen: boolean;
}

/** Options for the validator. */
export interface ValidatorOptions {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  kinds: readonly DocumentKind[];
  settings: SettingsStore;
  files: ProjectFiles;
  log: (message: string) => void;
  /** A fixed debounce for every change (benchmarks, slow machines); adaptive when undefined. */
  fixedDelayMs?: number;
  /** Publish a first round without the shell parser while it is not loaded (the server process). */
  deferShellParser?: boolean;
}

/** Schedules, runs and publishes analyses; keeps the latest result per document for requests. */
export class Validator {
  private readonly states = new Map<string, DocState>();
  private readonly results = new Map<string, Analysis>();

  constructor(private readonly o: ValidatorOptions) {}

  private state(uri: string): DocState {
    let s = this.states.get(uri);
    if (!s) this.states.set(uri, (s = { generation: 0, lastMs: 0, seen: false }));
    return s;
  }

  private clearTimers(s: DocState): void {
    if (s.timer) clearTimeout(s.timer);
    if (s.immediate) clearImmediate(s.immediate);
    s.timer = s.immediate = undefined;
  }

  /** A document opened or changed: analyse it now (first time) or after the debounce. */
  schedule(doc: TextDocument): void {
    const s = this.state(doc.uri);
    this.clearTimers(s);
    const generation = ++s.generation;
    const run = () => {
      s.timer = s.immediate = undefined;
      void this.validate(doc.uri, generation);
    };
    if (!s.seen) {
      s.seen = true;
      run();
      return;
    }
    const delay = this.o.fixedDelayMs ?? (s.lastMs >= SLOW_ANALYSIS_MS ? DEBOUNCE_MS : 0);
    if (delay > 0) s.timer = setTimeout(run, delay);
    else s.immediate = setImmediate(run);
  }

  /** Re-analyse every open document (settings or project files changed). */
  revalidateAll(): void {
    for (const doc of this.o.documents.all()) {
      this.results.delete(doc.uri);
      this.schedule(doc);
    }
  }

  /** A document closed: cancel its work, forget it and clear its diagnostics. */
  close(uri: string): void {
    const s = this.states.get(uri);
    if (s) {
      this.clearTimers(s);
      s.generation++;
    }
    this.states.delete(uri);
    this.results.delete(uri);
    this.publish(uri, undefined, []);
  }

  /** Send diagnostics; a connection that is already gone is not an error worth more than silence. */
  private publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    try {
      void this.o.connection.sendDiagnostics({ uri, version, diagnostics }).catch(() => undefined);
    } catch {
      // Disposed connection: the client left while this document was being analysed.
    }
  }

  /** The analysis of a document's current version, computing it if no run has produced it yet; never throws. */
  async current(doc: TextDocument): Promise<Analysis | undefined> {
    const hit = this.results.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    let a: Analysis | undefined;
    try {
      a = await this.analyse(doc);
    } catch (e) {
      // The validation run logs the same failure; requests go on without findings.
      this.o.log(`analysis of ${doc.uri} failed during a request: ${(e as Error)?.message ?? String(e)}`);
      return undefined;
    }
    if (!a || a.version !== doc.version) return undefined;
    if (this.o.documents.get(doc.uri) === doc) this.results.set(doc.uri, a);
    return a;
  }

  private async validate(uri: string, generation: number): Promise<void> {
    const doc = this.o.documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    // A request (hover, code action) may already have analysed this version.
    const done = this.results.get(uri);
    if (done && done.version === version) return this.publish(uri, version, done.diagnostics);
    const stale = () => this.states.get(uri)?.generation !== generation || this.o.documents.get(uri) !== doc || doc.version !== version;
    let diagnostics: Diagnostic[] = [];
    try {
      const started = performance.now();
      const a = await this.analyse(doc, stale, this.o.deferShellParser === true);
      if (!a) return;
      this.state(uri).lastMs = performance.now() - started;
      if (stale()) return;
      if (!a.complete) return this.completeLater(uri, a, stale);
      this.results.set(uri, a);
      diagnostics = a.diagnostics;
    } catch (e) {
      this.o.log(`analysis of ${uri} failed; its diagnostics are cleared: ${(e as Error)?.stack ?? String(e)}`);
      if (stale()) return;
      this.results.delete(uri);
    }
    this.publish(uri, version, diagnostics);
  }

  /**
   * A first round lacks the rules that read RUN scripts: show what it found (an empty round
   * changes nothing on the client and is not sent), then, on the next turn of the event loop so
   * that message goes out first, load the shell parser and publish the complete set for the same
   * version. Loading and the complete analysis run in one go, on the text, settings and files of
   * the first round, so nothing (a settings round trip, a timer) comes between. A newer change
   * cancels this (schedule clears the timers) and runs its own rounds.
   */
  private completeLater(uri: string, first: Analysis, stale: () => boolean): void {
    if (first.diagnostics.length) this.publish(uri, first.version, first.diagnostics);
    const s = this.state(uri);
    s.immediate = setImmediate(() => {
      s.immediate = undefined;
      if (stale()) return;
      try {
        loadShellParser();
      } catch (e) {
        // The complete round still runs; the rules that need the parser log their failure.
        this.o.log(`the shell parser did not load: ${(e as Error)?.stack ?? String(e)}`);
      }
      let diagnostics: Diagnostic[] = [];
      try {
        const done = this.results.get(uri);
        const a = done && done.version === first.version ? done : first.completed!();
        this.results.set(uri, a);
        diagnostics = a.diagnostics;
      } catch (e) {
        this.o.log(`analysis of ${uri} failed; its diagnostics are cleared: ${(e as Error)?.stack ?? String(e)}`);
        this.results.delete(uri);
      }
      this.publish(uri, first.version, diagnostics);
    });
  }

  /**
   * Analyse one version: settings, side files, then the kind's analysis. Returns undefined when
   * no kind handles the document, or when `stale` says the work is no longer wanted. With
   * `firstRound`, a Dockerfile is analysed without loading the shell parser if it is not loaded
   * yet (the result says whether it is complete); requests always get the complete analysis.
   */
  private async analyse(doc: TextDocument, stale: () => boolean = () => false, firstRound = false): Promise<Analysis | undefined> {
    const kind = kindOf(this.o.kinds, doc.uri, doc.languageId);
    if (!kind) return undefined;
    const path = fsPathOf(doc.uri);
    const [client, hadolint, files] = await Promise.all([
      this.o.settings.get(doc.uri),
      path ? this.o.files.hadolintFor(path) : undefined,
      this.o.files.sideFiles(kind, path),
    ]);
    if (stale()) return undefined;
    // From here on everything is synchronous, so the text and version cannot drift apart.
    const version = doc.version;
    const text = doc.getText();
    const empty = (diagnostics: Diagnostic[] = []): Analysis => ({ version, kind, findings: [], diagnostics, complete: true });
    if (!client.enable) return empty();
    const bytes = text.length * 3 <= MAX_ANALYSIS_BYTES ? 0 : Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_ANALYSIS_BYTES) return empty([tooLargeDiagnostic(bytes)]);
    if (text.slice(0, 8192).includes('\u0000')) return empty([binaryDiagnostic()]);
    // The project's .hadolint.yaml first; the user's explicit per-rule choices win over it.
    const settings = mergeSettings(hadolint, client.lint);
    const run = () => kind.analyze(text, settings, files, this.o.log, path);
    const analysis = (findings: Finding[], complete: boolean): Analysis => ({ version, kind, findings, diagnostics: findings.map((f) => toDiagnostic(f, doc, kind)), complete });
    // Only Dockerfiles: their rules are independent, so a round without some of them is a subset.
    if (firstRound && kind.kind === 'dockerfile' && !shellParserLoaded()) {
      const first = withoutLoadingShellParser(run);
      if (!first.complete) return { ...analysis(first.value, false), completed: () => analysis(run(), true) };
      return analysis(first.value, true);
    }
    return analysis(run(), true);
  }
}
