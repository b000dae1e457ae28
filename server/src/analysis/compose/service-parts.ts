// Reading the parts of a service that several rules share: published ports, mounts and
// environment entries, each in both the short and the long syntax Compose accepts.

import { isMap, isPair, isScalar, type Node, type Pair, type Scalar } from 'yaml';
import type { Range } from '../engine/types';
import type { ComposeContext, Service } from './context';
import { keyName } from './yaml-doc';

/** An inclusive port range. */
export interface PortRange {
  start: number;
  end: number;
}

/** One entry of `ports:`. */
export interface PortMapping {
  /** The list item. */
  node: Node;
  form: 'number' | 'string' | 'map';
  /** Host address as written; '' when none (all interfaces). */
  hostIp: string;
  /** Host ports; undefined when Compose picks an ephemeral port. */
  published?: PortRange;
  target?: PortRange;
  protocol: string;
  /** False when unknown variables took part. */
  complete: boolean;
}

const RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

function portRange(s: string | undefined): PortRange | undefined {
  const m = s === undefined ? null : RANGE.exec(s.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  return { start, end: m[2] ? Number(m[2]) : start };
}

/** Parse the short port syntax `[[ip:]host:]container[/proto]` (IPv6 hosts in brackets). */
export function parsePortString(s: string): Omit<PortMapping, 'node' | 'form' | 'complete'> | undefined {
  let rest = s.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let hostIp = '';
  const v6 = /^\[([0-9a-fA-F:.]*)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2];
  }
  const parts = rest.split(':');
  if (parts.length > 3 || (v6 && parts.length > 2)) return undefined;
  if (parts.length === 3) hostIp = parts.shift()!;
  const target = portRange(parts[parts.length - 1]);
  if (!target) return undefined;
  const hostText = parts.length === 2 ? parts[0] : '';
  const published = hostText === '' ? undefined : portRange(hostText);
  if (hostText !== '' && !published) return undefined;
  return { hostIp, published, target, protocol };
}

/** The ports a service publishes. */
export function servicePorts(ctx: ComposeContext, svc: Service): PortMapping[] {
  const out: PortMapping[] = [];
  for (const item of ctx.yaml.items(svc.get('ports'))) {
    if (isScalar(item)) {
      if (typeof item.value === 'number') {
        out.push({ node: item, form: 'number', hostIp: '', target: { start: item.value, end: item.value }, protocol: 'tcp', complete: true });
        continue;
      }
      const s = ctx.str(item);
      const p = s ? parsePortString(s.value) : undefined;
      if (s && p) out.push({ node: item, form: 'string', complete: s.complete, ...p });
    } else if (isMap(item)) {
      const val = (k: string) => {
        const n = ctx.yaml.get(item, k);
        const v = ctx.yaml.value(n);
        return typeof v === 'number' ? { value: String(v), complete: true } : ctx.str(n);
      };
      const target = val('target');
      const published = val('published');
      const hostIp = val('host_ip');
      out.push({
        node: item,
        form: 'map',
        hostIp: hostIp?.value ?? '',
        target: portRange(target?.value),
        published: published ? portRange(published.value) : undefined,
        protocol: (val('protocol')?.value ?? 'tcp').toLowerCase(),
        complete: (target?.complete ?? true) && (published?.complete ?? true) && (hostIp?.complete ?? true),
      });
    }
  }
  return out;
}

/** True for a host address that listens on every interface. */
export function isAllInterfaces(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '[::]';
}

/** One entry of `volumes:` in a service. */
export interface Mount {
  node: Node;
  type: string;
  /** Host path or volume name; undefined for anonymous volumes and tmpfs. */
  source?: string;
  target?: string;
  readOnly: boolean;
  complete: boolean;
  /** The node holding the source (the item itself in the short syntax). */
  sourceNode: Node;
}

/** True when a short-syntax source is a host path rather than a volume name. */
export function isHostPath(source: string): boolean {
  return /^[/.~]/.test(source) || /^[A-Za-z]:[\\/]/.test(source) || source.startsWith('\\\\');
}

/** The mounts of a service. */
export function serviceMounts(ctx: ComposeContext, svc: Service): Mount[] {
  const out: Mount[] = [];
  for (const item of ctx.yaml.items(svc.get('volumes'))) {
    if (isScalar(item)) {
      const s = ctx.str(item);
      if (!s) continue;
      const parts = splitVolume(s.value);
      if (parts.length === 1) {
        out.push({ node: item, type: 'volume', target: parts[0], readOnly: false, complete: s.complete, sourceNode: item });
        continue;
      }
      const [source, target, mode = ''] = parts;
      out.push({ node: item, type: isHostPath(source) ? 'bind' : 'volume', source, target, readOnly: /(^|,)ro(,|$)/.test(mode), complete: s.complete, sourceNode: item });
    } else if (isMap(item)) {
      const src = ctx.str(ctx.yaml.get(item, 'source'));
      const tgt = ctx.str(ctx.yaml.get(item, 'target'));
      const ro = ctx.yaml.value(ctx.yaml.get(item, 'read_only'));
      out.push({
        node: item,
        type: ctx.str(ctx.yaml.get(item, 'type'))?.value ?? 'volume',
        source: src?.value,
        target: tgt?.value,
        readOnly: ro === true || ro === 'true',
        complete: (src?.complete ?? true) && (tgt?.complete ?? true),
        sourceNode: ctx.yaml.get(item, 'source') ?? item,
      });
    }
  }
  return out;
}

/** Split `src:dst[:mode]`, keeping a Windows drive letter (`C:\data`) in the source. */
function splitVolume(v: string): string[] {
  const m = /^([A-Za-z]:[\\/][^:]*):(.*)$/.exec(v);
  if (m) return [m[1], ...m[2].split(':')];
  return v.split(':');
}

/** One environment variable set by a service. */
export interface EnvEntry {
  name: string;
  /** The value as written (before interpolation); undefined when passed through from the host. */
  value?: string;
  /** The list item (`- KEY=value`) or the pair (`KEY: value`). */
  item?: Scalar;
  pair?: Pair;
  nameRange: Range;
  /** Range of the value text; undefined when there is none. */
  valueRange?: Range;
}

/** The `environment:` entries of a service, in either form. */
export function serviceEnvironment(ctx: ComposeContext, svc: Service): EnvEntry[] {
  const env = svc.get('environment');
  const out: EnvEntry[] = [];
  if (isMap(env)) {
    for (const p of ctx.yaml.pairs(env)) {
      const name = keyName(p);
      if (!name || !isPair(p)) continue;
      const v = ctx.yaml.scalar(p.value);
      const value = v && v.value !== null && v.value !== undefined ? String(v.value) : undefined;
      out.push({ name, value, pair: p, nameRange: ctx.keyRange(p), valueRange: v && value !== undefined ? ctx.range(v) : undefined });
    }
  } else {
    for (const item of ctx.yaml.items(env)) {
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      const text = item.value;
      const eq = text.indexOf('=');
      const name = eq < 0 ? text : text.slice(0, eq);
      const r = ctx.range(item);
      // Offsets inside a quoted scalar are shifted by its opening quote.
      const q = item.type === 'QUOTE_DOUBLE' || item.type === 'QUOTE_SINGLE' ? 1 : 0;
      const start = ctx.lines.offsetAt(r.start) + q;
      out.push({
        name,
        value: eq < 0 ? undefined : text.slice(eq + 1),
        item,
        nameRange: ctx.lines.range(start, start + name.length),
        valueRange: eq < 0 ? undefined : ctx.lines.range(start + eq + 1, start + text.length),
      });
    }
  }
  return out;
}
