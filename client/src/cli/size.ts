// `pier size`: the static estimate of a Dockerfile (`--file`), or the per-instruction breakdown of
// a built image (`--image`, with `--file` to map layers to lines and record them for the editor).

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { buildContext } from '../../../server/src/analysis/dockerfile/context';
import { resolveSettings } from '../../../server/src/analysis/engine/types';
import { estimateImage, type ImageEstimate } from '../../../server/src/analysis/size/estimate';
import { formatBytes, formatDelta, formatEstimateText } from '../../../server/src/analysis/size/format';
import { BuildRecords } from '../../../server/src/size/build-records';
import { walkContext } from '../../../server/src/size/context-walk';
import { SizeFacts } from '../../../server/src/size/size-facts';
import { imageBreakdown, toBuildRecord, type ImageBreakdown } from '../edge/size/breakdown';

const HELP = `usage: pier size --file Dockerfile [--platform P] [--context DIR] [--json]
       pier size --image REF [--file Dockerfile] [--json]

  --file      estimate a Dockerfile's image before building (base image + build context bytes)
  --image     break a built image down per layer: real sizes, wasted bytes, largest paths;
              with --file, layers are mapped to the Dockerfile's lines and recorded for the editor
  --platform  target platform (default linux/arm64)
  --context   build context directory (default: the Dockerfile's directory)
  --json      machine-readable output
`;

/** Estimate a Dockerfile, waiting for the registry/engine/table and the context walk. */
export async function estimateFile(file: string, o: { platform: string; context?: string; facts?: SizeFacts }): Promise<ImageEstimate> {
  const text = await readFile(file, 'utf8');
  const ctx = buildContext(text, resolveSettings({ targetPlatforms: [o.platform] }), {}, () => undefined);
  const facts = o.facts ?? new SizeFacts();
  const root = o.context ?? dirname(file);
  let ignore: string | null = null;
  for (const p of [`${file}.dockerignore`, resolve(root, '.dockerignore')]) {
    ignore = await readFile(p, 'utf8').catch(() => null);
    if (ignore !== null) break;
  }
  const [context, record] = await Promise.all([
    walkContext(root, ignore, { sliceMs: 0 }).catch((e: Error) => ({ unknown: e.message })),
    new BuildRecords().get(file),
    ...ctx.stages.filter((s) => s.ref).map((s) => facts.resolve(s.ref!, s.platform && !s.platform.includes('$') ? s.platform : o.platform)),
  ]);
  return estimateImage({ stages: ctx.stages, targetPlatform: o.platform, sizes: facts, context, previousBuild: record, resolve: ctx.resolve });
}

/** The breakdown as text: one line per layer, then totals and offenders. */
export function formatBreakdownText(b: ImageBreakdown): string {
  const out = [`${b.image}${b.platform ? ` (${b.platform})` : ''}: ${formatBytes(b.totalBytes)}, ${formatBytes(b.wastedBytes)} wasted, efficiency ${(b.efficiency * 100).toFixed(1)}%`, ''];
  const biggest = [...b.entries].filter((e) => e.hasLayer).sort((x, y) => y.bytes - x.bytes).slice(0, 3);
  out.push(`base image layers: ${formatBytes(b.baseBytes)}`);
  for (const e of b.entries) {
    if (e.base || !e.hasLayer) continue;
    const mark = biggest.includes(e) && e.bytes > 0 ? ' ▲' : '';
    const where = e.line !== undefined ? `line ${e.line + 1}` : 'layer';
    out.push(`${where.padEnd(8)} ${formatDelta(e.bytes).padStart(9)}${mark}  ${(e.instruction ?? e.createdBy).slice(0, 90)}${e.wastedBytes ? `  (${formatBytes(e.wastedBytes)} wasted)` : ''}`);
    for (const p of e.largest.slice(0, 3)) out.push(`${''.padEnd(20)}${formatBytes(p.bytes).padStart(9)}  ${p.path}${p.rule ? `  [${p.rule}]` : ''}`);
  }
  if (b.offenders.length) {
    out.push('', 'wasted space (shipped by one layer, overwritten or deleted by a later one):');
    for (const o of b.offenders.slice(0, 10)) {
      out.push(`  ${formatBytes(o.bytes).padStart(9)}  ${o.path} (${o.files} file${o.files === 1 ? '' : 's'}, ${o.how}${o.byLine !== undefined ? ` at line ${o.byLine + 1}` : ''}${o.line !== undefined ? `, shipped by line ${o.line + 1}` : ''})${o.rule ? `  [${o.rule}]` : ''}`);
    }
  }
  return out.join('\n') + '\n';
}

/** `pier size` */
export const sizeCommand: CliCommand = {
  name: 'size',
  summary: 'image size before building (estimate) and after (per-layer breakdown, wasted space)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        file: { type: 'string', short: 'f' },
        image: { type: 'string' },
        platform: { type: 'string', default: 'linux/arm64' },
        context: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.file && !values.image) {
      process.stderr.write(HELP);
      return 2;
    }
    if (values.image) {
      const ac = new AbortController();
      const onSig = () => ac.abort();
      process.once('SIGINT', onSig);
      try {
        const text = values.file ? await readFile(values.file, 'utf8') : undefined;
        const b = await imageBreakdown(values.image, { dockerfileText: text, signal: ac.signal, onProgress: values.json ? undefined : (m) => process.stderr.write(`pier size: ${m}\n`) });
        if (values.file) await new BuildRecords().put(toBuildRecord(b, values.file));
        process.stdout.write(values.json ? JSON.stringify(b, null, 2) + '\n' : formatBreakdownText(b));
        return 0;
      } finally {
        process.off('SIGINT', onSig);
      }
    }
    const est = await estimateFile(resolve(values.file!), { platform: values.platform!, context: values.context ? resolve(values.context) : undefined });
    process.stdout.write(values.json ? JSON.stringify(est, null, 2) + '\n' : formatEstimateText(est));
    return 0;
  },
};
