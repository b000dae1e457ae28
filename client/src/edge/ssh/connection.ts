// One SSH connection per device, shared by all work: commands, streams, shells and tunnels run as
// channels on it. It keeps itself alive (keepalive), notices a dead link, and reconnects with
// backoff and jitter, telling listeners its state at every step.

import type { Client, ClientChannel } from 'ssh2';
import { backoffDelay, DEFAULT_RECONNECT, Slots } from './backoff';
import { deviceErrors, DeviceError } from './errors';
import { connectHop } from './hop';
import type { ReconnectOptions, SshOptions, SshTarget } from './target';

/** Where a connection stands; `failed` carries the reason, `reconnecting` the attempt. */
export type ConnectionState =
  | { status: 'idle' }
  | { status: 'connecting' }
  | { status: 'connected'; since: number }
  | { status: 'reconnecting'; attempt: number; nextInMs: number; lastError: DeviceError }
  | { status: 'failed'; error: DeviceError }
  | { status: 'closed' };

/** A listener for state changes. */
export type StateListener = (state: ConnectionState, connection: SshConnection) => void;

/** Something running on a channel that must hear when the link drops. */
type DropListener = (err: DeviceError) => void;

/** A live connection to one device (with its jump hosts). */
export class SshConnection {
  private clients: Client[] = [];
  private current: ConnectionState = { status: 'idle' };
  private connecting: Promise<void> | undefined;
  private readonly listeners = new Set<StateListener>();
  private readonly dropListeners = new Set<DropListener>();
  private readonly slots: Slots;
  private readonly reconnect: ReconnectOptions;
  private retryTimer: NodeJS.Timeout | undefined;
  private generation = 0;
  private active = 0;
  private lastClosedAt = 0;
  private opening = 0;
  private closeWaiters: (() => void)[] = [];

  constructor(
    readonly target: SshTarget,
    private readonly options: SshOptions,
  ) {
    this.slots = new Slots(options.maxChannels ?? 6);
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Listen to state changes; returns a function that stops listening. */
  onState(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolve once connected: connects when idle or failed, waits while (re)connecting. */
  async connect(signal?: AbortSignal): Promise<void> {
    const s = this.current.status;
    if (s === 'connected') return;
    if (s === 'closed') throw new DeviceError('connection-lost', this.target.name, `The connection to ${this.target.name} was closed.`);
    if (s === 'reconnecting') return this.waitConnected(signal);
    if (!this.connecting) {
      this.setState({ status: 'connecting' });
      // The attempt is shared by every caller, so one caller's abort only stops its own wait.
      this.connecting = this.open().then(
        () => undefined,
        (err: DeviceError) => {
          if (this.current.status !== 'closed') this.setState({ status: 'failed', error: err });
          throw err;
        },
      );
      this.connecting.finally(() => (this.connecting = undefined)).catch(() => undefined);
    }
    return withAbort(this.connecting, signal, this.target.name);
  }

  /** The client of the last hop, connecting first if needed. */
  async client(signal?: AbortSignal): Promise<Client> {
    await this.connect(signal);
    const c = this.clients[this.clients.length - 1];
    if (!c) throw deviceErrors.connectionLost(this.target.name);
    return c;
  }

  /**
   * Open a session channel under the channel limit; the slot is freed when the channel closes.
   * `setup` runs synchronously as the channel opens, before any of its events can be missed.
   */
  async openChannel(
    open: (c: Client, cb: (err: Error | undefined, ch: ClientChannel) => void) => void,
    signal?: AbortSignal,
    setup?: (ch: ClientChannel) => void,
  ): Promise<ClientChannel> {
    const release = await this.slots.take(signal);
    try {
      for (let refused = 0; ; refused++) {
        const c = await this.client(signal);
        this.opening++;
        try {
          const ch = await new Promise<ClientChannel>((resolve, reject) => {
            open(c, (err, ch) => {
              if (err) return reject(err);
              this.active++;
              ch.once('close', () => {
                this.active--;
                this.lastClosedAt = Date.now();
                release();
                for (const w of this.closeWaiters.splice(0)) w();
              });
              setup?.(ch);
              resolve(ch);
            });
          });
          this.opening--;
          return ch;
        } catch (e) {
          // sshd frees a session a moment after its channel closes, so a burst can meet its
          // MaxSessions limit (OpenSSH refuses it as "open failed", reason 2): wait for one of
          // ours to close, or for those just closed to be freed, and try again.
          const reason = (e as { reason?: number }).reason;
          // (A channel counts from its open request: ssh2 reports it open only once its command started.)
          const ours = this.active > 0 || this.opening > 1 || Date.now() - this.lastClosedAt < 2_000;
          this.opening--;
          if ((reason === 1 || reason === 2 || reason === 4) && ours && refused < 20) {
            // Bounded, because the open channels may be long-lived streams that never close.
            await new Promise<void>((r) => {
              const timer = setTimeout(r, 100 * (refused + 1));
              this.closeWaiters.push(() => (clearTimeout(timer), r()));
            });
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      release();
      if (e instanceof DeviceError) throw e;
      throw this.current.status === 'connected'
        ? new DeviceError('command-failed', this.target.name, `${this.target.name} refused to open a channel: ${(e as Error).message}`, { cause: e })
        : deviceErrors.connectionLost(this.target.name, e);
    }
  }

  /** Be told when the link drops; returns a function that stops it. */
  onDrop(listener: DropListener): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  /**
   * A second connection to the same device with the same options, for work that holds channels
   * for long (log follows of many containers); whoever asks for it closes it.
   */
  sibling(over: Partial<SshOptions> = {}): SshConnection {
    return new SshConnection(this.target, { ...this.options, ...over });
  }

  /** Close for good: no reconnect, every channel ends. */
  close(): void {
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.setState({ status: 'closed' });
    this.teardown(deviceErrors.connectionLost(this.target.name, new Error('closed by Pier')));
  }

  private async open(): Promise<void> {
    const gen = ++this.generation;
    const o = this.options;
    const hops = [...this.target.jumps, this.target];
    const clients: Client[] = [];
    try {
      for (let i = 0; i < hops.length; i++) {
        const ep = hops[i];
        const sock = i === 0 ? undefined : await forwardOut(clients[i - 1], ep.host, ep.port, this.target.name);
        const hopName = i === hops.length - 1 ? this.target.name : `${this.target.name} (jump host ${ep.host})`;
        clients.push(
          await connectHop({
            device: hopName,
            endpoint: ep,
            sock,
            hostKeys: o.hostKeys,
            secrets: o.secrets,
            agentSocket: o.agentSocket === null ? undefined : (o.agentSocket ?? process.env.SSH_AUTH_SOCK),
            timeoutMs: o.connectTimeoutMs ?? 10_000,
            keepaliveIntervalMs: o.keepaliveIntervalMs ?? 5_000,
            keepaliveCountMax: o.keepaliveCountMax ?? 3,
            log: o.log,
          }),
        );
      }
    } catch (e) {
      for (const c of clients.reverse()) c.destroy();
      throw e;
    }
    if (gen !== this.generation) {
      for (const c of clients.reverse()) c.destroy();
      throw deviceErrors.aborted(this.target.name);
    }
    this.clients = clients;
    for (const c of clients) {
      let lastError: Error | undefined;
      c.on('error', (e: Error) => (lastError = e));
      c.once('close', () => this.lost(gen, lastError));
    }
    this.setState({ status: 'connected', since: Date.now() });
  }

  /** The link dropped: fail what runs on it, then reconnect unless closed. */
  private lost(gen: number, cause: Error | undefined): void {
    if (gen !== this.generation || this.current.status === 'closed') return;
    this.generation++;
    const err = deviceErrors.connectionLost(this.target.name, cause);
    this.teardown(err);
    this.scheduleReconnect(0, err);
  }

  private teardown(err: DeviceError): void {
    const clients = this.clients;
    this.clients = [];
    for (const l of [...this.dropListeners]) l(err);
    this.dropListeners.clear();
    for (const c of clients.reverse()) {
      c.removeAllListeners('close');
      c.on('error', () => undefined);
      c.destroy();
    }
  }

  private scheduleReconnect(attempt: number, lastError: DeviceError): void {
    if (!lastError.retryable || attempt >= this.reconnect.maxAttempts) {
      this.setState({ status: 'failed', error: lastError });
      return;
    }
    const nextInMs = backoffDelay(attempt, this.reconnect);
    this.setState({ status: 'reconnecting', attempt: attempt + 1, nextInMs, lastError });
    const gen = this.generation;
    this.retryTimer = setTimeout(() => {
      if (gen !== this.generation) return;
      this.open().then(
        () => undefined,
        (e: DeviceError) => {
          if (this.current.status === 'closed') return;
          this.scheduleReconnect(attempt + 1, e instanceof DeviceError ? e : deviceErrors.connectionLost(this.target.name, e));
        },
      );
    }, nextInMs);
  }

  private waitConnected(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stop = this.onState((s) => {
        if (s.status === 'connected') done();
        else if (s.status === 'failed') done(s.error);
        else if (s.status === 'closed') done(deviceErrors.connectionLost(this.target.name));
      });
      const onAbort = () => done(deviceErrors.aborted(this.target.name));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (err?: DeviceError) => {
        stop();
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      if (signal?.aborted) onAbort();
    });
  }

  private setState(s: ConnectionState): void {
    this.current = s;
    for (const l of [...this.listeners]) {
      try {
        l(s, this);
      } catch {
        // A listener's failure must not stop the connection or other listeners.
      }
    }
  }
}

function forwardOut(via: Client, host: string, port: number, device: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, host, port, (err, ch) => {
      if (err) reject(deviceErrors.unreachable(device, `${host}:${port} (through the jump host)`, err.message, err));
      else resolve(ch);
    });
  });
}

function withAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, device: string): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(deviceErrors.aborted(device));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deviceErrors.aborted(device));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
