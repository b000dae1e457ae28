// Helpers of the lab's own tests: OpenSSH to a device, throughput over a device link, and a
// snapshot of everything a lab leaves on the host.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { sshArgs, type LabDeviceAccess, type LabState } from '../../client/src/edge/lab';
import { run } from '../../client/src/edge/lab/run';

/** Run a command on a device with OpenSSH (lab key, strict host keys). */
export function ssh(d: LabDeviceAccess, remote: string[], o: { input?: Buffer | NodeJS.ReadableStream; extra?: string[]; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(d, remote, o.extra ?? []), { stdio: ['pipe', 'pipe', 'pipe'], timeout: o.timeoutMs ?? 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 255, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    if (o.input && Buffer.isBuffer(o.input)) child.stdin.end(o.input);
    else if (o.input) (o.input as NodeJS.ReadableStream).pipe(child.stdin);
    else child.stdin.end();
  });
}

// Runs inside a device's network namespace: counts bytes from the first to the last.
const SINK = `
const net = require('net');
const s = net.createServer((c) => {
  let n = 0, t0 = 0n, t1 = 0n;
  c.on('data', (d) => { if (!t0) t0 = process.hrtime.bigint(); n += d.length; t1 = process.hrtime.bigint(); });
  c.on('end', () => { console.log(JSON.stringify({ bytes: n, seconds: Number(t1 - t0) / 1e9 })); s.close(); c.end(); });
});
s.listen(Number(process.argv[2]), process.argv[1], () => console.log('listening'));
`;

// Runs inside a device's network namespace: sends N bytes to host:port.
const SOURCE = `
const net = require('net');
const c = net.connect(Number(process.argv[2]), process.argv[1], () => {
  const b = Buffer.alloc(65536, 120); let left = Number(process.argv[3]);
  const w = () => { while (left > 0) { const chunk = left >= b.length ? b : b.subarray(0, left); left -= chunk.length; if (!c.write(chunk)) return c.once('drain', w); } c.end(); };
  w();
});
c.on('error', (e) => { console.error(e.message); process.exit(1); });
`;

/** Bits per second from the host to the device (measured by a receiver on the device's network). */
export async function throughputToDevice(d: LabDeviceAccess, bytes: number, port = 9100): Promise<number> {
  const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, '--', process.execPath, '-e', SINK, d.host, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = lineReader(child.stdout);
    if ((await lines.next()) !== 'listening') throw new Error('sink did not start');
    const sock = connect(port, d.host);
    await once(sock, 'connect');
    const buf = Buffer.alloc(65536, 120);
    for (let left = bytes; left > 0; left -= buf.length) if (!sock.write(left >= buf.length ? buf : buf.subarray(0, left))) await once(sock, 'drain');
    sock.end();
    const r = JSON.parse(await lines.next()) as { bytes: number; seconds: number };
    sock.destroy();
    if (r.bytes !== bytes) throw new Error(`sink got ${r.bytes} of ${bytes} bytes`);
    return (r.bytes * 8) / r.seconds;
  } finally {
    child.kill('SIGKILL');
  }
}

/** Bits per second from the device to the host (measured by a receiver on the host). */
export async function throughputFromDevice(d: LabDeviceAccess, hostAddress: string, bytes: number): Promise<number> {
  let t0 = 0n;
  let t1 = 0n;
  let n = 0;
  const server = createServer();
  const done = new Promise<void>((resolve) => {
    server.on('connection', (c) => {
      c.on('data', (b: Buffer) => {
        if (!t0) t0 = process.hrtime.bigint();
        n += b.length;
        t1 = process.hrtime.bigint();
      });
      c.on('end', () => {
        c.end();
        resolve();
      });
    });
  });
  server.listen(0, hostAddress);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, '--', process.execPath, '-e', SOURCE, hostAddress, String(port), String(bytes)], { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    await done;
    if (n !== bytes) throw new Error(`host got ${n} of ${bytes} bytes`);
    return (n * 8) / (Number(t1 - t0) / 1e9);
  } finally {
    child.kill('SIGKILL');
    server.close();
  }
}

/** Lines of a stream, one at a time. */
export function lineReader(stream: NodeJS.ReadableStream) {
  let buf = '';
  const queue: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  let ended = false;
  stream.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  stream.on('end', () => {
    ended = true;
    for (const w of waiters.splice(0)) w('');
  });
  return {
    next(): Promise<string> {
      const l = queue.shift();
      if (l !== undefined) return Promise.resolve(l);
      if (ended) return Promise.resolve('');
      return new Promise((r) => waiters.push(r));
    },
  };
}

/** Everything of a lab that could be left on the host. */
export interface LabTraces {
  netns: string[];
  links: string[];
  pids: number[];
  mounts: string[];
  iptables: string[];
  files: string[];
}

/** Look for traces of a lab on the host: its namespaces, interfaces, processes, mounts, rules and files. */
export async function labTraces(state: LabState, pids: number[]): Promise<LabTraces> {
  const netns = (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`pier-${state.name}-`));
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout
    .split('\n')
    .map((l) => /^\d+: ([^:@\s]+)/.exec(l)?.[1] ?? '')
    .filter((n) => n === state.bridge || n.startsWith(`pl${state.slot}d`));
  const live = pids.filter((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z'));
  // Any process whose command line names the run directory (device dockerd, sshd, containerd, shims).
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(state.runDir)) live.push(Number(p));
    } catch {
      /* exited */
    }
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(state.runDir) || state.devices.some((d) => l.includes(`/netns/${d.netns}`)));
  const ipt = await run('iptables-save', [], { allowFail: true });
  const iptables = ipt.stdout.split('\n').filter((l) => l.includes(`10.77.${state.slot}.`) || l.includes(state.bridge) || /pier-lab/.test(l));
  const files = [state.runDir, state.clientKey, state.knownHosts].filter((f) => existsSync(f));
  return { netns, links, pids: [...new Set(live)], mounts, iptables, files };
}

/** PIDs a lab runs: every device's sshd and dockerd and what else lives in their namespaces. */
export async function labPids(state: LabState): Promise<number[]> {
  const out: number[] = [];
  for (const d of state.devices) {
    if (d.sshdPid) out.push(d.sshdPid);
    if (d.dockerdPid) out.push(d.dockerdPid);
    const r = await run('ip', ['netns', 'pids', d.netns], { allowFail: true });
    out.push(...r.stdout.split('\n').map(Number).filter((n) => n > 0));
  }
  return out;
}
