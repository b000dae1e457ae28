// Reading what the doctor judges: Docker's own view (docker info), its daemon.json, how dockerd
// was started, listening TCP ports, time synchronisation and the clock. One exec of a constant
// script with marked sections, plus the probe.

import type { SshConnection } from '../ssh/connection';
import { execRemote } from '../ssh/exec';
import type { RuntimeName } from './list';
import { diagnose, type DoctorFacts, type DoctorFinding } from './doctor-rules';
import { probeDevice, type ProbeResult } from './probe';

/** The facts script; each section starts with a line `@@pier:NAME`. */
export const DOCTOR_SCRIPT = String.raw`
exec 2>/dev/null </dev/null
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin"
lim() { if command -v timeout >/dev/null; then timeout 15 "$@"; else "$@"; fi; }
sec() { printf '\n@@pier:%s\n' "$1"; }
sec epoch; date +%s
if command -v docker >/dev/null; then
  sec docker-info
  lim docker info --format '{{json .}}' || { [ "$(id -u)" != 0 ] && lim sudo -n docker info --format '{{json .}}'; }
fi
sec daemon-json; cat /etc/docker/daemon.json
sec dockerd; ps -eo args | grep '[d]ockerd'
sec listen; cat /proc/net/tcp /proc/net/tcp6 | awk '$4=="0A"{print $2}'
sec ntp; timedatectl show -p NTPSynchronized --value
sec chrony; chronyc -n tracking | sed -n 's/^Leap status *: *//p'
sec end
exit 0
`;

/** Split the script's output into its sections. */
export function parseSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^@@pier:([\w-]+)$/.exec(line);
    if (m) {
      if (name) out.set(name, lines.join('\n').trim());
      name = m[1];
      lines = [];
    } else lines.push(line);
  }
  if (name) out.set(name, lines.join('\n').trim());
  return out;
}

/** Build the doctor's facts from the script's output and the probe. */
export function factsFromOutput(text: string, probe: ProbeResult, clock: { sentMs: number; receivedMs: number }): DoctorFacts {
  const s = parseSections(text);
  const json = (t: string | undefined): Record<string, unknown> | string | undefined => {
    if (!t) return undefined;
    try {
      const v = JSON.parse(t);
      return v && typeof v === 'object' && !Array.isArray(v) ? v : t;
    } catch {
      return t;
    }
  };
  const info = json(s.get('docker-info'));
  const ports = (s.get('listen') ?? '')
    .split('\n')
    .map((l) => parseInt(l.split(':').pop() ?? '', 16))
    .filter((p) => Number.isFinite(p));
  const epoch = Number(s.get('epoch'));
  const ntp = s.get('ntp');
  return {
    probe,
    dockerInfo: typeof info === 'object' ? info : undefined,
    daemonJson: json(s.get('daemon-json')),
    dockerdArgs: (s.get('dockerd') ?? '').split('\n').filter(Boolean),
    listeningPorts: [...new Set(ports)],
    ntpSynchronized: ntp === 'yes' ? true : ntp === 'no' ? false : undefined,
    chronyLeap: s.get('chrony') || undefined,
    // The device read its clock somewhere within the round trip; the midpoint is the best guess.
    clockSkewSeconds: Number.isFinite(epoch) && epoch > 0 ? epoch - (clock.sentMs + clock.receivedMs) / 2000 : undefined,
  };
}

/** The doctor's report for one device. */
export interface DoctorReport {
  device: string;
  probe: ProbeResult;
  findings: DoctorFinding[];
}

/** Run the doctor on a device. */
export async function runDoctor(conn: SshConnection, opts: { runtime?: RuntimeName; signal?: AbortSignal } = {}): Promise<DoctorReport> {
  const probe = await probeDevice(conn, opts);
  const sentMs = Date.now();
  const r = await execRemote(conn, ['sh', '-c', DOCTOR_SCRIPT], { signal: opts.signal });
  const receivedMs = Date.now();
  const facts = factsFromOutput(r.stdout.toString('utf8'), probe, { sentMs, receivedMs });
  return { device: conn.target.name, probe, findings: diagnose(facts) };
}
