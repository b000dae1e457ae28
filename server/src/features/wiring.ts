// Wires the connection to the documents and every feature. Handlers are guarded (safe.ts): a
// request is always answered, and nothing here writes to stdout.

import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type DocumentSymbolParams,
  type HoverParams,
  type Connection,
  type DocumentSymbol,
  type Hover,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions, type EditTraits } from './code-actions';
import { hover } from './hover';
import { documentKinds, kindOf, type ClientTraits, type DocumentKind } from './languages';
import { fsPathOf, ProjectFiles } from './project-files';
import { guard, guardNotification } from './safe';
import { SettingsStore } from './settings';
import { Validator } from './validation';
import { registerSizeHints } from './size-hints';

/** Options for tests and embedders; the defaults serve the editor. */
export interface ServerOptions {
  /** The document kinds to serve (default: every kind Pier knows). */
  kinds?: readonly DocumentKind[];
  /**
   * Send a Dockerfile's first diagnostics before the shell parser has loaded, then the complete
   * set (see validation.ts). The server process does; in-process embedders load it as they go.
   */
  deferShellParser?: boolean;
}

/** Settings a client may pass in `initializationOptions`. */
interface InitOptions {
  /** A fixed debounce in ms for every change instead of the adaptive one. */
  validationDelayMs?: number;
}

/** Globs of the project files analysis reads; changes to them re-analyse open documents. */
export const WATCHED_FILES = '**/{.hadolint.yaml,.hadolint.yml,.dockerignore,*.dockerignore}';

/** What the server adapts to in a client. */
interface Traits extends ClientTraits, EditTraits {
  pull: boolean;
  watch: boolean;
  configRegistration: boolean;
  folders: boolean;
}

function clientTraits(caps: ClientCapabilities): Traits {
  const md = (formats: string[] | undefined) => !formats || formats.includes('markdown');
  return {
    snippets: caps.textDocument?.completion?.completionItem?.snippetSupport === true,
    markdown: md(caps.textDocument?.hover?.contentFormat),
    documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
    pull: caps.workspace?.configuration === true,
    watch: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    configRegistration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    folders: caps.workspace?.workspaceFolders === true,
  };
}

/** Start serving on a connection; returns when wired (the connection runs until exit). */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const log = (m: string) => {
    try {
      connection.console.error(m);
    } catch {
      // The connection is gone (client exited); there is no one left to tell.
    }
  };
  const kinds = options.kinds ?? documentKinds;
  const documents = new TextDocuments(TextDocument);
  const settings = new SettingsStore(connection, log);
  const files = new ProjectFiles();
  let traits = clientTraits({});
  let folders: string[] = [];
  let validator: Validator | undefined;
  const validatorOf = () => (validator ??= new Validator({ connection, documents, kinds, settings, files, log, deferShellParser: options.deferShellParser }));
  const sizeHints = registerSizeHints({ connection, documents, settings, files, log, revalidate: () => validatorOf().revalidateAll() });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    traits = clientTraits(params.capabilities);
    settings.pull = traits.pull;
    folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    files.setFolders(folders);
    const init = (params.initializationOptions ?? {}) as InitOptions;
    const fixedDelayMs = typeof init.validationDelayMs === 'number' && init.validationDelayMs >= 0 ? init.validationDelayMs : undefined;
    validator = new Validator({ connection, documents, kinds, settings, files, log, fixedDelayMs, deferShellParser: options.deferShellParser });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        hoverProvider: true,
        documentSymbolProvider: { label: 'Pier' },
        completionProvider: { triggerCharacters: ['-', '=', ','] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'pier' },
    };
  });

  connection.onInitialized(
    guardNotification('initialized', log, async () => {
      if (traits.watch) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED_FILES }] });
        files.watched = true;
      }
      if (traits.pull && traits.configRegistration) await connection.client.register(DidChangeConfigurationNotification.type, { section: 'pier' });
      if (traits.folders) {
        connection.workspace.onDidChangeWorkspaceFolders(
          guardNotification('didChangeWorkspaceFolders', log, (e) => {
            folders = [...folders.filter((u) => !e.removed.some((r) => r.uri === u)), ...e.added.map((f) => f.uri)];
            files.setFolders(folders);
            files.invalidate();
            validatorOf().revalidateAll();
          }),
        );
      }
    }),
  );

  connection.onDidChangeConfiguration(
    guardNotification('didChangeConfiguration', log, (p) => {
      settings.changed(p.settings);
      validatorOf().revalidateAll();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guardNotification('didChangeWatchedFiles', log, (p) => {
      for (const c of p.changes) {
        const path = fsPathOf(c.uri);
        if (path) files.invalidate(path);
      }
      sizeHints.filesChanged(p.changes.map((c) => c.uri));
      validatorOf().revalidateAll();
    }),
  );

  documents.onDidChangeContent(guardNotification('didChangeContent', log, (e) => validatorOf().schedule(e.document)));
  documents.onDidClose(guardNotification('didClose', log, (e) => validatorOf().close(e.document.uri)));

  /** The open document and its kind, or undefined when the server does not handle it. */
  const served = (uri: string) => {
    const doc = documents.get(uri);
    const kind = doc && kindOf(kinds, doc.uri, doc.languageId);
    return doc && kind ? { doc, kind } : undefined;
  };

  connection.onCodeAction(
    guard<CodeActionParams, CodeAction[]>('codeAction', log, [], async (p, token) => {
      const s = served(p.textDocument.uri);
      if (!s) return [];
      const a = await validatorOf().current(s.doc);
      if (!a || token.isCancellationRequested) return [];
      return codeActions(s.doc, s.kind, a.findings, p, traits, token);
    }),
  );

  connection.onHover(
    guard<HoverParams, Hover | null>('hover', log, null, async (p, token) => {
      const s = served(p.textDocument.uri);
      if (!s) return null;
      const a = await validatorOf().current(s.doc);
      if (token.isCancellationRequested) return null;
      return hover(s.doc, s.kind, a?.findings ?? [], p.position, traits, token);
    }),
  );

  connection.onDocumentSymbol(
    guard<DocumentSymbolParams, DocumentSymbol[]>('documentSymbol', log, [], (p, token) => {
      const s = served(p.textDocument.uri);
      return s?.kind.symbols?.(s.doc, token) ?? [];
    }),
  );

  connection.onCompletion(
    guard<CompletionParams, CompletionItem[]>('completion', log, [], (p, token) => {
      const s = served(p.textDocument.uri);
      return s?.kind.completion?.(s.doc, p.position, traits, token) ?? [];
    }),
  );

  documents.listen(connection);
  connection.listen();
}
