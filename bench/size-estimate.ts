// The static size estimate with a warm catalog and a walked context, added to a Dockerfile's
// analysis: for every corpus Dockerfile, analysis alone vs analysis + estimate, in the same run.
// Run: node --import tsx bench/size-estimate.ts
import { analyzeDockerfile } from '../server/src/analysis/dockerfile/analyze';
import { buildContext } from '../server/src/analysis/dockerfile/context';
import { resolveSettings } from '../server/src/analysis/engine/types';
import { estimateImage } from '../server/src/analysis/size/estimate';
import type { ContextIndex, SizeLookup, SizeSource } from '../server/src/analysis/size/types';
import { canonicalRef } from '../server/src/analysis/size/catalog';
import { corpusFiles } from '../test/corpus-files';
import { median, percentile, timeRuns, ms } from './stats';

const files = corpusFiles('dockerfile');
// A warm catalog: every base image already answered (what the server holds after the first lookup).
const warm: SizeSource = {
  lookup(ref, platform): SizeLookup {
    return { state: 'known', facts: { ref: canonicalRef(ref), platform, compressedBytes: 30e6, uncompressedBytes: 80e6, platforms: ['linux/amd64', 'linux/arm64'], source: 'bench', date: '2026-01-01' } };
  },
};
const context: ContextIndex = { root: '/ctx', files: Array.from({ length: 5000 }, (_, i) => ({ path: `src/m${i % 50}/f${i}.ts`, size: 1000 + i })).sort((a, b) => (a.path < b.path ? -1 : 1)), totalBytes: 0, ignoredFiles: 0 };
context.totalBytes = context.files.reduce((n, f) => n + f.size, 0);
const settings = resolveSettings();

const analysis = files.map((f) => median(timeRuns(() => analyzeDockerfile(f.text), 20, 5)));
const withEstimate = files.map((f) =>
  median(
    timeRuns(() => {
      analyzeDockerfile(f.text);
      const ctx = buildContext(f.text, settings, {}, () => undefined);
      estimateImage({ stages: ctx.stages, targetPlatform: 'linux/arm64', sizes: warm, context, resolve: ctx.resolve });
    }, 20, 5),
  ),
);
// The estimate alone on an already parsed view (what the editor's hints add: the parse is shared).
const estimateOnly = files.map((f) => {
  const ctx = buildContext(f.text, settings, {}, () => undefined);
  return median(timeRuns(() => estimateImage({ stages: ctx.stages, targetPlatform: 'linux/arm64', sizes: warm, context, resolve: ctx.resolve }), 50, 5));
});
const added = withEstimate.map((w, i) => w - analysis[i]);
process.stdout.write(`size estimate over ${files.length} corpus Dockerfiles (median per file)\n`);
process.stdout.write(`  analysis alone:               p50 ${ms(median(analysis))}  p95 ${ms(percentile(analysis, 95))}\n`);
process.stdout.write(`  analysis + parse + estimate:  p50 ${ms(median(withEstimate))}  p95 ${ms(percentile(withEstimate, 95))}\n`);
process.stdout.write(`  estimate on a parsed file:    p50 ${ms(median(estimateOnly))}  p95 ${ms(percentile(estimateOnly, 95))}  max ${ms(Math.max(...estimateOnly))}  (target < 1 ms)\n`);
process.stdout.write(`  added to analysis incl. its own parse: p50 ${ms(median(added))}  ratio ${(median(withEstimate) / median(analysis)).toFixed(2)}x\n`);
