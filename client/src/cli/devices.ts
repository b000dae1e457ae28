// `pier devices`: the device list from the pier.devices setting (read from .vscode/settings.json
// or --config) and ~/.ssh/config, as a table or JSON. Also the pieces `pier device` shares:
// loading the list and a pool whose host key and secret handling suit a terminal.

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
// The ES module build: esbuild cannot follow the UMD build's dynamic requires.
import { parse as parseJsonc } from 'jsonc-parser/lib/esm/main.js';
import type { CliCommand } from './command';
import { listDevices, type DeviceList } from '../edge/devices/list';
import { SshPool } from '../edge/ssh/pool';
import { defaultKnownHostsFiles, defaultPierKnownHostsFile, type SecretPrompts } from '../edge/ssh/target';

const HELP = `usage: pier devices [--json] [--config FILE] [--no-ssh-config]

Lists the devices Pier knows: the pier.devices setting, then the hosts of ~/.ssh/config.
  --json           print a JSON array
  --config FILE    settings file with "pier.devices" (default: .vscode/settings.json found upwards)
  --no-ssh-config  leave out the hosts of ~/.ssh/config
`;

/** Options shared by the device commands. */
export const deviceListOptions = {
  config: { type: 'string' },
  'no-ssh-config': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Read the pier.devices value from a settings file, or from .vscode/settings.json upwards. */
export async function readDeviceSettings(configPath: string | undefined, cwd = process.cwd()): Promise<{ value: unknown; from?: string }> {
  const candidates: string[] = [];
  if (configPath) candidates.push(resolve(configPath));
  else {
    for (let dir = cwd, i = 0; i < 40; i++) {
      candidates.push(join(dir, '.vscode', 'settings.json'));
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  for (const file of candidates) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      if (configPath) throw new Error(`cannot read ${file}`);
      continue;
    }
    const json = parseJsonc(text, [], { allowTrailingComma: true }) as unknown;
    const value = Array.isArray(json) ? json : json && typeof json === 'object' ? (json as Record<string, unknown>)['pier.devices'] : undefined;
    return { value, from: file };
  }
  return { value: undefined };
}

/** The device list as the CLI sees it; problems go to stderr. */
export async function loadCliDevices(values: { config?: string; 'no-ssh-config'?: boolean }): Promise<DeviceList> {
  const settings = await readDeviceSettings(values.config);
  const list = await listDevices(settings.value, { importSshConfigHosts: !values['no-ssh-config'] });
  for (const p of list.problems) process.stderr.write(`pier: ${p}\n`);
  return list;
}

/** Ask on the terminal without echo; undefined when there is no terminal to ask on. */
export async function askHidden(question: string): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY) return undefined;
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  let answer = '';
  try {
    return await new Promise<string | undefined>((done) => {
      const onData = (buf: Buffer) => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish(answer);
          if (ch === '\u0003' || ch === '\u0004') return finish(undefined);
          if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
          else answer += ch;
        }
      };
      const finish = (v: string | undefined) => {
        input.removeListener('data', onData);
        done(v);
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}

/** Secrets asked on the terminal and never kept (the CLI has no SecretStorage). */
export const terminalSecrets: SecretPrompts = {
  passphrase: (r) => askHidden(`${r.retry ? 'Wrong passphrase. ' : ''}Passphrase for ${r.keyFile}: `),
  password: (r) => askHidden(`${r.retry ? 'Refused. ' : ''}Password for ${r.id}: `),
};

/** A pool for one CLI run: unknown host keys trusted only with --accept-new-host-key. */
export function cliPool(acceptNewHostKey: boolean): SshPool {
  return new SshPool({
    hostKeys: {
      knownHostsFiles: defaultKnownHostsFiles(),
      pierKnownHostsFile: process.env.PIER_KNOWN_HOSTS || defaultPierKnownHostsFile(),
      confirmUnknown: acceptNewHostKey
        ? async (k, device) => {
            process.stderr.write(`pier: trusting the new host key of ${device} (${k.host}:${k.port}): ${k.keyType} ${k.fingerprint}\n`);
            return true;
          }
        : undefined,
    },
    secrets: terminalSecrets,
    connectTimeoutMs: 10_000,
    // A CLI run reports a lost link instead of waiting through a long series of retries.
    reconnect: { maxAttempts: 2 },
  });
}

/** `pier devices` */
export const devicesCommand: CliCommand = {
  name: 'devices',
  summary: 'list devices from the pier.devices setting and ~/.ssh/config',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: deviceListOptions });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const list = await loadCliDevices(values);
    if (values.json) {
      const rows = list.devices.map((d) => ({
        name: d.name,
        source: d.source,
        host: d.target.host,
        port: d.target.port,
        user: d.target.user,
        identityFiles: d.target.identityFiles,
        jumps: d.target.jumps.map((j) => `${j.user}@${j.host}:${j.port}`),
        runtime: d.runtime ?? null,
      }));
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    if (!list.devices.length) {
      process.stdout.write('No devices. Add one to "pier.devices" in .vscode/settings.json or a Host to ~/.ssh/config.\n');
      return 0;
    }
    const rows = [['NAME', 'ADDRESS', 'VIA', 'RUNTIME', 'SOURCE'], ...list.devices.map((d) => [d.name, `${d.target.user}@${d.target.host}:${d.target.port}`, d.target.jumps.map((j) => j.host).join(',') || '-', d.runtime ?? 'detect', d.source])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
    return 0;
  },
};
