// The SSH layer's speed against a real OpenSSH sshd on loopback, and against a lab device when
// the lab can run (root on Linux). Baseline in the same run: OpenSSH's own `ssh` client, one
// process per command, as the tools users have today do.
// Run: node --import tsx bench/ssh-connect.ts [--runs N] [--commands N] [--no-lab] [--only loopback|lab] [--lab-name NAME]
//
// 1. Cold connect + probe: a new connection (TCP, key exchange, host key check, login) and one
//    probe; target < 1.5 s.
// 2. Probe on an open connection; target < 150 ms. Measured twice: as an exec (a new SSH session
//    and login shell each time, devices/probe.ts) and as the deploy runs it, in the device shell
//    already open on the connection (ship/device-shell.ts's probeViaShell, which asks Compose on
//    the connection's first probe only).
// 3. N sequential short commands (`true`) on one connection vs N `ssh` invocations: ratio.
// Baselines printed beside 1 and 2: the probe script run locally with `sh -c` (no SSH at all),
// and one `true` over the open connection, so the SSH layer's own share is visible.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { probeDevice } from '../client/src/edge/devices/probe';
import { probeViaShell } from '../client/src/edge/ship/device-shell';
import { PROBE_SCRIPT } from '../client/src/edge/devices/probe-script';
import { execRemote } from '../client/src/edge/ssh/exec';
import { buildCommand } from '../client/src/edge/ssh/quote';
import { SshPool } from '../client/src/edge/ssh/pool';
import type { SshOptions, SshTarget } from '../client/src/edge/ssh/target';
import { sshArgs } from '../client/src/edge/lab';
import { startSshd } from '../test/edge/helpers/sshd';
import { ensureLab } from '../test/lab/harness';
import { median, ms, percentile } from './stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '8' }, commands: { type: 'string', default: '100' }, 'no-lab': { type: 'boolean' }, only: { type: 'string' }, 'lab-name': { type: 'string', default: 'bench' } } });
const RUNS = Number(values.runs);
const COMMANDS = Number(values.commands);

interface Subject {
  label: string;
  target: SshTarget;
  options: SshOptions;
  /** OpenSSH client arguments reaching the same device with the same key and host keys. */
  sshArgs: string[];
}

function sshOnce(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh exited ${code}: ${err}`))));
  });
}

async function measure(s: Subject): Promise<void> {
  console.log(`\n${s.label}`);
  // 1. Cold connect + probe, each through a fresh pool (the first one also pays for loading code).
  const cold: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const pool = new SshPool(s.options);
    const t0 = performance.now();
    await probeDevice(pool.get(s.target));
    cold.push(performance.now() - t0);
    pool.closeAll();
  }
  const pool = new SshPool(s.options);
  const conn = pool.get(s.target);
  await conn.connect();
  // 2. Probe on an open connection.
  const warm: number[] = [];
  for (let i = 0; i < Math.max(RUNS * 2, 10); i++) {
    const t0 = performance.now();
    await probeDevice(conn);
    warm.push(performance.now() - t0);
  }
  // 2b. The same probe in the device shell already open on the connection (the first one opens it).
  await probeViaShell(conn);
  const inShell: number[] = [];
  for (let i = 0; i < Math.max(RUNS * 2, 10); i++) {
    const t0 = performance.now();
    await probeViaShell(conn);
    inShell.push(performance.now() - t0);
  }
  // 3. Sequential short commands: one connection vs one ssh process each.
  const t1 = performance.now();
  for (let i = 0; i < COMMANDS; i++) await execRemote(conn, ['true']);
  const pierTotal = performance.now() - t1;
  pool.closeAll();
  const t2 = performance.now();
  for (let i = 0; i < COMMANDS; i++) await sshOnce([...s.sshArgs, buildCommand(['true'])]);
  const sshTotal = performance.now() - t2;

  // Baseline: the same script without SSH, on this machine, in the same run.
  const local: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    execFileSync('sh', ['-c', PROBE_SCRIPT], { stdio: 'ignore' });
    local.push(performance.now() - t0);
  }
  // The script as the in-shell probe runs it after the first time (no Compose), locally.
  const localLight: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    execFileSync('sh', ['-c', PROBE_SCRIPT, 'pier-probe', 'no-compose'], { stdio: 'ignore' });
    localLight.push(performance.now() - t0);
  }
  const coldRest = cold.slice(1);
  console.log(`  connect + probe, cold    first ${ms(cold[0])}; then median ${ms(median(coldRest))} / p95 ${ms(percentile(coldRest, 95))}   target < 1500 ms: ${percentile(cold, 95) < 1500 ? 'met' : 'MISSED'}`);
  console.log(`  probe on open connection median ${ms(median(warm))} / p95 ${ms(percentile(warm, 95))}   target < 150 ms: ${percentile(warm, 95) < 150 ? 'met' : 'MISSED'}`);
  console.log(`  probe in the open shell  median ${ms(median(inShell))} / p95 ${ms(percentile(inShell, 95))}   target < 150 ms: ${percentile(inShell, 95) < 150 ? 'met' : 'MISSED'}; ${(median(warm) / median(inShell)).toFixed(1)}x faster than the exec probe; the same script (no Compose) run locally without SSH: median ${ms(median(localLight))}`);
  console.log(`  baselines                probe script run locally without SSH: median ${ms(median(local))}; one 'true' over the open connection: ${ms(pierTotal / COMMANDS)}`);
  console.log(`  ${COMMANDS} x 'true'              one connection ${ms(pierTotal)} (${ms(pierTotal / COMMANDS)} each)   ${COMMANDS} ssh processes ${ms(sshTotal)} (${ms(sshTotal / COMMANDS)} each)   ratio ${(sshTotal / pierTotal).toFixed(1)}x faster`);
}

async function loopback(): Promise<void> {
  const sshd = await startSshd();
  try {
    const kh = join(sshd.dir, 'pier_known_hosts');
    await writeFile(kh, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub}\n`);
    await measure({
      label: `loopback OpenSSH sshd (127.0.0.1:${sshd.port}, login shell /bin/sh)`,
      target: { name: 'loopback', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFiles: [sshd.clientKey.path], identitiesOnly: true, jumps: [] },
      options: { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: kh }, agentSocket: null },
      sshArgs: ['-F', '/dev/null', '-i', sshd.clientKey.path, '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', `UserKnownHostsFile=${kh}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-p', String(sshd.port), '--', `${sshd.user}@127.0.0.1`],
    });
  } finally {
    await sshd.stop();
  }
}

async function lab(): Promise<void> {
  if (values['no-lab'] || process.getuid?.() !== 0) {
    console.log('\nlab device: skipped (needs root; or --no-lab given)');
    return;
  }
  const h = await ensureLab({ name: values['lab-name'], devices: 1, arch: 'arm64', onProgress: () => undefined });
  try {
    const d = h.device(0);
    await measure({
      label: `lab device ${d.name} (${d.platform}, ${d.host}:${d.port}, its own dockerd)`,
      target: { name: d.name, host: d.host, port: d.port, user: d.user, identityFiles: [d.privateKeyPath], identitiesOnly: true, jumps: [] },
      options: { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: d.knownHostsPath }, agentSocket: null },
      sshArgs: sshArgs(d),
    });
  } finally {
    await h.down();
  }
}

async function main(): Promise<void> {
  console.log(`SSH layer: ssh2 over one pooled connection vs OpenSSH ssh per command; node ${process.version}; ${RUNS} cold runs, ${COMMANDS} commands`);
  if (values.only !== 'lab') await loopback();
  if (values.only !== 'loopback') await lab();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
