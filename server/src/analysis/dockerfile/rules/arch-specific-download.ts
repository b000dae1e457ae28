import type { Instruction } from 'dockerfile-ast';
import { defineRule, type Range } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import { commandsNamed } from '../helpers';
import { unwrap, hasFlag, positionals } from '../shell';
import { armTargets, isWindowsStage, isX86Platform, onBuildPlatform, stagesReachingFinal } from '../edge-helpers';

// An x86 architecture named as its own token in a URL's path or file name.
const X86_TOKEN = /(?:^|[^a-z0-9])(amd64|x86[_-]64|x64|linux64|i[36]86|linux[-_]386)(?=$|[^a-z0-9])/i;

export default defineRule<DockerfileContext>({
  id: 'arch-specific-download',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: false,
    docs: 'A download that names an x86 build puts an x86 binary into the ARM image: the build may pass, and the device fails with "exec format error".',
  },
  check(ctx) {
    const targets = armTargets(ctx);
    if (!targets.length) return;
    for (const stage of stagesReachingFinal(ctx)) {
      // Stages on the build machine, pinned to x86 (platform-hardcoded-x86) or on Windows are not for the device.
      if (onBuildPlatform(ctx, stage) || isWindowsStage(ctx, stage)) continue;
      if (ctx.lineage(stage).some((s) => s.platform !== undefined && isX86Platform(s.platform))) continue;
      const report = (range: Range, url: string, token: string) =>
        ctx.report({
          range,
          message: `Downloads an x86 build ('${token}' in ${shortUrl(url)}) into an image for ${targets.join(', ')} with no architecture detection: the device fails with "exec format error"; use \${TARGETARCH} (with ARG TARGETARCH) or detect the architecture.`,
        });
      // URLs first: detection is only looked for when an x86 download is there.
      for (const run of stage.runs) {
        const hits = downloadUrls(ctx, run).flatMap(({ url, range }) => {
          const token = x86Token(url);
          return token ? [{ url, range, token }] : [];
        });
        if (hits.length && !detectsArch(ctx, run)) for (const h of hits) report(h.range, h.url, h.token);
      }
      for (const inst of stage.instructions) {
        if (inst.getKeyword() !== 'ADD') continue;
        for (const a of inst.getArguments().slice(0, -1)) {
          const v = a.getValue();
          const url = v.includes('$') ? ctx.resolve(v, inst).value : v;
          const token = /^[a-z]+:\/\//i.test(url) ? x86Token(url) : undefined;
          if (token && !mentionsArchVariable(ctx, inst)) report(a.getRange(), url, token);
        }
      }
    }
  },
});

/** URLs a RUN downloads with curl or wget, after ARG/ENV substitution, including `url=...; curl "$url"`. */
function downloadUrls(ctx: DockerfileContext, run: RunInfo): Array<{ url: string; range: Range }> {
  const out: Array<{ url: string; range: Range }> = [];
  const fetchers = commandsNamed(ctx, ['curl', 'wget'], [run]).map((f) => f.cmd);
  // Substitution walks the stage's ARG/ENV; most words have nothing to substitute.
  const resolve = (v: string, at: Instruction) => (v.includes('$') ? ctx.resolve(v, at).value : v);
  for (const cmd of fetchers) {
    for (const w of positionals(cmd)) {
      const url = resolve(w.value, run.instruction);
      if (/^[a-z]+:\/\//i.test(url)) out.push({ url, range: w.range });
    }
  }
  // Shell variables holding a URL that a fetcher then uses.
  const assigns = new Map([...run.shell.assigns, ...run.shell.commands.flatMap((c) => c.assigns)].map((a) => [`${a.range.start.line}:${a.range.start.character}`, a]));
  for (const a of assigns.values()) {
    const url = resolve(a.value, run.instruction);
    if (!/^[a-z]+:\/\//i.test(url)) continue;
    const used = new RegExp(`\\$\\{?${a.name}\\b`);
    if (fetchers.some((c) => c.args.some((w) => used.test(w.raw)))) out.push({ url, range: a.range });
  }
  return out;
}

/** The x86 token in a URL's path, if any (the host name is not looked at). */
function x86Token(url: string): string | undefined {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  return X86_TOKEN.exec(path)?.[1];
}

/**
 * Architecture detection in the RUN: a platform ARG, `dpkg --print-architecture`, `uname -m`,
 * `apk --print-arch`, `arch`, or any expansion of a variable named like `arch` (a `case "$arch"`).
 */
function detectsArch(ctx: DockerfileContext, run: RunInfo): boolean {
  if (mentionsArchVariable(ctx, run.instruction)) return true;
  return run.shell.commands.some((c) => {
    const u = unwrap(c);
    switch (u.name) {
      case 'dpkg':
        return hasFlag(u, '--print-architecture');
      case 'dpkg-architecture':
      case 'arch':
        return true;
      case 'uname':
        return hasFlag(u, '-m', '-p', '-a', '--machine');
      case 'apk':
        return hasFlag(u, '--print-arch');
      case 'rpm':
        return hasFlag(u, '--eval');
      default:
        return false;
    }
  });
}

/**
 * True when the instruction expands TARGETARCH/TARGETPLATFORM or a variable named like an
 * architecture (`$arch`, `$dpkgArch`, `${GOARCH}`), unless an ENV/ARG fixes that variable to x86.
 */
function mentionsArchVariable(ctx: DockerfileContext, inst: Instruction): boolean {
  const text = ctx.textOf(inst.getRange());
  for (const m of text.matchAll(/\$\{?([A-Za-z0-9_]*(?:ARCH|Arch)[A-Za-z0-9_]*|(?:[A-Za-z0-9]*_)?arch[A-Za-z0-9_]*|TARGETPLATFORM|TARGETVARIANT)\b/g)) {
    const v = ctx.resolve('${' + m[1] + '}', inst);
    if (!v.complete || !isX86Platform(v.value)) return true;
  }
  return false;
}

/** A URL short enough for a message: its file name, or the last path segment. */
function shortUrl(url: string): string {
  const path = url.replace(/[?#].*$/, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name ? `'${name}'` : `'${url}'`;
}
