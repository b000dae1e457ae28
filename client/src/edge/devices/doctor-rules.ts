// The device doctor's judgement: pure functions from facts read on the device to findings, each
// with what it costs a small device and the fix.

import type { ProbeResult } from './probe';

/** What the doctor checks. */
export type DoctorCheck =
  | 'runtime'
  | 'log-rotation'
  | 'storage-driver'
  | 'tcp-without-tls'
  | 'live-restore'
  | 'disk-almost-full'
  | 'clock-not-synchronised';

/** One finding with its fix. */
export interface DoctorFinding {
  check: DoctorCheck;
  severity: 'error' | 'warning' | 'info';
  title: string;
  detail: string;
  fix: string;
}

/** What was read on the device. */
export interface DoctorFacts {
  probe: ProbeResult;
  /** `docker info --format '{{json .}}'`, parsed, when Docker answered. */
  dockerInfo?: Record<string, unknown>;
  /** /etc/docker/daemon.json parsed; a string when it is not valid JSON. */
  daemonJson?: Record<string, unknown> | string;
  /** Command lines of running dockerd processes. */
  dockerdArgs: string[];
  /** TCP ports listening on the device (from /proc/net/tcp*). */
  listeningPorts: number[];
  /** timedatectl's NTPSynchronized, when it exists. */
  ntpSynchronized?: boolean;
  /** chrony's leap status ("Normal" when synchronised), when chrony runs. */
  chronyLeap?: string;
  /** Device clock minus this machine's clock, in seconds (round trip taken out). */
  clockSkewSeconds?: number;
}

const GIB = 1024 ** 3;

/** Turn facts into findings, worst first. */
export function diagnose(f: DoctorFacts): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const rt = f.probe.runtime;
  if (!rt) {
    out.push({ check: 'runtime', severity: 'error', title: 'No container runtime', detail: 'None of docker, podman, nerdctl or k3s was found on the device.', fix: 'Install one, for example `sudo apt-get install docker.io`, and add your user to the docker group.' });
  } else if (rt.access === 'denied') {
    out.push({ check: 'runtime', severity: 'error', title: `${f.probe.user} may not use ${rt.name}`, detail: `The ${rt.name} socket refuses the login user, and sudo without a password is not allowed either.`, fix: `sudo usermod -aG docker ${f.probe.user}, then log in again.` });
  } else if (rt.access === 'not-running') {
    out.push({ check: 'runtime', severity: 'error', title: `${rt.name} does not answer`, detail: `${rt.name} is installed but its engine did not respond.`, fix: `sudo systemctl enable --now ${rt.name === 'podman' ? 'podman.socket' : rt.name}` });
  } else if (rt.access === 'sudo') {
    out.push({ check: 'runtime', severity: 'info', title: `${rt.name} needs sudo`, detail: `${f.probe.user} reaches ${rt.name} only through sudo; Pier can use that, but every command pays for it.`, fix: `sudo usermod -aG docker ${f.probe.user}, then log in again.` });
  }
  // Without docker info the configuration checks would be guesses; the runtime finding says why.
  if (f.dockerInfo) out.push(...dockerChecks(f));
  out.push(...tcpChecks(f));
  out.push(...diskChecks(f));
  out.push(...clockChecks(f));
  const rank = { error: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

function dockerChecks(f: DoctorFacts): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const info = f.dockerInfo!;
  const daemon = typeof f.daemonJson === 'object' ? f.daemonJson : {};
  const driver = String(info.LoggingDriver ?? 'json-file');
  const logOpts = (daemon['log-opts'] ?? {}) as Record<string, unknown>;
  if (typeof f.daemonJson === 'string') {
    out.push({ check: 'log-rotation', severity: 'warning', title: '/etc/docker/daemon.json is not valid JSON', detail: 'Docker refuses to start with a broken daemon.json after the next restart.', fix: 'Fix the JSON (for example with `python3 -m json.tool /etc/docker/daemon.json`).' });
  }
  if (driver === 'json-file' && !logOpts['max-size']) {
    out.push({
      check: 'log-rotation',
      severity: 'warning',
      title: 'Container logs are never rotated',
      detail: 'The json-file log driver without max-size keeps every line forever; a chatty container fills a small SD card or eMMC.',
      fix: 'In /etc/docker/daemon.json set "log-opts": {"max-size": "10m", "max-file": "3"} (or "log-driver": "local"), then `sudo systemctl restart docker`. It applies to containers created afterwards.',
    });
  }
  const storage = String(info.Driver ?? '');
  if (storage === 'vfs') {
    out.push({ check: 'storage-driver', severity: 'error', title: 'Storage driver vfs copies every layer in full', detail: 'vfs has no copy-on-write: each layer is a full copy, so images take several times their size and pulls are slow.', fix: 'Use overlay2: set "storage-driver": "overlay2" in /etc/docker/daemon.json (the kernel needs the overlay module; `sudo modprobe overlay`), then restart Docker. Existing images must be pulled again.' });
  } else if (storage === 'devicemapper' || storage === 'aufs') {
    out.push({ check: 'storage-driver', severity: 'warning', title: `Storage driver ${storage} is deprecated`, detail: `${storage} is slower and no longer supported by current Docker releases.`, fix: 'Switch to overlay2 ("storage-driver": "overlay2" in /etc/docker/daemon.json) and restart Docker; images must be pulled again.' });
  }
  const swarm = (info.Swarm as { LocalNodeState?: string } | undefined)?.LocalNodeState;
  if (info.LiveRestoreEnabled === false && swarm !== 'active') {
    out.push({ check: 'live-restore', severity: 'info', title: 'Containers stop whenever Docker restarts', detail: 'Without live-restore, an engine upgrade or restart stops every container on the device.', fix: 'Set "live-restore": true in /etc/docker/daemon.json and run `sudo systemctl reload docker`.' });
  }
  return out;
}

function tcpChecks(f: DoctorFacts): DoctorFinding[] {
  const daemon = typeof f.daemonJson === 'object' ? f.daemonJson : {};
  const hosts = [...(Array.isArray(daemon.hosts) ? daemon.hosts.map(String) : []), ...f.dockerdArgs.flatMap((a) => [...a.matchAll(/(?:-H|--host)[= ]\s*(\S+)/g)].map((m) => m[1]))];
  const tcp = hosts.filter((h) => h.startsWith('tcp://'));
  const tls = daemon.tlsverify === true || f.dockerdArgs.some((a) => /--tlsverify\b(?!=false)/.test(a));
  const warned = ((f.dockerInfo?.Warnings as string[] | undefined) ?? []).find((w) => /without encryption|API is accessible on http/i.test(w));
  const open2375 = f.listeningPorts.includes(2375);
  if ((tcp.length && !tls) || warned || open2375) {
    const where = tcp.length ? tcp.join(', ') : open2375 ? 'port 2375' : 'TCP';
    return [
      {
        check: 'tcp-without-tls',
        severity: 'error',
        title: 'The Docker API is open on the network without TLS',
        detail: `Docker listens on ${where} with no authentication: anyone who reaches the device can run containers as root on it.${warned ? ` Docker says: ${warned}` : ''}`,
        fix: 'Remove the tcp:// host from /etc/docker/daemon.json and the dockerd command line (systemctl edit docker), then restart Docker. Pier talks to Docker over SSH and needs no TCP socket; if one is required, use --tlsverify with client certificates.',
      },
    ];
  }
  return [];
}

function diskChecks(f: DoctorFacts): DoctorFinding[] {
  const disk = f.probe.runtime?.disk;
  if (!disk || !disk.totalBytes) return [];
  const freeRatio = disk.freeBytes / disk.totalBytes;
  const gib = (n: number) => `${(n / GIB).toFixed(1)} GiB`;
  const detail = `${gib(disk.freeBytes)} of ${gib(disk.totalBytes)} free (${Math.round(freeRatio * 100)}%) on ${disk.path}, where ${f.probe.runtime!.name} keeps images and containers.`;
  const fix = `Remove what is unused: \`${f.probe.runtime!.name === 'podman' ? 'podman' : 'docker'} system prune\` (add -a for unused images too), rotate logs, or move the data root to a larger disk.`;
  if (freeRatio < 0.05 || disk.freeBytes < 512 * 1024 ** 2) return [{ check: 'disk-almost-full', severity: 'error', title: 'The disk is almost full', detail, fix }];
  if (freeRatio < 0.15 || disk.freeBytes < 2 * GIB) return [{ check: 'disk-almost-full', severity: 'warning', title: 'Disk space is running low', detail, fix }];
  return [];
}

function clockChecks(f: DoctorFacts): DoctorFinding[] {
  const skew = f.clockSkewSeconds;
  const synced = f.ntpSynchronized ?? (f.chronyLeap ? f.chronyLeap === 'Normal' : undefined);
  const fix = 'Enable time synchronisation: `sudo timedatectl set-ntp true` (systemd-timesyncd) or install chrony; a device without a battery-backed clock needs network time at every boot.';
  const skewText = skew === undefined ? '' : ` Its clock is ${Math.abs(Math.round(skew))} s ${skew > 0 ? 'ahead of' : 'behind'} this machine's.`;
  if (skew !== undefined && Math.abs(skew) > 60) {
    return [{ check: 'clock-not-synchronised', severity: 'warning', title: 'The clock is wrong', detail: `TLS certificates (registry pulls) fail when the clock is far off, and log timestamps lie.${skewText}`, fix }];
  }
  if (synced === false) {
    return [{ check: 'clock-not-synchronised', severity: 'warning', title: 'The clock is not synchronised', detail: `Nothing keeps the clock right, so TLS and log timestamps will drift.${skewText}`, fix }];
  }
  return [];
}
