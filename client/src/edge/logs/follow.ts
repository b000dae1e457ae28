// One run of the runtime's `logs` command on an exec channel. The channel's two streams keep the
// container's stdout and stderr apart; lines without a timestamp are the runtime's own messages
// (such as "No such container") and are kept apart from the container's lines too.

import type { ClientChannel } from 'ssh2';
import type { SshConnection } from '../ssh/connection';
import { DeviceError, deviceErrors } from '../ssh/errors';
import { spawnRemote } from '../ssh/exec';
import { LineSplitter, type RawLine } from './lines';
import type { LogStreamName } from './types';

/** How one follow ended. */
export type FollowEnd =
  /** The command ended: the container stopped (with --follow), or the log was read (without). */
  | { kind: 'exited'; code: number | null; messages: string[] }
  /** The channel or link broke, or the follow was stopped. */
  | { kind: 'lost'; error: DeviceError };

/** Options of one follow. */
export interface FollowOptions {
  signal?: AbortSignal;
  maxLine?: number;
  /** Lines of one chunk of one stream, in order. */
  onLines(stream: LogStreamName, lines: RawLine[]): void;
  /** The command started on the device. */
  onOpen?(): void;
}

/**
 * Runs `"$@"` (the runtime's logs command) so that it ends when the channel's stdin ends. sshd does
 * not stop a command when its channel closes, and a `logs --follow` of a quiet container would
 * never write again to notice: it would hold its session (and one of the connection's channel
 * slots) for good. So the command runs in the background and a reader of stdin stops it at end
 * of input, which comes when Pier ends stdin, closes the channel, or the session goes.
 */
export const FOLLOW_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null & p=$!',
  '(while read -r _ <&3; do :; done; kill "$p" 2>/dev/null) & w=$!',
  'wait "$p"; s=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

/** The argument array of a follow: the fixed script, then the runtime's command as its parameters. */
export function followArgv(logsArgv: readonly string[]): string[] {
  return ['sh', '-c', FOLLOW_SCRIPT, 'pier-logs', ...logsArgv];
}

/** A running `logs` command; pause and resume push back on the device through the SSH window. */
export class RemoteFollow {
  private channel: ClientChannel | undefined;
  private paused = false;

  constructor(
    private readonly conn: SshConnection,
    private readonly argv: readonly string[],
    private readonly o: FollowOptions,
  ) {}

  /** Stop reading (the device's `logs` blocks once the SSH window is full). */
  pause(): void {
    this.paused = true;
    this.channel?.pause();
    this.channel?.stderr.pause();
  }

  /** Read again. */
  resume(): void {
    this.paused = false;
    this.channel?.resume();
    this.channel?.stderr.resume();
  }

  /** Stop the command: end of input makes the script stop it on the device. */
  stop(): void {
    this.channel?.end();
  }

  /** Run until the command ends or the link breaks; never rejects. */
  async run(): Promise<FollowEnd> {
    const device = this.conn.target.name;
    let settle!: (e: FollowEnd) => void;
    const done = new Promise<FollowEnd>((r) => (settle = r));
    const messages: string[] = [];
    let exit: number | null | undefined;
    let failure: DeviceError | undefined;
    const batch = (stream: LogStreamName) => {
      let lines: RawLine[] = [];
      const splitter = new LineSplitter((l) => {
        if (l.ts === undefined) {
          if (messages.length < 20 && l.text.trim()) messages.push(l.text.trim());
        } else lines.push(l);
      }, this.o.maxLine);
      const flush = () => {
        if (!lines.length) return;
        const out = lines;
        lines = [];
        this.o.onLines(stream, out);
      };
      return { splitter, flush };
    };
    const out = batch('stdout');
    const err = batch('stderr');
    const setup = (ch: ClientChannel) => {
      this.channel = ch;
      // Told before any of the channel's data can arrive, so "live" comes before the lines.
      this.o.onOpen?.();
      if (this.paused) this.pause();
      const stopDrop = this.conn.onDrop((e) => (failure ??= e));
      ch.on('data', (b: Buffer) => {
        out.splitter.push(b);
        out.flush();
      });
      ch.stderr.on('data', (b: Buffer) => {
        err.splitter.push(b);
        err.flush();
      });
      ch.on('exit', (code: number | null) => (exit = typeof code === 'number' ? code : null));
      ch.on('error', (e: Error) => (failure ??= deviceErrors.connectionLost(device, e)));
      ch.once('close', () => {
        stopDrop();
        this.channel = undefined;
        if (this.o.signal?.aborted) failure ??= deviceErrors.aborted(device);
        if (!failure && exit !== undefined) {
          // The close can come in the same read from the socket as the last output, before the
          // streams have handed their buffered chunks to the 'data' listeners (that happens on a
          // later tick, or never while paused): read them out now, which passes them on.
          while (ch.read() !== null);
          while (ch.stderr.read() !== null);
        }
        if (failure || exit === undefined) {
          // A half line of a broken channel is read again when the follow resumes.
          out.splitter.discard();
          err.splitter.discard();
          settle({ kind: 'lost', error: failure ?? deviceErrors.connectionLost(device) });
          return;
        }
        out.splitter.end();
        err.splitter.end();
        out.flush();
        err.flush();
        settle({ kind: 'exited', code: exit, messages });
      });
    };
    try {
      await spawnRemote(this.conn, followArgv(this.argv), { signal: this.o.signal, setup });
    } catch (e) {
      return { kind: 'lost', error: e instanceof DeviceError ? e : deviceErrors.connectionLost(device, e) };
    }
    return done;
  }
}
