// `pier logs --device NAME CONTAINER|APP [-f] [--since 10m] [--json]`: a container's log, or a
// Compose project's services interleaved by time, with the same reconnecting stream the panel
// uses. The container's stdout goes to stdout and its stderr to stderr; what happens to the stream
// (reconnecting, restarted) goes to stderr between the lines, so a pipe gets only the log.

import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { deviceListOptions, loadCliDevices } from './devices';
import { probeDevice } from '../edge/devices/probe';
import { LogStream } from '../edge/logs/stream';
import { checkSince } from '../edge/logs/timestamp';
import type { LogEntry, LogTarget } from '../edge/logs/types';
import { resolveDevice } from '../edge/ship/targets';
import { isDeviceError } from '../edge/ssh/errors';
import { SshPool } from '../edge/ssh/pool';
import { cliPool } from './devices';

const HELP = `usage: pier logs --device NAME CONTAINER|APP [-f] [--since 10m] [--tail N] [--service S]...
                 [-t] [--json] [--no-color] [--accept-new-host-key]

Prints a container's log, or every container of a Compose project interleaved by time. With -f
it keeps following: across a lost link or an SSH reconnect, a restart of the container and its
replacement by a new container of the same name, resuming from the last line shown with no line
missing and none twice. The container's stdout goes to stdout, its stderr to stderr; what happens
to the stream (reconnecting, restarted) is said on stderr between the lines.

  --device NAME    a device from pier.devices or ~/.ssh/config, or a lab device (dev1, LAB/dev1)
  -f, --follow     keep following until Ctrl+C
  --since S        start at a duration ago (10m, 1h30m), an RFC 3339 time, or Unix seconds
  --tail N         start with the last N lines
  --service S      of a Compose project, only this service (repeatable)
  -t, --timestamps put the device's timestamp before each line
  --json           one JSON object per line on stdout: {"kind":"line",ts,stream,text,container,
                   name,service?} and {"kind":"state",state,at,message}
  --no-color       no colours for services and states (also when stdout is not a terminal)

Exit status: 0 read or stopped, 1 the device, container or runtime failed, 2 usage.
`;

/** How text mode writes entries. */
export interface TextFormat {
  timestamps: boolean;
  /** Prefix lines with their service (or container) name: for Compose projects. */
  source: boolean;
  color: boolean;
}

// Service name colours for a terminal: the six non-grey ANSI colours.
const COLORS = [36, 33, 32, 35, 34, 31];

/** One entry as text for a terminal or a pipe; `out` says which of stdout/stderr it goes to. */
export function formatEntry(e: LogEntry, f: TextFormat, colorOf: (name: string) => number): { out: 'stdout' | 'stderr'; text: string } {
  if (e.kind === 'state') return { out: 'stderr', text: f.color ? `\x1b[2m-- ${e.message} --\x1b[0m` : `-- ${e.message} --` };
  let head = '';
  if (f.timestamps) head += `${e.ts} `;
  if (f.source) {
    const who = e.service ?? e.name;
    head += f.color ? `\x1b[${COLORS[colorOf(who) % COLORS.length]}m${who} |\x1b[0m ` : `${who} | `;
  }
  const cut = e.truncated ? ` [... ${e.truncated} characters cut by Pier]` : '';
  return { out: e.stream, text: `${head}${e.text}${cut}` };
}

function usage(message: string): number {
  process.stderr.write(`pier logs: ${message}\n\n${HELP}`);
  return 2;
}

/** `pier logs` */
export const logsCommand: CliCommand = {
  name: 'logs',
  summary: "a container's or Compose project's log, optionally followed across reconnects (pier logs --device NAME APP -f)",
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          ...deviceListOptions,
          device: { type: 'string' },
          follow: { type: 'boolean', short: 'f' },
          since: { type: 'string' },
          tail: { type: 'string' },
          service: { type: 'string', multiple: true },
          timestamps: { type: 'boolean', short: 't' },
          'no-color': { type: 'boolean' },
          'accept-new-host-key': { type: 'boolean' },
        },
      });
    } catch (e) {
      return usage((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.device) return usage('--device is required');
    if (positionals.length !== 1) return usage('name one container or Compose project');
    const bad = values.since !== undefined ? checkSince(values.since) : undefined;
    if (bad) return usage(bad);
    const tail = values.tail === undefined || values.tail === 'all' ? undefined : Number(values.tail);
    if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) return usage(`--tail takes a number of lines; got '${values.tail}'`);
    const ref = positionals[0];
    const target: LogTarget = values.service?.length ? { kind: 'compose', project: ref, services: values.service } : { kind: 'auto', ref };

    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    let pool: SshPool | undefined;
    // A reader that went away (`| head`) ends the stream quietly.
    const onPipeError = () => ac.abort();
    process.stdout.on('error', onPipeError);
    try {
      const device = resolveDevice(values.device, await loadCliDevices(values));
      pool = device.knownHostsFile
        ? new SshPool({ hostKeys: { knownHostsFiles: [], pierKnownHostsFile: device.knownHostsFile }, agentSocket: null, connectTimeoutMs: 10_000 })
        : cliPool(values['accept-new-host-key'] === true);
      const conn = pool.get(device.target);
      const probe = await probeDevice(conn, { runtime: device.runtime, signal: ac.signal });
      if (!probe.runtime) throw new Error(`${device.name} has no container runtime`);
      const color = !values['no-color'] && !values.json && process.stdout.isTTY === true;
      const colors = new Map<string, number>();
      const colorOf = (n: string) => colors.get(n) ?? (colors.set(n, colors.size), colors.size - 1);
      let source = false;
      const write = (entries: LogEntry[]) => {
        let out = '';
        let err = '';
        for (const e of entries) {
          if (e.kind === 'line' && e.service) source = true;
          // Reading once, "connecting" and "live" would only be noise before the log; a failure
          // is said once, at the end.
          else if (e.kind === 'state' && !values.json && (e.state === 'failed' || (!values.follow && (e.state === 'connecting' || e.state === 'live')))) continue;
          if (values.json) {
            out += JSON.stringify(e) + '\n';
            continue;
          }
          const t = formatEntry(e, { timestamps: values.timestamps === true, source, color }, colorOf);
          if (t.out === 'stdout') out += t.text + '\n';
          else err += t.text + '\n';
        }
        if (err) process.stderr.write(err);
        // A slow reader (a pipe into less) pushes back on the device through the SSH window.
        if (out && !process.stdout.write(out)) {
          stream.pause();
          process.stdout.once('drain', () => stream.resume());
        }
      };
      const stream = new LogStream({ conn, runtime: probe.runtime, target, follow: values.follow === true, since: values.since, tail, signal: ac.signal, onEntries: write });
      const end = await stream.run();
      if (end.reason === 'failed') {
        process.stderr.write(`pier logs: ${end.error?.message ?? 'the log stream failed'}\n`);
        return 1;
      }
      return 0;
    } catch (e) {
      if (ac.signal.aborted) return 0;
      process.stderr.write(`pier logs: ${isDeviceError(e) ? e.message : String((e as Error)?.message ?? e)}\n`);
      return 1;
    } finally {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigint);
      process.stdout.removeListener('error', onPipeError);
      pool?.closeAll();
    }
  },
};
