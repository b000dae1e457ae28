// The "Pier Logs" view in the bottom panel. The extension side owns the stream and a ring of the
// last 50,000 entries (so a hidden view loses nothing and save writes what was collected); the
// page (media/logs/view.js) draws, filters and follows. Entries go to the page in batches every
// 50 ms; while the page is away they only go to the ring, and the page gets the ring when it
// comes back.

import * as vscode from 'vscode';
import { DEFAULT_MAX_ENTRIES, LogRing } from '../edge/logs/ring';
import type { LogStream } from '../edge/logs/stream';
import type { LogEntry, LogTarget } from '../edge/logs/types';
import type { DeviceService } from '../views/devices-service';
import type { FilterSpec, TimeMode } from '../../../media/logs/core';
import { logsHtml, makeNonce } from './logs-html';

/** The view's id (package.json contributes it to the panel). */
export const LOGS_VIEW_ID = 'pier.logs';

/** What to show: a device and a container or Compose project on it (as `pier.showLogs` takes it). */
export interface LogsRequest {
  device: string;
  /** A container name or ID, or a Compose project name. */
  ref: string;
  /** 'container', 'compose', or undefined to let the device say which it is. */
  kind?: 'container' | 'compose';
}

type FromPage =
  | { type: 'ready' }
  | { type: 'device'; device: string }
  | { type: 'pick'; device: string; ref: string; kind?: 'container' | 'compose' }
  | { type: 'clear' }
  | { type: 'copy'; text: string }
  | { type: 'save'; filter: FilterSpec; time: TimeMode; showSource: boolean };

interface Session {
  request: LogsRequest;
  ac: AbortController;
  stream?: LogStream;
}

const FLUSH_MS = 50;

/** Provider of the view and owner of the one log stream it shows. */
export class LogsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private session: Session | undefined;
  private readonly ring = new LogRing(DEFAULT_MAX_ENTRIES);
  private outbox: LogEntry[] = [];
  private outboxDropped = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly devices: DeviceService,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'logs');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    const uri = (f: string) => view.webview.asWebviewUri(vscode.Uri.joinPath(media, f)).toString();
    view.webview.html = logsHtml({ nonce: makeNonce(), cspSource: view.webview.cspSource, ansiJs: uri('ansi.js'), coreJs: uri('core.js'), pickerJs: uri('picker.js'), viewJs: uri('view.js'), viewCss: uri('view.css') });
    view.webview.onDidReceiveMessage((m: FromPage) => void this.onMessage(m).catch((e) => this.notice(String((e as Error)?.message ?? e))));
    view.onDidDispose(() => {
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }

  /** Show the view and follow `request` in it (the same request again keeps the stream). */
  async show(request?: LogsRequest): Promise<void> {
    await vscode.commands.executeCommand(`${LOGS_VIEW_ID}.focus`);
    if (!request || sameRequest(request, this.session?.request)) return;
    if (!vscode.workspace.isTrusted) return this.notice('Pier Logs reaches devices, so it is off in Restricted Mode. Trust this workspace to use it.');
    this.start(request);
  }

  /** The request the view follows now, if any. */
  get current(): LogsRequest | undefined {
    return this.session?.request;
  }

  dispose(): void {
    this.stop();
    if (this.timer) clearTimeout(this.timer);
  }

  private async onMessage(m: FromPage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        await this.devices.reload().catch(() => undefined);
        this.post({ type: 'init', devices: this.devices.views().map((v) => v.device.name), current: this.session?.request, maxEntries: this.ring.capacity });
        this.post({ type: 'reset', entries: this.ring.all(), dropped: this.ring.dropped });
        this.outbox = [];
        this.outboxDropped = 0;
        if (this.session) void this.sendChoices(this.session.request.device);
        return;
      case 'device':
        return this.sendChoices(m.device);
      case 'pick':
        if (!vscode.workspace.isTrusted) return this.notice('Pier Logs reaches devices, so it is off in Restricted Mode. Trust this workspace to use it.');
        this.start({ device: m.device, ref: m.ref, kind: m.kind });
        return;
      case 'clear':
        this.ring.clear();
        this.outbox = [];
        this.outboxDropped = 0;
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        return;
      case 'save':
        return this.save(m.filter, m.time, m.showSource);
    }
  }

  /** The containers and projects of a device, for the page's picker. */
  private async sendChoices(device: string): Promise<void> {
    const d = this.devices.find(device);
    if (!d) return this.notice(`No device named ${device}.`);
    if (!vscode.workspace.isTrusted) return this.notice('Pier Logs reaches devices, so it is off in Restricted Mode.');
    try {
      const probe = await this.devices.probe(d);
      if (!probe.runtime) return this.notice(`${device} has no container runtime.`);
      const { listLogChoices } = await import('../edge/logs/target.js');
      const c = await listLogChoices(this.devices.pool.get(d.target), probe.runtime);
      this.post({ type: 'choices', device, projects: c.projects, containers: c.containers.map((x) => ({ name: x.name, running: x.running, service: x.service, project: x.project })) });
    } catch (e) {
      this.notice(String((e as Error)?.message ?? e));
    }
  }

  private start(request: LogsRequest): void {
    this.stop();
    const session: Session = { request, ac: new AbortController() };
    this.session = session;
    this.ring.clear();
    this.outbox = [];
    this.outboxDropped = 0;
    this.post({ type: 'reset', entries: [], dropped: 0, current: request });
    void this.run(session);
  }

  private async run(s: Session): Promise<void> {
    const d = this.devices.find(s.request.device);
    if (!d) return this.notice(`No device named ${s.request.device} (see the Edge Devices view).`);
    try {
      const probe = await this.devices.probe(d, s.ac.signal);
      if (s.ac.signal.aborted) return;
      if (!probe.runtime) return this.notice(`${d.name} has no container runtime.`);
      const target: LogTarget = s.request.kind === 'compose' ? { kind: 'compose', project: s.request.ref } : s.request.kind === 'container' ? { kind: 'container', ref: s.request.ref } : { kind: 'auto', ref: s.request.ref };
      // The stream's code loads when the view first follows something, not at activation.
      const { LogStream } = await import('../edge/logs/stream.js');
      if (s.ac.signal.aborted) return;
      s.stream = new LogStream({ conn: this.devices.pool.get(d.target), runtime: probe.runtime, target, tail: 1000, signal: s.ac.signal, onEntries: (es) => this.add(s, es) });
      const end = await s.stream.run();
      if (end.reason === 'failed' && this.session === s) this.notice(end.error?.message ?? 'The log stream failed.');
    } catch (e) {
      if (!s.ac.signal.aborted) this.notice(String((e as Error)?.message ?? e));
    }
  }

  private stop(): void {
    this.session?.ac.abort();
    this.session = undefined;
  }

  private add(s: Session, entries: LogEntry[]): void {
    if (this.session !== s) return;
    for (const e of entries) this.ring.push(e);
    if (!this.ready) return;
    this.outbox.push(...entries);
    // The page keeps the same cap; what it would drop anyway is not sent.
    if (this.outbox.length > this.ring.capacity) {
      this.outboxDropped += this.outbox.length - this.ring.capacity;
      this.outbox = this.outbox.slice(-this.ring.capacity);
    }
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.outbox.length || !this.ready) return;
    const entries = this.outbox;
    const dropped = this.outboxDropped;
    this.outbox = [];
    this.outboxDropped = 0;
    this.post({ type: 'entries', entries, dropped });
  }

  private post(m: unknown): void {
    if (this.view && this.ready) void this.view.webview.postMessage(m);
  }

  private notice(text: string): void {
    this.post({ type: 'notice', text });
    if (!this.view?.visible) void vscode.window.showWarningMessage(`Pier Logs: ${text}`);
  }

  /** Save what the view shows (the page's filter applied to every collected entry) as plain text. */
  private async save(filter: FilterSpec, time: TimeMode, showSource: boolean): Promise<void> {
    const name = (this.session?.request.ref ?? 'logs').replace(/[^\w.-]+/g, '_');
    const to = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${name}.log`), filters: { 'Log files': ['log', 'txt'] }, title: 'Save the shown log lines' });
    if (!to) return;
    // A UMD file: bundled, its exports come as named ones; loaded by Node, under `default`.
    const m: unknown = await import('../../../media/logs/core.js');
    const core = ((m as { default?: unknown }).default ?? m) as typeof import('../../../media/logs/core');
    const f = core.makeFilter(filter);
    const out: string[] = [];
    for (const e of this.ring.all()) {
      if (e.kind === 'line') {
        const plain = core.stripAnsi(e.text);
        if (f.active && !f.test({ plain, level: core.detectLevel(plain), service: e.service ?? e.name, stream: e.stream })) continue;
      }
      out.push(core.plainLine(e, { time, showSource }));
    }
    await vscode.workspace.fs.writeFile(to, Buffer.from(out.join('\n') + '\n', 'utf8'));
    void vscode.window.showInformationMessage(`Pier Logs: saved ${out.length.toLocaleString('en')} lines to ${to.fsPath}`);
  }
}

function sameRequest(a: LogsRequest, b: LogsRequest | undefined): boolean {
  return !!b && a.device === b.device && a.ref === b.ref && (a.kind ?? '') === (b.kind ?? '');
}

let instance: LogsView | undefined;

/** Register the view (one line in extension.ts); `showLogs` and `pier.showLogs` use it. */
export function registerLogsView(context: vscode.ExtensionContext, devices: DeviceService): vscode.Disposable {
  const view = new LogsView(context, devices);
  instance = view;
  return vscode.Disposable.from(view, vscode.window.registerWebviewViewProvider(LOGS_VIEW_ID, view), { dispose: () => (instance = undefined) });
}

/**
 * Open the Pier Logs view, following `request` when given (e.g. the container a deploy just
 * started): `showLogs({ device: 'pi', ref: 'api' })`. Also the `pier.showLogs` command.
 */
export async function showLogs(request?: unknown): Promise<void> {
  if (!instance) throw new Error('the Pier Logs view is not registered');
  await instance.show(asRequest(request));
}

/** The view's current request, for tests in the extension host. */
export function currentLogs(): LogsRequest | undefined {
  return instance?.current;
}

function asRequest(a: unknown): LogsRequest | undefined {
  if (!a || typeof a !== 'object') return undefined;
  const o = a as Record<string, unknown>;
  if (typeof o.device !== 'string' || typeof o.ref !== 'string' || !o.device || !o.ref) return undefined;
  return { device: o.device, ref: o.ref, kind: o.kind === 'container' || o.kind === 'compose' ? o.kind : undefined };
}
