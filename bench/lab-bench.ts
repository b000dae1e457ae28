// The lab device the deploy benchmarks share: one arm64 device behind a 20 Mbit/s link with the
// busybox and Debian base images, and a private copy of examples/http-service to change.

import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deviceAccess, labStatus, labUp, type LabDeviceAccess } from '../client/src/edge/lab';
import type { LabState } from '../client/src/edge/lab/types';

/** Bring up (or reuse) lab `name` and copy examples/http-service into `work`. */
export async function httpServiceLab(name: string, work: string): Promise<{ state: LabState; d: LabDeviceAccess; ctx: string }> {
  let st = labStatus(name);
  if (!st.healthy) {
    await labUp({ name, devices: 1, arch: 'arm64', rate: '20mbit', images: [{ kind: 'busybox', arch: 'arm64' }, { kind: 'debian', arch: 'arm64' }], onProgress: (m) => console.error(`[lab] ${m}`) });
    st = labStatus(name);
  }
  const state = st.state!;
  const ctx = join(work, 'http-service');
  cpSync(resolve(__dirname, '..', 'examples', 'http-service'), ctx, { recursive: true });
  return { state, d: deviceAccess(state, state.devices[0]), ctx };
}
