// `pier device probe NAME` and `pier device doctor NAME`: what a device is, and what on it hurts a
// small device, each with its fix. Unknown host keys are refused unless --accept-new-host-key.

import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { cliPool, deviceListOptions, loadCliDevices } from './devices';
import { findDevice } from '../edge/devices/list';
import { runDoctor } from '../edge/devices/doctor';
import { probeDevice, type ProbeResult } from '../edge/devices/probe';
import { isDeviceError } from '../edge/ssh/errors';

const HELP = `usage: pier device probe NAME [--json] [--accept-new-host-key]
       pier device doctor NAME [--json] [--accept-new-host-key]

  probe    architecture (OCI platform), OS, container runtime and version, Compose, free disk
           where the runtime keeps images, free memory, and whether the runtime needs sudo
  doctor   the probe plus the runtime's configuration: log rotation, storage driver, an API
           open on TCP without TLS, live-restore, a nearly full disk, an unsynchronised clock

  --accept-new-host-key  trust a device's host key that no known_hosts lists yet (for scripts;
                         the fingerprint is printed). A changed key is always refused.
  --json                 print JSON
  --config FILE          settings file with "pier.devices" (default: .vscode/settings.json upwards)

Exit status: 0 fine, 1 failed to connect or (doctor) an error-level finding, 2 usage.
`;

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;

/** A probe result as the lines a person reads. */
export function formatProbe(name: string, p: ProbeResult): string {
  const rt = p.runtime;
  const lines = [
    `device    ${name}`,
    `platform  ${p.platform ?? `unknown (uname -m: ${p.machine})`}`,
    `os        ${p.os} (kernel ${p.kernel})`,
    `runtime   ${rt ? `${rt.name} ${rt.version ?? '?'}${rt.access === 'direct' ? '' : ` (${rt.access === 'sudo' ? 'needs sudo' : rt.access === 'denied' ? `${p.user} may not use it` : 'engine not answering'})`}` : 'none found'}`,
    `compose   ${p.compose ? `${p.compose.kind} ${p.compose.version}` : 'not available'}`,
    `disk      ${rt?.disk ? `${gib(rt.disk.freeBytes)} free of ${gib(rt.disk.totalBytes)} on ${rt.disk.path}` : 'unknown'}`,
    `memory    ${p.memory ? `${gib(p.memory.availableBytes)} available of ${gib(p.memory.totalBytes)}` : 'unknown'}`,
    `user      ${p.user}${p.uid === 0 ? ' (root)' : ''}`,
  ];
  const others = p.runtimes.filter((r) => r !== rt);
  if (others.length) lines.push(`also      ${others.map((r) => `${r.name} ${r.version ?? ''}`.trim()).join(', ')}`);
  return lines.join('\n') + '\n';
}

/** `pier device` */
export const deviceCommand: CliCommand = {
  name: 'device',
  summary: 'probe a device or run its doctor (pier device probe|doctor NAME)',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...deviceListOptions, 'accept-new-host-key': { type: 'boolean' } },
    });
    const [action, name] = positionals;
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!name || (action !== 'probe' && action !== 'doctor') || positionals.length > 2) {
      process.stderr.write(HELP);
      return 2;
    }
    const device = findDevice(await loadCliDevices(values), name);
    const pool = cliPool(values['accept-new-host-key'] === true);
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      const conn = pool.get(device.target);
      if (action === 'probe') {
        const p = await probeDevice(conn, { runtime: device.runtime, signal: ac.signal });
        process.stdout.write(values.json ? JSON.stringify({ device: name, ...p }, null, 2) + '\n' : formatProbe(name, p));
        return 0;
      }
      const report = await runDoctor(conn, { runtime: device.runtime, signal: ac.signal });
      if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else {
        process.stdout.write(formatProbe(name, report.probe));
        process.stdout.write(report.findings.length ? '\n' : '\nNo findings: nothing on this device hurts a small device.\n');
        for (const f of report.findings) process.stdout.write(`${f.severity.toUpperCase()} [${f.check}] ${f.title}\n  ${f.detail}\n  fix: ${f.fix}\n`);
      }
      return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
    } catch (e) {
      // Typed device errors carry their own advice; say it without a stack.
      if (isDeviceError(e)) {
        process.stderr.write(`pier device ${action}: ${e.message}\n`);
        return 1;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
      pool.closeAll();
    }
  },
};
