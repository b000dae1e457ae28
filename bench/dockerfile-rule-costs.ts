// What each Dockerfile rule costs, as a ratio to building the analysis context (parsing the file
// and every RUN) on the same texts in the same process: the corpus, and a generated 3,000-line file.
// The context build is timed with RUN scripts from the shell parse cache (as in an editor) and
// with the cache cleared (a file's first analysis); rules always read cached parses.
// Run: node --import tsx bench/dockerfile-rule-costs.ts [rule-id-prefix...]
// Numbers move with the machine's load; the ratios are what to compare between runs.
import { loadavg } from 'node:os';
import { buildContext } from '../server/src/analysis/dockerfile/context';
import { dockerfileRules } from '../server/src/analysis/dockerfile/rules';
import { clearShellCache } from '../server/src/analysis/dockerfile/shell';
import { resolveSettings } from '../server/src/analysis/engine/types';
import { corpusFiles } from '../test/corpus-files';
import { median, ms } from './stats';

const settings = resolveSettings({});

/** A long multi-stage file with what the rules look at: platforms, downloads, compiles, copies between stages. */
function generate(lines: number): string {
  const out = ['# syntax=docker/dockerfile:1', 'ARG BASE=debian:12-slim', 'ARG GO=golang:1.22'];
  const tail = ['FROM scratch', 'COPY --from=s1 /out/app /app', 'HEALTHCHECK CMD ["/app", "health"]', 'ENTRYPOINT ["/app"]'];
  for (let i = 0; out.length < lines - tail.length; i++) {
    out.push(i % 2 ? `FROM --platform=$BUILDPLATFORM \${GO} AS s${i}` : `FROM \${BASE} AS s${i}`, 'ARG TARGETOS TARGETARCH', `WORKDIR /src/s${i}`);
    out.push('RUN set -eux; \\', '    apt-get update; \\', '    apt-get install -y --no-install-recommends ca-certificates curl gcc; \\', '    rm -rf /var/lib/apt/lists/*');
    out.push(`RUN curl -fsSL -o /tmp/t.tgz "https://example.com/t-\${TARGETARCH}.tgz" && tar -xzf /tmp/t.tgz -C /opt`);
    out.push(i % 2 ? 'RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .' : 'RUN make -j2 && make install');
    if (i > 0) out.push(`COPY --from=s${i - 1} /opt /opt`);
    out.push('ENV PATH=/opt/bin:$PATH', 'EXPOSE 8080', 'CMD app --serve');
  }
  return [...out.slice(0, lines - tail.length), ...tail].join('\n') + '\n';
}
const only = process.argv.slice(2);
const rules = dockerfileRules.filter((r) => !only.length || only.some((p) => r.id.startsWith(p)));

/** Per text: the median over `reps` runs of building a context and of each rule's check on it. */
function measure(texts: string[], reps: number): { ctx: number; ctxCold: number; perRule: Map<string, number> } {
  const ctxTimes: number[] = [];
  const ctxColdTimes: number[] = [];
  const ruleTimes = new Map<string, number[]>(rules.map((r) => [r.id, []]));
  for (let rep = 0; rep < reps; rep++) {
    let ctxSum = 0;
    let ctxColdSum = 0;
    const sums = new Map<string, number>();
    for (const text of texts) {
      // Each rule gets a fresh context, so caches one rule fills do not hide another's cost.
      const fresh = () => buildContext(text, settings, { dockerignore: null }, () => {});
      // RUN scripts are parsed when first read: read them all, as the rules will.
      const built = () => fresh().runs.forEach((r) => r.shell);
      clearShellCache();
      const t0 = performance.now();
      built();
      ctxColdSum += performance.now() - t0;
      const t1 = performance.now();
      built();
      ctxSum += performance.now() - t1;
      for (const r of rules) {
        const ctx = fresh();
        ctx.runs.forEach((x) => x.shell);
        const t2 = performance.now();
        r.check(ctx);
        sums.set(r.id, (sums.get(r.id) ?? 0) + performance.now() - t2);
      }
    }
    ctxTimes.push(ctxSum / texts.length);
    ctxColdTimes.push(ctxColdSum / texts.length);
    for (const r of rules) ruleTimes.get(r.id)!.push(sums.get(r.id)! / texts.length);
  }
  return { ctx: median(ctxTimes), ctxCold: median(ctxColdTimes), perRule: new Map([...ruleTimes].map(([id, v]) => [id, median(v)])) };
}

const corpus = measure(corpusFiles('dockerfile').map((f) => f.text), 5);
const big = measure([generate(3000)], 5);
console.log(`Dockerfile rule costs: ${rules.length} rules, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ratio = rule / context build (cached RUN parses) on the same texts`);
console.log(`${'context build'.padEnd(30)} corpus ${ms(corpus.ctx).padStart(10)} per file   3,000 lines ${ms(big.ctx).padStart(10)}`);
console.log(`${'context build, cache cleared'.padEnd(30)} corpus ${ms(corpus.ctxCold).padStart(10)} ${(corpus.ctxCold / corpus.ctx).toFixed(3)}x   3,000 lines ${ms(big.ctxCold).padStart(10)} ${(big.ctxCold / big.ctx).toFixed(3)}x`);
for (const r of [...rules].sort((a, b) => corpus.perRule.get(b.id)! - corpus.perRule.get(a.id)!)) {
  const c = corpus.perRule.get(r.id)!;
  const b = big.perRule.get(r.id)!;
  console.log(`${r.id.padEnd(30)} corpus ${ms(c).padStart(10)} ${(c / corpus.ctx).toFixed(3)}x   3,000 lines ${ms(b).padStart(10)} ${(b / big.ctx).toFixed(3)}x`);
}
