import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { hasFlag, positionals, subcommand, type ShellCommand } from '../shell';
import { appendCommandFix, cacheMounted, commandHead, optional, removedLater, runCommands, shippedRuns } from '../size-helpers';

/** npm's cache (`~/.npm`), yarn 1's (`~/.cache/yarn`, `/usr/local/share/.cache/yarn` for root), yarn berry's global one. */
const CACHES = ['~/.npm', '~/.cache/yarn', '/usr/local/share/.cache/yarn', '~/.yarn/berry/cache'];

/** Which manager fills a cache with this command, or undefined. */
function installer(cmd: ShellCommand): 'npm' | 'yarn' | undefined {
  const sub = subcommand(cmd);
  if (cmd.name === 'npm') return ['install', 'i', 'ci', 'add', 'isntall', 'install-clean', 'update'].includes(sub ?? '') ? 'npm' : undefined;
  if (cmd.name === 'yarn') {
    // Bare `yarn` (flags only) is `yarn install`; `yarn global add` installs too.
    if (sub === undefined || sub === 'install' || sub === 'add') return 'yarn';
    if (sub === 'global' && positionals(cmd)[1]?.value === 'add') return 'yarn';
  }
  return undefined;
}

/** True when a command empties the manager's cache (`npm cache clean --force`, `yarn cache clean`). */
function cleans(cmd: ShellCommand, manager: 'npm' | 'yarn'): boolean {
  if (cmd.name !== manager || subcommand(cmd) !== 'cache') return false;
  const op = positionals(cmd)[1]?.value;
  // npm before 5 spelt it `npm cache clear`.
  return op === 'clean' || op === 'clear';
}

const CLEAN = { npm: 'npm cache clean --force', yarn: 'yarn cache clean' } as const;

export default defineRule<DockerfileContext>({
  id: 'node-package-cache',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3060',
    fixable: true,
    docs: "npm and yarn keep a copy of every downloaded package in their cache; left in a layer it often outweighs node_modules itself.",
  },
  check(ctx) {
    for (const run of shippedRuns(ctx)) {
      if (run.exec || cacheMounted(run, CACHES)) continue;
      const cmds = runCommands(run);
      for (const manager of ['npm', 'yarn'] as const) {
        // One finding per RUN and manager, on its last install: one clean at the end covers all.
        const installs = cmds.filter((c) => installer(c) === manager);
        const last = installs[installs.length - 1];
        if (!last) continue;
        // `npm install --cache /tmp/x` or a yarn cache folder elsewhere: the author chose where it goes.
        if (hasFlag(last, '--cache', '--cache-folder')) continue;
        if (cmds.some((c) => c.start > last.start && cleans(c, manager))) continue;
        if (removedLater(run, last.start, CACHES)) continue;
        const clean = CLEAN[manager];
        ctx.report({
          range: commandHead(last),
          message: `${last.name} ${subcommand(last) ?? 'install'}${subcommand(last) === 'global' ? ' add' : ''} leaves its package cache in this layer, often as large as node_modules; run \`${clean}\` in the same RUN.`,
          fixes: optional(appendCommandFix(ctx, run, clean, `Append \`${clean}\` to this RUN`)),
        });
      }
    }
  },
});
