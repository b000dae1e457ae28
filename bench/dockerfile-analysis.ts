// Full Dockerfile analysis (all rules) over the corpus and a generated 3,000-line file, against
// dockerfile-utils' validate on the same texts in the same process: warm (an editor re-analysing
// a file whose RUNs it has parsed before) and cold (the shell parse cache cleared first).
// Run: node --import tsx bench/dockerfile-analysis.ts [--reps N]
import { loadavg } from 'node:os';
import { validate } from 'dockerfile-utils';
import { analyzeDockerfile } from '../server/src/analysis/dockerfile/analyze';
import { dockerfileRules } from '../server/src/analysis/dockerfile/rules';
import { clearShellCache } from '../server/src/analysis/dockerfile/shell';
import { corpusFiles } from '../test/corpus-files';
import { median, percentile, ms } from './stats';

const files = corpusFiles('dockerfile');
const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 20;

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

const pier = (t: string) => analyzeDockerfile(t, { files: { dockerignore: null } });
const modes = {
  warm: pier,
  cold: (t: string) => {
    clearShellCache();
    pier(t);
  },
  base: (t: string) => validate(t),
};
type Mode = keyof typeof modes;
const names = Object.keys(modes) as Mode[];

/**
 * Per text, the median of `reps` runs of each mode after warm-up, in wall time and in this
 * process's CPU time (which a loaded machine inflates less). The modes take turns run by run (in a
 * rotating order), so a change in the machine's load hits Pier and the baseline alike.
 */
function measure(texts: string[], reps: number, warmup: number): Record<'wall' | 'cpu', Record<Mode, number[]>> {
  const out = { wall: { warm: [], cold: [], base: [] }, cpu: { warm: [], cold: [], base: [] } } as Record<'wall' | 'cpu', Record<Mode, number[]>>;
  for (const text of texts) {
    const wall = { warm: [], cold: [], base: [] } as Record<Mode, number[]>;
    const cpu = { warm: [], cold: [], base: [] } as Record<Mode, number[]>;
    for (let r = 0; r < warmup + reps; r++) {
      for (let k = 0; k < names.length; k++) {
        const mode = names[(r + k) % names.length];
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        modes[mode](text);
        const t = performance.now() - t0;
        const c = process.cpuUsage(c0);
        if (r >= warmup) {
          wall[mode].push(t);
          cpu[mode].push((c.user + c.system) / 1000);
        }
      }
    }
    for (const m of names) {
      out.wall[m].push(median(wall[m]));
      out.cpu[m].push(median(cpu[m]));
    }
  }
  return out;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();
const corpus = measure(
  files.map((f) => f.text),
  REPS,
  3,
);
const big = measure([generateDockerfile(3000)], REPS, 2);

const stat = (v: number[]) => `${ms(median(v)).padStart(9)} / p95 ${ms(percentile(v, 95)).padStart(9)}`;
const ratio = (p: number[], b: number[]) => `ratio p95 ${(percentile(p, 95) / percentile(b, 95)).toFixed(2)}x, median ${(median(p) / median(b)).toFixed(2)}x`;
console.log(`Dockerfile analysis: ${dockerfileRules.length} rules, ${files.length} corpus files, ${REPS} runs each, node ${process.version}, load ${loadBefore} -> ${load()}`);
for (const [name, m] of [['corpus, per file', corpus], ['generated 3,000 lines', big]] as const) {
  for (const clock of ['wall', 'cpu'] as const) {
    const t = m[clock];
    console.log(`${name} (${clock === 'wall' ? 'wall time' : 'CPU time'}): dockerfile-utils ${stat(t.base)}`);
    console.log(`  pier warm ${stat(t.warm)}   ${ratio(t.warm, t.base)}`);
    console.log(`  pier cold ${stat(t.cold)}   ${ratio(t.cold, t.base)}`);
  }
}
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
const within2x = (p: number[], b: number[]) => percentile(p, 95) / percentile(b, 95) <= 2;
const w = corpus.wall;
console.log(
  `targets (wall time): corpus p95 < 2 ms (warm ${met(percentile(w.warm, 95) < 2)}, cold ${met(percentile(w.cold, 95) < 2)}), ` +
    `3,000 lines < 30 ms (warm ${met(median(big.wall.warm) < 30)}, cold ${met(median(big.wall.cold) < 30)}), ` +
    `<= 2x baseline at p95 (warm ${met(within2x(w.warm, w.base))}, cold ${met(within2x(w.cold, w.base))})`,
);
