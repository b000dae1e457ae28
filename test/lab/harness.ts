// The lab for edge tests: one lab per test process (or a running one reused), its devices'
// SSH coordinates, and a teardown that also runs when the run is interrupted.
//
//   import { useLab } from '../lab/harness';
//   const lab = useLab({ devices: 1 });            // registers before/after hooks
//   test('...', { skip: lab.skip }, async () => { const d = lab.device(); ... d.host, d.port ... });
//
// or, without hooks: `const h = await ensureLab({ devices: 2 }); labDevice('dev2')`.

import { after, before } from 'node:test';
import { deviceAccess, labDown, labStatus, labUp, type LabArch, type LabDeviceAccess, type LabState, type BaseImageRequest } from '../../client/src/edge/lab';

/** Options of `ensureLab`. */
export interface EnsureLabOptions {
  /** Lab name; tests that stop or break the lab use a name of their own. Default `default`. */
  name?: string;
  devices?: number;
  arch?: LabArch | LabArch[];
  /** Base images to make sure of (default: busybox for each arch, which is quick). */
  images?: BaseImageRequest[];
  /** Progress lines (default: to stderr, prefixed). */
  onProgress?: (m: string) => void;
}

/** A lab the test process uses. */
export interface LabHandle {
  state: LabState;
  devices: LabDeviceAccess[];
  /** A device by name (`dev1`) or index; the first one by default. */
  device(which?: string | number): LabDeviceAccess;
  /** True when this process brought the lab up (and so takes it down). */
  owned: boolean;
  /** Take the lab down now if this process owns it. */
  down(): Promise<void>;
}

const handles = new Map<string, LabHandle>();
const pending = new Map<string, Promise<LabHandle>>();
let hooksInstalled = false;

/**
 * Why lab tests cannot run here, or undefined when they can. Under CI (env CI set) a missing
 * prerequisite is a failure, not a skip: it throws. Otherwise it prints one loud line.
 */
export function labSkipReason(): string | undefined {
  let reason: string | undefined;
  if (process.platform !== 'linux') reason = `not Linux (${process.platform})`;
  else if (typeof process.getuid === 'function' && process.getuid() !== 0) reason = 'not root';
  if (!reason) return undefined;
  if (process.env.CI) throw new Error(`LAB TESTS CANNOT RUN: ${reason}, and CI must run them (run CI as root on Linux)`);
  if (!warned.has(reason)) process.stderr.write(`\n*** LAB TESTS SKIPPED: ${reason} (run as root to run them) ***\n\n`);
  warned.add(reason);
  return reason;
}
const warned = new Set<string>();

function matches(state: LabState, o: EnsureLabOptions): boolean {
  const want = o.devices ?? 1;
  if (state.devices.length < want) return false;
  const arches = Array.isArray(o.arch) ? o.arch : [o.arch ?? 'arm64'];
  return state.devices.slice(0, want).every((d, i) => d.arch === arches[i % arches.length]);
}

function makeHandle(state: LabState, owned: boolean): LabHandle {
  const devices = state.devices.map((d) => deviceAccess(state, d));
  const h: LabHandle = {
    state,
    devices,
    owned,
    device(which = 0) {
      const d = typeof which === 'number' ? devices[which] : devices.find((x) => x.name === which);
      if (!d) throw new Error(`lab '${state.name}' has no device ${which}`);
      return d;
    },
    async down() {
      handles.delete(state.name);
      if (owned) await labDown({ name: state.name });
    },
  };
  return h;
}

/** Bring lab `name` up once per process, or reuse a running healthy one that fits. */
export function ensureLab(o: EnsureLabOptions = {}): Promise<LabHandle> {
  const name = o.name ?? 'default';
  const have = handles.get(name);
  if (have) return Promise.resolve(have);
  let p = pending.get(name);
  if (!p) {
    p = (async () => {
      installTeardown();
      const st = labStatus(name);
      if (st.state && st.healthy && matches(st.state, o)) return makeHandle(st.state, false);
      const arches = Array.isArray(o.arch) ? o.arch : [o.arch ?? 'arm64'];
      const images = o.images ?? [...new Set(arches)].map((arch) => ({ kind: 'busybox' as const, arch }));
      const say = o.onProgress ?? ((m: string) => process.stderr.write(`[lab ${name}] ${m}\n`));
      if (st.state) {
        // A lab of that name that does not fit (or is broken) is replaced, but only if it is ours to replace.
        if (st.healthy) throw new Error(`lab '${name}' is up with other devices (${st.state.devices.map((d) => d.arch).join(',')}); use another lab name`);
        await labDown({ name, onProgress: say });
      }
      const state = await labUp({ name, devices: o.devices ?? 1, arch: o.arch, images, onProgress: say });
      return makeHandle(state, true);
    })();
    pending.set(name, p);
    p.then(
      (h) => {
        handles.set(name, h);
        pending.delete(name);
      },
      () => pending.delete(name),
    );
  }
  return p;
}

/** A device of a lab this process ensured (the default lab unless `lab` is given). */
export function labDevice(which: string | number = 0, lab = 'default'): LabDeviceAccess {
  const h = handles.get(lab);
  if (!h) throw new Error(`call ensureLab(${lab === 'default' ? '' : `{ name: '${lab}' }`}) first`);
  return h.device(which);
}

/** Take down every lab this process brought up. */
export async function teardownLabs(): Promise<void> {
  const owned = [...handles.values()].filter((h) => h.owned);
  handles.clear();
  for (const h of owned) await labDown({ name: h.state.name }).catch((e) => process.stderr.write(`lab down failed: ${(e as Error).message}\n`));
}

/** Down on interruption (SIGINT/SIGTERM) and when the process is about to exit normally. */
function installTeardown(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`[lab] ${sig}: taking down the labs this process started\n`);
    void teardownLabs().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ran = false;
  process.on('beforeExit', () => {
    if (ran || ![...handles.values()].some((h) => h.owned)) return;
    ran = true;
    void teardownLabs();
  });
}

/** Register node:test hooks: the lab comes up before the file's tests and goes down after. */
export function useLab(o: EnsureLabOptions = {}): { skip: string | false; handle(): LabHandle; device(which?: string | number): LabDeviceAccess } {
  const reason = labSkipReason();
  let h: LabHandle | undefined;
  if (!reason) {
    before(async () => {
      h = await ensureLab(o);
    });
    after(async () => {
      await h?.down();
    });
  }
  return {
    skip: reason ? `LAB TESTS SKIPPED: ${reason}` : false,
    handle() {
      if (!h) throw new Error('the lab is not up (did before() fail?)');
      return h;
    },
    device(which = 0) {
      return this.handle().device(which);
    },
  };
}
