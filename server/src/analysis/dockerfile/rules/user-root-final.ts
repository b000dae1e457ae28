import type { Instruction } from 'dockerfile-ast';
import { defineRule, type Fix, type Position } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { insertAt } from '../helpers';
import {
  baseUser,
  chownUser,
  createdAccounts,
  dropsPrivileges,
  effectiveCommands,
  isRootSpec,
  minimalBase,
  userInEffect,
  type ContainerCommand,
} from '../security-helpers';

/** Servers that start as root to bind ports and read keys, and serve requests from workers they drop to another user. */
const SELF_DROPPING = /^(nginx|openresty|httpd|apache2|apache2-foreground|httpd-foreground|php-fpm[0-9.]*)$/;

/** Shells and interpreters whose bare prompt as the command marks a toolbox or base image. */
const INTERACTIVE = /^(sh|bash|ash|dash|zsh|fish|ksh|python[0-9.]*|node|nodejs|irb|ruby|php|perl[0-9.]*|jshell|ghci|iex|erl|lua[0-9.]*|R|julia|pwsh|powershell|cmd|bun|deno)$/;

export default defineRule<DockerfileContext>({
  id: 'user-root-final',
  meta: {
    category: 'security',
    severity: 'warning',
    hadolint: 'DL3002',
    fixable: true,
    docs: 'An app running as root in the container is one kernel bug away from root on the device; run it as an unprivileged user.',
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return;
    const last = userInEffect(ctx, final);
    if (!last.known) return;
    if (last.inst) {
      if (!isRootSpec(last.spec ?? '')) return;
      if (dropsPrivileges(ctx, final)) return;
      ctx.report({
        range: last.inst.getArgumentsRange() ?? last.inst.getRange(),
        message: 'The last USER of the final image is root, so the app runs as root and a compromise of it controls the whole container.',
        fixes: [fixFor(ctx, final, last.inst)],
      });
      return;
    }
    // No USER anywhere: only an application image is worth a finding; base images stay root on purpose.
    const { cmd, entrypoint } = effectiveCommands(ctx, final);
    const run = entrypoint ?? cmd;
    if (!run || isBaseImage(ctx, final, entrypoint, cmd)) return;
    const base = baseUser(ctx, final);
    if (base === 'non-root') return;
    ctx.report({
      range: run.inst.getInstructionRange(),
      severity: base === 'root' ? undefined : 'info',
      message:
        base === 'root'
          ? 'No USER is set, so this command runs as root (the base image\'s default); a compromise of the app controls the whole container.'
          : 'No USER is set, so this command runs as the base image\'s user, which is root unless that image chose otherwise.',
      fixes: [fixFor(ctx, final)],
    });
  },
});

/** Signs that the Dockerfile builds a base or toolbox image meant to be extended, not an app. */
function isBaseImage(ctx: DockerfileContext, final: Stage, entrypoint?: ContainerCommand, cmd?: ContainerCommand): boolean {
  const lineage = ctx.lineage(final);
  if (lineage.some((s) => s.instructions.some((i) => i.getKeyword() === 'ONBUILD'))) return true;
  // `CMD ["python3"]`, `CMD ["bash"]`: a prompt for people who derive from or explore the image.
  const words = argv(entrypoint, cmd);
  if (isInteractive(words)) return true;
  if (words.length && SELF_DROPPING.test(words[0].slice(words[0].lastIndexOf('/') + 1))) return true;
  if (dropsPrivileges(ctx, final)) return true;
  // A system account created and never switched to is one a daemon drops to itself (nginx, redis).
  return createdAccounts(ctx, final).some((a) => a.daemon);
}

/** What the container runs: ENTRYPOINT and CMD together, with a `docker-entrypoint.sh` wrapper left out. */
function argv(entrypoint?: ContainerCommand, cmd?: ContainerCommand): string[] {
  if (!entrypoint) return cmd?.words ?? [];
  // A shell-form ENTRYPOINT ignores CMD.
  const rest = entrypoint.exec ? (cmd?.words ?? []) : [];
  return isEntrypointScript(entrypoint) ? rest : [...entrypoint.words, ...rest];
}

/** `docker-entrypoint.sh`-style wrappers pass control to CMD; the CMD says what the image is. */
function isEntrypointScript(c: ContainerCommand): boolean {
  const first = c.words[0] ?? '';
  return /entrypoint/i.test(first.slice(first.lastIndexOf('/') + 1)) || first === 'tini' || first.endsWith('/tini') || first === 'dumb-init' || first.endsWith('/dumb-init');
}

function isInteractive(words: string[]): boolean {
  if (!words.length) return false;
  const name = words[0].slice(words[0].lastIndexOf('/') + 1);
  return INTERACTIVE.test(name) && words.slice(1).every((w) => w.startsWith('-') && w !== '-c' && w !== '-e' && w !== '-m');
}

/** The user to switch to: an account the Dockerfile made, else a numeric or well-known unprivileged one. */
function pickUser(ctx: DockerfileContext, final: Stage): string {
  const made = createdAccounts(ctx, final).filter((a) => !a.daemon);
  if (made.length) return made[made.length - 1].name;
  // `COPY --chown=node:node` already names the user the app is meant to run as.
  const owner = chownUser(ctx, final);
  if (owner) return owner;
  const root = ctx.lineage(final)[0].ref;
  if (root?.registry === 'docker.io' && root.repository === 'node') return 'node';
  // scratch and distroless have no shell and no `nobody` line to look up everywhere; a number always works.
  return minimalBase(ctx, final) ? '65532:65532' : 'nobody';
}

/**
 * Switch user after the last RUN (so the build keeps its root steps) and before the command that
 * starts the app; when a trailing `USER root` has nothing after it that needs root, rewrite it.
 */
function fixFor(ctx: DockerfileContext, final: Stage, rootUser?: Instruction): Fix {
  const user = pickUser(ctx, final);
  const insts = final.instructions;
  const lastRun = findLastIndex(insts, (i) => i.getKeyword() === 'RUN' || i.getKeyword() === 'USER');
  if (rootUser && lastRun >= 0 && insts.indexOf(rootUser) === lastRun && rootUser.getArgumentsRange()) {
    return { title: `Run as ${user} instead of root`, edits: [{ range: rootUser.getArgumentsRange()!, newText: user }] };
  }
  const before = insts.findIndex((i, k) => k > lastRun && (i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT'));
  let at: Position;
  let text: string;
  if (before >= 0) {
    at = { line: insts[before].getRange().start.line, character: 0 };
    text = `USER ${user}\n`;
  } else {
    const tail = insts.length ? insts[insts.length - 1] : final.from;
    at = tail.getRange().end;
    text = `\nUSER ${user}`;
  }
  return { title: `Run as ${user}: add USER ${user}`, edits: [insertAt(at, text)] };
}

function findLastIndex<T>(xs: T[], p: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (p(xs[i])) return i;
  return -1;
}
