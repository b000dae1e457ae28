// How sizes read in the editor and the CLI: `≈ 7.4 MB on linux/arm64`, `final image ≈ 14 MB`,
// `+182 MB`. Decimal units, as `docker images` and registries print them.

import type { ImageEstimate, SizePart, StageEstimate } from './estimate';

/** Bytes in decimal units with two significant digits below 10 (`7.4 MB`, `14 MB`, `820 kB`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = Math.max(0, bytes);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  const text = v < 10 ? v.toFixed(1).replace(/\.0$/, '') : String(Math.round(v));
  // 999.6 kB rounds to 1000 kB: say 1 MB instead.
  if (text === '1000' && u < units.length - 1) return `1 ${units[u + 1]}`;
  return `${text} ${units[u]}`;
}

/** A layer's size as a delta next to its line (`+182 MB`, `+0 B`). */
export function formatDelta(bytes: number): string {
  return `+${formatBytes(bytes)}`;
}

function approx(est: StageEstimate): string {
  const lower = est.unknown.length ? '≥ ' : '≈ ';
  return `${lower}${formatBytes(est.bytes)}`;
}

/**
 * The hint on a FROM: `≈ 7.4 MB on linux/arm64`, or `size unknown` when the base is unknown. A
 * figure from the bundled table (possibly old, read when the table was made) says so and when:
 * `≈ 7.4 MB on linux/arm64 (table, 2026-11-26)`; live figures name their source in hover.
 */
export function formatStageHint(est: StageEstimate): string {
  if (est.base.bytes === undefined) return est.base.pending ? 'size …' : 'size unknown';
  const dl = est.base.measure === 'download' ? ' download' : '';
  const f = est.baseFacts;
  const fromTable = f?.source.startsWith('bundled table') && est.base.source?.startsWith('bundled table');
  return `≈ ${formatBytes(est.base.bytes)}${dl} on ${est.platform}${fromTable ? ` (table, ${f!.date.slice(0, 10) || 'undated'})` : ''}`;
}

/** The hint on the final stage: `final image ≈ 14 MB` (`≥` when some parts are unknown). */
export function formatFinalHint(est: StageEstimate): string {
  if (est.base.bytes === undefined) return est.base.pending ? 'final image size …' : 'final image size unknown';
  const unknown = est.unknown.filter((p) => p !== est.base);
  return `final image ${approx(est)}${unknown.length ? ` + ${unknown.length} unknown` : ''}`;
}

function partLine(p: SizePart, markdown: boolean): string {
  const label = markdown ? `\`${p.label.replace(/`/g, "'")}\`` : p.label;
  const line = `line ${p.line + 1}`;
  if (p.bytes === undefined) return `${label} (${line}): ${p.pending ? 'pending' : 'unknown'}, ${p.unknown}`;
  const what = p.measure === 'download' ? ' (compressed download; unpacked size unknown)' : '';
  return `${label} (${line}): ${formatBytes(p.bytes)}${what}${p.source ? `, ${p.source}` : ''}`;
}

/** The breakdown shown in hover: the base, each part, the unknowns with reasons. */
export function formatBreakdown(est: StageEstimate, markdown: boolean): string {
  const bullet = markdown ? '- ' : '  ';
  const head = est.isFinal ? `Final image on ${est.platform}: ${est.base.bytes === undefined ? 'size unknown' : approx(est)}` : `Stage ${est.name ?? est.index} on ${est.platform}: ${est.base.bytes === undefined ? 'size unknown' : approx(est)}`;
  const lines = [markdown ? `**${head}**` : head, ''];
  lines.push(bullet + 'base: ' + partLine(est.base, markdown));
  const f = est.baseFacts;
  if (f) {
    const bits = [f.compressedBytes !== undefined ? `download ${formatBytes(f.compressedBytes)}` : '', f.uncompressedBytes !== undefined ? `unpacked ${formatBytes(f.uncompressedBytes)}` : ''].filter(Boolean);
    if (bits.length) lines.push(`${bullet}base image: ${bits.join(', ')} (${f.source}, ${f.date.slice(0, 10)})`);
    if (f.platforms?.length) lines.push(`${bullet}published for: ${f.platforms.join(', ')}`);
  }
  for (const p of est.parts) lines.push(bullet + partLine(p, markdown));
  if (est.basis === 'mixed') lines.push('', 'The base figure is its compressed download; the unpacked image is larger.');
  const unknown = est.unknown.length;
  if (unknown) lines.push('', `${unknown} part${unknown === 1 ? '' : 's'} of unknown size: the figure is a lower bound.`);
  return lines.join('\n');
}

/** One line per stage for the CLI. */
export function formatEstimateText(est: ImageEstimate): string {
  const out: string[] = [];
  for (const s of est.stages) {
    out.push(formatBreakdown(s, false));
    out.push('');
  }
  if (est.final) out.push(formatFinalHint(est.final));
  return out.join('\n') + '\n';
}
