// A remote command whose output is read line by line as it comes (the lock's "waiting for ..."
// and a switch's progress must reach the person while the command still runs).

import type { ClientChannel } from 'ssh2';
import type { SshConnection } from '../ssh/connection';
import { deviceErrors, type DeviceError } from '../ssh/errors';
import { spawnRemote } from '../ssh/exec';

/** How a streamed command ended. */
export interface LinesResult {
  code: number | null;
  stderr: string;
  /** Bytes of standard output received (for resuming a log at the exact byte). */
  bytes: number;
}

/** Run `argv`, calling `onLine` for each complete stdout line (with its length in bytes); rejects when the link drops. */
export function streamLines(conn: SshConnection, argv: readonly string[], onLine: (line: string, bytes: number) => void, signal?: AbortSignal): Promise<LinesResult> {
  const device = conn.target.name;
  return new Promise<LinesResult>((resolve, reject) => {
    let pending = Buffer.alloc(0);
    let bytes = 0;
    let stderr = '';
    let code: number | null | undefined;
    let failure: DeviceError | undefined;
    const setup = (ch: ClientChannel) => {
      const stopDrop = conn.onDrop((e) => (failure ??= e));
      ch.on('data', (b: Buffer) => {
        pending = Buffer.concat([pending, b]);
        let i: number;
        while ((i = pending.indexOf(10)) >= 0) {
          const line = pending.subarray(0, i).toString('utf8');
          bytes += i + 1;
          pending = pending.subarray(i + 1);
          onLine(line, i + 1);
        }
      });
      ch.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
      ch.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null));
      ch.on('error', (e: Error) => (failure ??= deviceErrors.connectionLost(device, e)));
      ch.once('close', () => {
        stopDrop();
        if (failure) return reject(failure);
        if (signal?.aborted) return reject(deviceErrors.aborted(device));
        if (code === undefined) return reject(deviceErrors.connectionLost(device));
        resolve({ code, stderr, bytes });
      });
      ch.end();
    };
    spawnRemote(conn, argv, { signal, setup }).catch(reject);
  });
}
