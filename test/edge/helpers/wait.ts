// Waiting on events with a time limit, never on the clock alone.

import { labCut, labHeal } from '../../../client/src/edge/lab';
import type { ConnectionState, SshConnection } from '../../../client/src/edge/ssh/connection';

/** Resolve with the first state that satisfies `want` (the current one included); reject after `ms`. */
export function waitForState(conn: SshConnection, want: (s: ConnectionState) => boolean, ms = 20_000): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    if (want(conn.state)) return resolve(conn.state);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`state not reached in ${ms} ms; last: ${JSON.stringify(conn.state)}`));
    }, ms);
    const stop = conn.onState((s) => {
      if (!want(s)) return;
      clearTimeout(timer);
      stop();
      resolve(s);
    });
  });
}

/** Re-check an asynchronous condition until it holds; reject after `ms`. */
export async function waitUntil(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms`);
    // Yield to I/O between checks; each check is itself a round trip, so this does not spin.
    await new Promise((r) => setImmediate(r));
  }
}

/** Cut a lab device's link until the connection notices (reconnecting), then heal it. */
export async function cutUntilReconnecting(conn: SshConnection, device: string, lab: string, ms = 30_000): Promise<void> {
  await labCut(device, lab);
  try {
    await waitForState(conn, (s) => s.status === 'reconnecting', ms);
  } finally {
    await labHeal(device, lab);
  }
}
