// `pier lab`: the device lab of emulated ARM devices (Pier's built-in default target) and the demo.

import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { deviceAccess, describeLab, labCut, labDown, labHeal, labRate, labStatus, labUp, LabError, parseArch, sshArgs, type BaseImageKind, type BaseImageRequest, type LabArch, type LabStatus } from '../edge/lab';
import { ensureBaseImagesWithEngine, runDemo } from '../edge/lab/demo';
import { DEFAULT_LAB } from '../edge/lab/names';

const HELP = `usage: pier lab <command> [options]

  up [--devices N] [--arch arm64|armv7[,..]] [--rate 20mbit] [--images busybox[,debian]]
                                                                start emulated ARM devices
  down                                                          stop the lab and remove all it made
  status [--json]                                               show devices, addresses and health
  cut DEVICE | heal DEVICE                                      take a device's link down / up again
  rate DEVICE RATE|off                                          limit a device's link (e.g. 20mbit)
  ssh DEVICE [COMMAND...]                                       run a command on a device (lab key, strict host keys)
  images [--arch A] [--debian-armv7] [--rebuild]                build the base images (pier-lab/busybox, pier-lab/debian)
  demo                                                          the main job on the lab: up, build an example, probe

Every command takes --name NAME to use a lab other than '${DEFAULT_LAB}'. The lab needs root.
`;

const say = (m: string) => process.stderr.write(`pier lab: ${m}\n`);

/** An AbortSignal that fires on SIGINT/SIGTERM while `fn` runs, so work stops and cleans up. */
async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSig = (sig: NodeJS.Signals) => {
    if (!ac.signal.aborted) say(`${sig}: stopping and removing what was made`);
    ac.abort(new LabError(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  try {
    return await fn(ac.signal);
  } finally {
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
  }
}

function formatStatus(st: LabStatus): string {
  if (!st.state) return `lab '${st.name}' is not up\n`;
  const s = st.state;
  const lines = [`lab '${s.name}' ${st.healthy ? 'is up' : 'has problems: ' + st.problems.join('; ')} (since ${s.createdAt}, subnet ${s.subnet}, bridge ${s.bridge})`];
  for (const d of st.devices) {
    const flags = [d.sshdRunning ? 'sshd up' : 'sshd DOWN', d.dockerdRunning ? 'dockerd up' : 'dockerd DOWN', d.cut ? 'LINK CUT' : 'link up', d.rate ? `rate ${d.rate}` : 'no rate limit'];
    lines.push(`  ${d.name}  ${d.arch.padEnd(5)}  ${d.address}:${d.sshPort}  ${flags.join(', ')}`);
  }
  lines.push(`  ssh: user ${s.user}, key ${s.clientKey}, known_hosts ${s.knownHosts}`);
  if (st.buildEngine?.startedByLab) lines.push(`  build engine: dockerd pid ${st.buildEngine.pid} (started by the lab)`);
  return lines.join('\n') + '\n';
}

/** Base images for `--images busybox,debian`: each kind for every arch of the devices. */
function imageRequests(list: string, arches: LabArch[]): BaseImageRequest[] {
  const kinds = list.split(',').map((k) => k.trim()).filter(Boolean);
  for (const k of kinds) if (k !== 'busybox' && k !== 'debian') throw new LabError(`unknown base image '${k}': use busybox and/or debian`);
  return kinds.flatMap((kind) => [...new Set(arches)].map((arch) => ({ kind: kind as BaseImageKind, arch })));
}

/** `pier lab` */
export const labCommand: CliCommand = {
  name: 'lab',
  summary: 'emulated ARM devices on this machine (up, down, status, cut, heal, rate, ssh, demo)',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        devices: { type: 'string' },
        arch: { type: 'string' },
        rate: { type: 'string' },
        images: { type: 'string' },
        name: { type: 'string', default: DEFAULT_LAB },
        json: { type: 'boolean' },
        'debian-armv7': { type: 'boolean' },
        rebuild: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [sub, ...args] = positionals;
    if (values.help || !sub) {
      (values.help ? process.stdout : process.stderr).write(HELP);
      return values.help ? 0 : 2;
    }
    const name = values.name!;
    try {
      switch (sub) {
        case 'up': {
          const devices = values.devices === undefined ? 1 : Number(values.devices);
          const arch = (values.arch ?? 'arm64').split(',').map(parseArch);
          const t0 = performance.now();
          const images = values.images === undefined ? undefined : imageRequests(values.images, arch);
          const state = await withSignals((signal) => labUp({ name, devices, arch, rate: values.rate, images, signal, onProgress: say }));
          process.stdout.write(`lab '${name}' is up in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${describeLab(state)}\n`);
          process.stdout.write(`  try: pier lab ssh ${state.devices[0].name} uname -m    stop: pier lab down${name === DEFAULT_LAB ? '' : ` --name ${name}`}\n`);
          return 0;
        }
        case 'down': {
          const t0 = performance.now();
          const stopped = await labDown({ name, onProgress: say });
          process.stdout.write(stopped ? `lab '${name}' is down (${((performance.now() - t0) / 1000).toFixed(1)} s)\n` : `lab '${name}' was not up; nothing to do\n`);
          return 0;
        }
        case 'status': {
          const st = labStatus(name);
          process.stdout.write(values.json ? JSON.stringify(st, null, 2) + '\n' : formatStatus(st));
          return st.state && !st.healthy ? 1 : 0;
        }
        case 'cut':
        case 'heal': {
          if (args.length !== 1) throw new LabError(`usage: pier lab ${sub} DEVICE`);
          const d = await (sub === 'cut' ? labCut : labHeal)(args[0], name);
          process.stdout.write(`${d.name}: link ${sub === 'cut' ? 'cut' : 'restored'}\n`);
          return 0;
        }
        case 'rate': {
          if (args.length !== 2) throw new LabError('usage: pier lab rate DEVICE RATE|off (e.g. 20mbit)');
          const d = await labRate(args[0], args[1], name);
          process.stdout.write(`${d.name}: ${d.rate ? `link limited to ${d.rate}` : 'rate limit removed'}\n`);
          return 0;
        }
        case 'ssh': {
          if (!args.length) throw new LabError('usage: pier lab ssh DEVICE [COMMAND...]');
          const st = labStatus(name);
          const dev = st.state?.devices.find((d) => d.name === args[0]);
          if (!st.state || !dev) throw new LabError(st.state ? `lab '${name}' has no device '${args[0]}'` : `lab '${name}' is not up; run 'pier lab up' first`);
          const child = spawn('ssh', sshArgs(deviceAccess(st.state, dev), args.slice(1)), { stdio: 'inherit' });
          return await new Promise<number>((resolve, reject) => {
            child.on('error', (e) => reject(new LabError(`cannot run ssh: ${e.message} (install openssh-client)`)));
            child.on('close', (code) => resolve(code ?? 1));
          });
        }
        case 'images': {
          const arches = (values.arch ?? 'arm64,armv7').split(',').map(parseArch);
          const reports = await withSignals((signal) => ensureBaseImagesWithEngine(arches, { debianArmv7: !!values['debian-armv7'], rebuild: !!values.rebuild, signal, onProgress: say }));
          for (const r of reports) process.stdout.write(`${r.ref}: ${r.built ? `built (${r.rootfsCreated ? `root fs made in ${r.rootfsSeconds.toFixed(1)} s, ` : 'root fs from cache, '}image in ${r.buildSeconds.toFixed(1)} s)` : 'present'}\n`);
          return 0;
        }
        case 'demo':
          return await withSignals((signal) => runDemo({ name, signal, out: (l) => process.stdout.write(l + '\n'), onProgress: say }));
        default:
          process.stderr.write(`pier lab: unknown command '${sub}'\n\n${HELP}`);
          return 2;
      }
    } catch (e) {
      if (e instanceof LabError) {
        process.stderr.write(`pier lab ${sub}: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
