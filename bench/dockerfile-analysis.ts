// Full Dockerfile analysis (all rules) over the corpus and a generated 3,000-line file, against
// dockerfile-utils' validate on the same texts in the same process.
// Run: node --import tsx bench/dockerfile-analysis.ts
import { validate } from 'dockerfile-utils';
import { analyzeDockerfile } from '../server/src/analysis/dockerfile/analyze';
import { dockerfileRules } from '../server/src/analysis/dockerfile/rules';
import { corpusFiles } from '../test/corpus-files';
import { median, percentile, timeRuns, ms } from './stats';

const files = corpusFiles('dockerfile');
const REPS = 30;

function perFile(fn: (text: string) => void): number[] {
  // For each file: the median of REPS runs (after warm-up), so one GC pause does not make a p95.
  return files.map((f) => median(timeRuns(() => fn(f.text), REPS, 5)));
}

/** A realistic long Dockerfile: many stages and RUNs with continuations. */
export function generateDockerfile(lines: number): string {
  const out: string[] = ['# syntax=docker/dockerfile:1', 'ARG BASE=debian:12-slim'];
  let stage = 0;
  while (out.length < lines) {
    out.push(`FROM --platform=$BUILDPLATFORM \${BASE} AS s${stage}`, 'ARG TARGETARCH', `WORKDIR /src/s${stage}`);
    out.push('RUN set -eux; \\', '    apt-get update; \\', '    apt-get install -y --no-install-recommends ca-certificates curl gcc libc6-dev; \\', '    rm -rf /var/lib/apt/lists/*');
    out.push(`COPY --chown=1000:1000 app${stage}/ ./`, `ENV PATH=/opt/s${stage}/bin:$PATH LANG=C.UTF-8`);
    out.push(`RUN curl -fsSL -o /tmp/x.tgz "https://example.com/x-\${TARGETARCH}.tgz" && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz`);
    if (stage > 0) out.push(`COPY --from=s${stage - 1} /opt /opt`);
    out.push('RUN make -j2 && make install', 'EXPOSE 8080', 'USER 1000');
    stage++;
  }
  out.push('HEALTHCHECK CMD ["/app", "health"]', 'CMD ["/app"]');
  return out.slice(0, lines).join('\n') + '\n';
}

const pier = perFile((t) => analyzeDockerfile(t, { files: { dockerignore: null } }));
const base = perFile((t) => validate(t));
const big = generateDockerfile(3000);
const bigPier = timeRuns(() => analyzeDockerfile(big, { files: { dockerignore: null } }), 15, 3);
const bigBase = timeRuns(() => validate(big), 15, 3);

const row = (name: string, p: number[], b: number[]) =>
  `${name.padEnd(26)} pier ${ms(median(p)).padStart(10)} / p95 ${ms(percentile(p, 95)).padStart(10)}   dockerfile-utils ${ms(median(b)).padStart(10)} / p95 ${ms(percentile(b, 95)).padStart(10)}   ratio(p95) ${(percentile(p, 95) / percentile(b, 95)).toFixed(2)}x`;
console.log(`Dockerfile analysis: ${dockerfileRules.length} rules, ${files.length} corpus files, node ${process.version}`);
console.log(row('corpus, per file', pier, base));
console.log(row('generated 3,000 lines', bigPier, bigBase));
console.log(`targets: corpus p95 < 2 ms (${percentile(pier, 95) < 2 ? 'met' : 'MISSED'}), 3,000 lines < 30 ms (${median(bigPier) < 30 ? 'met' : 'MISSED'}), <= 2x baseline (${percentile(pier, 95) / percentile(base, 95) <= 2 ? 'met' : 'MISSED'})`);
