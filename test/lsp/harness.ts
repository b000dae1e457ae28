// A real JSON-RPC client talking to Pier's language server. In-process: the server runs on two
// PassThrough streams in this process. Over stdio: `node dist/server.js --stdio` as a child.
// Waiting is always on protocol events, with a timeout that fails with what was seen.

import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type ConfigurationItem,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { startServer, type ServerOptions } from '../../server/src/features/wiring';

/** Capabilities of a typical editor client (VS Code's relevant subset). */
export const EDITOR_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
  },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, tagSupport: { valueSet: [1, 2] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

/** Options for a test client. */
export interface ClientOptions {
  capabilities?: ClientCapabilities;
  workspaceFolders?: { uri: string; name: string }[];
  initializationOptions?: unknown;
  /** `pier.lint` for a document (workspace/configuration); may return a promise to hold the answer. */
  config?: (item: ConfigurationItem) => unknown;
  server?: ServerOptions;
}

/** A connected test client. */
export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly registrations: Registration[] = [];
  readonly configRequests: ConfigurationItem[] = [];
  config: (item: ConfigurationItem) => unknown;
  private waiters: Array<() => void> = [];
  initializeResult?: InitializeResult;

  constructor(
    readonly conn: ProtocolConnection,
    private readonly options: ClientOptions,
    private readonly onDispose: () => void,
  ) {
    this.config = options.config ?? (() => null);
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.wake();
    });
    conn.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p.message);
      this.wake();
    });
    conn.onRequest(ConfigurationRequest.type, async (p) => {
      this.configRequests.push(...p.items);
      this.wake();
      return Promise.all(p.items.map((i) => this.config(i)));
    });
    conn.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
      this.wake();
    });
    conn.listen();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolve with the first value `probe` returns (checked now and on every message), or fail after `ms`. */
  waitFor<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; diagnostics seen: ${JSON.stringify(this.published.map((p) => [p.uri, p.version, p.diagnostics.map((d) => d.code ?? d.message)]))}; logs: ${this.logs.join(' | ')}`));
      }, ms);
      const check = () => {
        let v: T | undefined;
        try {
          v = probe();
        } catch (e) {
          clearTimeout(timer);
          reject(e);
          return;
        }
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** The first publish for `uri` (optionally of a version) that satisfies `pred`. */
  diagnostics(uri: string, opts: { version?: number; where?: (p: PublishDiagnosticsParams) => boolean } = {}, ms?: number): Promise<PublishDiagnosticsParams> {
    return this.waitFor(`diagnostics for ${uri}${opts.version !== undefined ? ` v${opts.version}` : ''}`, () =>
      this.published.find((p) => p.uri === uri && (opts.version === undefined || p.version === opts.version) && (!opts.where || opts.where(p))),
    ms);
  }

  async initialize(): Promise<InitializeResult> {
    this.initializeResult = await this.conn.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: this.options.workspaceFolders?.[0]?.uri ?? null,
      workspaceFolders: this.options.workspaceFolders ?? null,
      capabilities: this.options.capabilities ?? EDITOR_CAPABILITIES,
      initializationOptions: this.options.initializationOptions,
    });
    await this.conn.sendNotification('initialized', {});
    return this.initializeResult;
  }

  open(uri: string, text: string, version = 1, languageId = 'dockerfile'): Promise<void> {
    return this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): Promise<void> {
    return this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  configChanged(settings: unknown = null): Promise<void> {
    return this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  async shutdown(): Promise<void> {
    await this.conn.sendRequest(ShutdownRequest.type);
  }

  dispose(): void {
    this.conn.dispose();
    this.onDispose();
  }
}

/** A server in this process on two PassThrough streams, and a client for it. */
export async function inProcess(options: ClientOptions = {}): Promise<TestClient> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // Reader/writer objects rather than raw streams: with raw streams the library would exit the
  // process when a stream closes, which is right for a real server and wrong for a test.
  const server = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(server, options.server);
  const conn = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const client = new TestClient(conn, options, () => {
    server.dispose();
    toServer.end();
    toClient.end();
  });
  await client.initialize();
  return client;
}

/** `node dist/server.js --stdio` as a child process, and a client for it. */
export function overStdio(serverJs: string, options: ClientOptions = {}): { client: TestClient; child: ChildProcess; stderr: () => string; stdout: () => Buffer; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  const out: Buffer[] = [];
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const client = new TestClient(conn, options, () => {
    if (child.exitCode === null) child.kill();
  });
  return { client, child, stderr: () => err, stdout: () => Buffer.concat(out), exited };
}

/** Split a byte stream into LSP frames; throws at the first byte that is not part of one. */
export function lspFrames(bytes: Buffer): unknown[] {
  const frames: unknown[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at);
    const header = bytes.subarray(at, headerEnd < 0 ? bytes.length : headerEnd).toString('ascii');
    const m = /^Content-Length: (\d+)(\r\nContent-Type: [^\r\n]+)?$/.exec(header);
    if (headerEnd < 0 || !m) throw new Error(`not an LSP frame at byte ${at}: ${JSON.stringify(bytes.subarray(at, at + 80).toString())}`);
    const start = headerEnd + 4;
    frames.push(JSON.parse(bytes.subarray(start, start + Number(m[1])).toString('utf8')));
    at = start + Number(m[1]);
  }
  return frames;
}

/** A full-document replacement change. */
export function fullChange(text: string): TextDocumentContentChangeEvent[] {
  return [{ text }];
}
