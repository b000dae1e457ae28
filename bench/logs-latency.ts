// How quickly a line printed in a container on a lab device reaches Pier's log stream, and how
// many lines a second the stream carries, each against a plain `ssh DEVICE docker logs -f` read
// by a child process in the same run (OpenSSH's client, the same device, the same container).
//
//   latency:    a container prints 1,000 lines, 100 a second, each with the shell's own
//               $EPOCHREALTIME; the stream and the baseline follow it at the same time, and each
//               line's latency is its arrival on the host minus that time (the lab device's clock
//               and the host's are the same kernel clock). Unlimited link.
//   throughput: a container's log of 100,000 lines already written is read from the start in
//               follow mode until the last line, by the stream and by the baseline in turn.
//
// Run: node --import tsx bench/logs-latency.ts [--lab-name NAME] [--lines N] [--flood N] [--runs N]

import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sshArgs } from '../client/src/edge/lab';
import { probeDevice } from '../client/src/edge/devices/probe';
import { LogStream } from '../client/src/edge/logs/stream';
import type { LogEntry } from '../client/src/edge/logs/types';
import { runRemote } from '../client/src/edge/ssh/exec';
import { SshPool } from '../client/src/edge/ssh/pool';
import { ensureLab } from '../test/lab/harness';
import { busyboxRef, ensureDeviceImage, FLOOD_PRINTER, labOptions, labTarget, pacedPrinter, triggerFlood } from '../test/edge/logs-helpers';
import { median, percentile } from './stats';

const { values } = parseArgs({ options: { 'lab-name': { type: 'string', default: 'logsbench' }, lines: { type: 'string', default: '1000' }, flood: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const LINES = Number(values.lines);
const FLOOD = Number(values.flood);
const RUNS = Number(values.runs);

// Waits for its fifo, then prints LINES lines `seq=N t=EPOCHREALTIME` about 10 ms apart.
const TIMED_PRINTER = pacedPrinter('seq=$i t=$EPOCHREALTIME', 0.01);

const now = () => performance.timeOrigin + performance.now();
const fmt = (v: number) => `${v.toFixed(1)} ms`;

/** `ssh DEVICE ...` as a child process; calls onLine for each line of its stdout until it returns true. */
function sshLogs(args: string[], onLine: (line: string) => boolean): { done: Promise<void>; kill(): void } {
  const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let rest = '';
  let stop = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (s: string) => {
    if (stop) return;
    const parts = (rest + s).split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (onLine(p)) stop = true;
    if (stop) child.kill('SIGTERM');
  });
  return { done: new Promise((r) => child.on('close', () => r())), kill: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('logs benchmark: needs root for the lab; skipped');
    return;
  }
  const h = await ensureLab({ name: values['lab-name'], devices: 1, arch: 'arm64', onProgress: () => undefined });
  const d = h.device(0);
  const pool = new SshPool(labOptions(d));
  const conn = pool.get(labTarget(d));
  const names: string[] = [];
  try {
    const rt = (await probeDevice(conn)).runtime!;
    await ensureDeviceImage(conn, busyboxRef(d));
    const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
    console.log(`Pier log stream vs ssh ${d.name} docker logs -f (OpenSSH client); lab device ${d.platform}, node ${process.version}; load ${load()}`);

    // ---- Latency ----------------------------------------------------------------------------
    const lat = `pier-bench-lat-${process.pid}`;
    names.push(lat);
    await runRemote(conn, ['docker', 'run', '-d', '--name', lat, '-e', `LINES=${LINES}`, busyboxRef(d), 'sh', '-c', TIMED_PRINTER]);
    const printedAt = (text: string) => {
      const m = /^(?:\S+Z )?seq=(\d+) t=(\d+)\.(\d+)/.exec(text);
      return m ? { seq: Number(m[1]), ms: Number(m[2]) * 1000 + Number(`0.${m[3]}`) * 1000 } : undefined;
    };
    const pierLat: number[] = [];
    const sshLat: number[] = [];
    const ac = new AbortController();
    let pierDone!: () => void;
    const pierAll = new Promise<void>((r) => (pierDone = r));
    let pierLive!: () => void;
    const pierReady = new Promise<void>((r) => (pierLive = r));
    const stream = new LogStream({
      conn, runtime: rt, target: { kind: 'container', ref: lat }, signal: ac.signal,
      onEntries: (es: LogEntry[]) => {
        const t = now();
        for (const e of es) {
          if (e.kind === 'state' && e.state === 'live') pierLive();
          const p = e.kind === 'line' ? printedAt(e.text) : undefined;
          if (!p) continue;
          pierLat.push(t - p.ms);
          if (p.seq === LINES) pierDone();
        }
      },
    });
    const streamEnd = stream.run();
    let sshDone!: () => void;
    const sshAll = new Promise<void>((r) => (sshDone = r));
    let sshLive!: () => void;
    const sshReady = new Promise<void>((r) => (sshLive = r));
    // The same command Pier runs, as a person would type it; "ready" once the remote shell runs.
    const base = sshLogs(sshArgs(d, ['sh', '-c', 'echo ready; exec docker logs --timestamps --follow "$1"', 'sh', lat]), (line) => {
      if (line === 'ready') sshLive();
      const p = printedAt(line);
      if (!p) return false;
      sshLat.push(now() - p.ms);
      if (p.seq === LINES) {
        sshDone();
        return true;
      }
      return false;
    });
    // Both readers run before the printer starts (and both read the log from its start anyway).
    await Promise.all([pierReady, sshReady]);
    await triggerFlood(conn, lat);
    await Promise.all([pierAll, sshAll]);
    ac.abort();
    base.kill();
    await Promise.all([streamEnd, base.done]);
    console.log(`\nlatency, ${LINES} lines at ~100 lines/s, printed -> received (unlimited link):`);
    console.log(`  Pier stream      p50 ${fmt(percentile(pierLat, 50))}  p95 ${fmt(percentile(pierLat, 95))}  max ${fmt(Math.max(...pierLat))}  (${pierLat.length} lines; target p95 < 250 ms)`);
    console.log(`  ssh docker logs  p50 ${fmt(percentile(sshLat, 50))}  p95 ${fmt(percentile(sshLat, 95))}  max ${fmt(Math.max(...sshLat))}  (${sshLat.length} lines)`);
    console.log(`  ratio p95 Pier / ssh: ${(percentile(pierLat, 95) / percentile(sshLat, 95)).toFixed(2)}`);

    // ---- Throughput -------------------------------------------------------------------------
    const flood = `pier-bench-flood-${process.pid}`;
    names.push(flood);
    await runRemote(conn, ['docker', 'run', '-d', '--name', flood, '-e', `COUNT=${FLOOD}`, busyboxRef(d), 'sh', '-c', FLOOD_PRINTER]);
    await triggerFlood(conn, flood);
    // Wait until the whole log is written (the printer says so on stderr).
    for (let i = 0; i < 600; i++) {
      const out = await runRemote(conn, ['sh', '-c', 'docker logs "$1" 2>&1 >/dev/null | tail -n 1', 'sh', flood]);
      if (out.includes('flood done')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // Rates from the start (the baseline also pays for its SSH connection; the stream's is pooled)
    // and from the first line to the last (the carrying alone).
    const pierRates: number[] = [];
    const sshRates: number[] = [];
    const pierFlow: number[] = [];
    const sshFlow: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      {
        let n = 0;
        const ac2 = new AbortController();
        const t0 = now();
        let first = 0;
        let t1 = 0;
        const s = new LogStream({
          conn, runtime: rt, target: { kind: 'container', ref: flood }, signal: ac2.signal,
          onEntries: (es) => {
            for (const e of es) {
              if (e.kind !== 'line' || e.stream !== 'stdout') continue;
              if (++n === 1) first = now();
              if (n === FLOOD) {
                t1 = now();
                ac2.abort();
              }
            }
          },
        });
        await s.run();
        pierRates.push(FLOOD / ((t1 - t0) / 1000));
        pierFlow.push((FLOOD - 1) / ((t1 - first) / 1000));
      }
      {
        let n = 0;
        const t0 = now();
        let first = 0;
        let t1 = 0;
        const b = sshLogs(sshArgs(d, ['docker', 'logs', '--timestamps', '--follow', flood]), () => {
          if (++n === 1) first = now();
          if (n === FLOOD) {
            t1 = now();
            return true;
          }
          return false;
        });
        await b.done;
        sshRates.push(FLOOD / ((t1 - t0) / 1000));
        sshFlow.push((FLOOD - 1) / ((t1 - first) / 1000));
      }
    }
    const row = (label: string, rates: number[]) => `  ${label} ${Math.round(median(rates)).toLocaleString('en').padStart(8)} lines/s  (runs: ${rates.map((r) => Math.round(r)).join(', ')})`;
    console.log(`\nthroughput, a ${FLOOD.toLocaleString('en')}-line log read from the start in follow mode, median of ${RUNS}:`);
    console.log('  from the start of the command:');
    console.log(row('  Pier stream     ', pierRates));
    console.log(row('  ssh docker logs ', sshRates));
    console.log(`    ratio Pier / ssh: ${(median(pierRates) / median(sshRates)).toFixed(2)}x`);
    console.log('  from the first line to the last:');
    console.log(row('  Pier stream     ', pierFlow));
    console.log(row('  ssh docker logs ', sshFlow));
    console.log(`    ratio Pier / ssh: ${(median(pierFlow) / median(sshFlow)).toFixed(2)}x (target >= 0.8x); load ${load()}`);
  } finally {
    await runRemote(conn, ['docker', 'rm', '-f', ...names]).catch(() => undefined);
    pool.closeAll();
    await h.down();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
