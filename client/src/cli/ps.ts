// `pier ps --device NAME`: every container on the device with its state, restarts, CPU and memory,
// and the Pier app and version of those Pier runs. Also the shared opening of a device for the
// run-step commands (ps, rollback, exec).

import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { buildOptions, openDevice, probeForDeploy } from './build';
import { listContainers, type ContainerRow } from '../edge/run/actions';
import type { ProbeResult } from '../edge/devices/probe';
import type { SshConnection } from '../edge/ssh/connection';
import type { SshPool } from '../edge/ssh/pool';

const HELP = `usage: pier ps --device NAME [--json]

Lists every container on the device (running or not): name, image, state, restarts, CPU and
memory, and for the apps Pier runs, the app and version.
`;

/** Options the run-step commands share. */
export const runCommandOptions = { ...buildOptions, json: { type: 'boolean' } } as const;

/** Parse a run-step command's own arguments (`--device NAME ONE-POSITIONAL`); a number is the exit status when it printed help or usage. */
export function parseDeviceCommand(args: string[], help: string): { values: ReturnType<typeof parseRunArgs>['values'] & { device: string }; target: string } | number {
  const { values, positionals } = parseRunArgs(args);
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  if (!values.device || positionals.length !== 1) {
    process.stderr.write(help);
    return 2;
  }
  return { values: { ...values, device: values.device }, target: positionals[0] };
}

function parseRunArgs(args: string[]) {
  return parseArgs({ args, options: runCommandOptions, allowPositionals: true });
}

/** Open and probe a device for one command; `use` runs with it and the pool is always closed. */
export async function withRunDevice<T>(name: string, values: Parameters<typeof openDevice>[1], use: (d: { conn: SshConnection; probe: ProbeResult; signal: AbortSignal }) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  let pool: SshPool | undefined;
  try {
    const opened = await openDevice(name, values);
    pool = opened.pool;
    const probe = await probeForDeploy(opened.conn, opened.device, ac.signal);
    return await use({ conn: opened.conn, probe, signal: ac.signal });
  } finally {
    process.removeListener('SIGINT', onSigint);
    pool?.closeAll();
  }
}

function mib(n: number | undefined): string {
  return n === undefined ? '-' : `${(n / 1024 / 1024).toFixed(1)}M`;
}

/** The rows as an aligned table. */
export function formatContainers(rows: ContainerRow[]): string {
  const table = [['NAME', 'STATE', 'RESTARTS', 'CPU', 'MEMORY', 'APP', 'VERSION', 'IMAGE']];
  for (const r of rows) {
    table.push([r.name, r.status, String(r.restarts), r.cpuPercent === undefined ? '-' : `${r.cpuPercent.toFixed(1)}%`, r.memoryBytes === undefined ? '-' : `${mib(r.memoryBytes)}${r.memoryLimitBytes ? ` / ${mib(r.memoryLimitBytes)}` : ''}`, r.app ?? '-', r.version ?? '-', r.image]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** `pier ps` */
export const psCommand: CliCommand = {
  name: 'ps',
  summary: 'list the containers on a device with state, restarts, CPU and memory (pier ps --device NAME)',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: runCommandOptions });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.device) {
      process.stderr.write(HELP);
      return 2;
    }
    const rows = await withRunDevice(values.device, values, ({ conn, probe, signal }) => listContainers(conn, probe.runtime!, signal));
    if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (!rows.length) process.stdout.write(`no containers on ${values.device}\n`);
    else process.stdout.write(formatContainers(rows));
    return 0;
  },
};
