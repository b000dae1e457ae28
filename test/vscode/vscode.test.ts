// Pier in a real VS Code extension host: code-server's workbench in headless Chromium, driven
// through @vscode/test-electron with a stand-in executable (test/vscode-host). The set-up is
// installed from npm on first use and cached outside the repository (about 100 s and 630 MB the
// first time); when it cannot be installed the test fails, it is never skipped for that.
//
// Runs: the suites in test/vscode/suite inside the host (activation, diagnostics, edit, quick
// fix, lab device in the view, code lens, deploy), then a restricted-mode workbench checked from
// the page (analysis works, deploy is nowhere). PIER_SCREENSHOTS=media writes the deploy and
// logs screenshots into media/screenshots for the README; otherwise into a temporary folder.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useLab } from '../lab/harness';
import { buildSuite } from './build-suite';

/** The little of playwright-core's Page the restricted-mode check uses (its types live in the host's packages). */
interface Page {
  keyboard: { press(key: string): Promise<void> };
  locator(sel: string): { first(): { click(o: object): Promise<void> } };
  waitForSelector(sel: string, o: object): Promise<unknown>;
  $$eval<R>(sel: string, fn: (els: Array<{ textContent: string | null; getAttribute(n: string): string | null }>) => R): Promise<R>;
}

const root = resolve(__dirname, '..', '..');
const hostDir = join(root, 'test', 'vscode-host');
const lab = useLab({ devices: 1 });

/** The fixture workspace: the examples, and a Dockerfile with findings. */
function makeWorkspace(dir: string): void {
  for (const ex of ['http-service', 'sensor-publisher', 'station']) cpSync(join(root, 'examples', ex), join(dir, ex), { recursive: true });
  mkdirSync(join(dir, 'lint'));
  writeFileSync(join(dir, 'lint', 'Dockerfile'), 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n');
  mkdirSync(join(dir, '.vscode'));
  // The user's ~/.ssh/config is none of the tests' business.
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'pier.sshConfig.importHosts': false }));
}

async function host(): Promise<{ ensureHost(): Promise<{ modules: string; dir: string }>; runHost(o: object): Promise<{ code: number; logs: string[] }>; paletteRows(page: unknown, text: string): Promise<string[]> }> {
  const setup = await import(pathToFileURL(join(hostDir, 'setup.mjs')).href);
  const run = await import(pathToFileURL(join(hostDir, 'run-host.mjs')).href);
  return { ensureHost: setup.ensureHost, runHost: run.runHost, paletteRows: run.paletteRows };
}

function needBundles(): void {
  for (const b of ['extension.js', 'server.js']) assert.ok(existsSync(join(root, 'dist', b)), `dist/${b} is missing: run npm run build first (npm test does)`);
}

test('VS Code extension host: activation, diagnostics, quick fix, devices view, code lens, deploy', { skip: lab.skip, timeout: 20 * 60_000 }, async () => {
  needBundles();
  const h = await host();
  const paths = await h.ensureHost();
  const tmp = mkdtempSync(join(tmpdir(), 'pier-vscode-test-'));
  try {
    const ws = join(tmp, 'ws');
    mkdirSync(ws);
    makeWorkspace(ws);
    const replies = join(tmp, 'replies');
    mkdirSync(replies);
    const shots = process.env.PIER_SCREENSHOTS === 'media' ? join(root, 'media', 'screenshots') : join(tmp, 'shots');
    mkdirSync(shots, { recursive: true });
    const suite = join(tmp, 'suite', 'index.js');
    await buildSuite(suite, { harnessDir: replies, hostModules: paths.modules, shotsDir: shots });
    const { runTests } = createRequire(join(paths.modules, 'noop.js'))('@vscode/test-electron') as { runTests(o: Record<string, unknown>): Promise<number> };
    let code: number;
    try {
      code = await runTests({
        vscodeExecutablePath: join(hostDir, 'stand-in.mjs'),
        extensionDevelopmentPath: root,
        extensionTestsPath: suite,
        launchArgs: [ws],
        extensionTestsEnv: { PIER_HARNESS_DIR: replies },
      });
    } catch (e) {
      // test-electron rejects on a non-zero exit; the stand-in printed the host's report above.
      assert.fail(`the extension host tests failed: ${(e as Error).message}`);
    }
    assert.equal(code, 0);
    // The deploy -> logs suite test took these (media/screenshots with PIER_SCREENSHOTS=media).
    for (const f of ['deploy.png', 'logs.png']) {
      const png = readFileSync(join(shots, f));
      assert.equal(png.subarray(1, 4).toString(), 'PNG', `${f} is a PNG`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('VS Code restricted mode: analysis still works, deploy is hidden', { timeout: 10 * 60_000 }, async () => {
  needBundles();
  const h = await host();
  await h.ensureHost();
  const tmp = mkdtempSync(join(tmpdir(), 'pier-vscode-restricted-'));
  try {
    makeWorkspace(tmp);
    const { code, logs } = await h.runHost({
      folder: tmp,
      extensionPath: root,
      trust: false,
      timeoutMs: 240_000,
      log: () => undefined,
      ui: async (page: Page) => {
        // Open lint/Dockerfile from the Explorer, as a person would.
        await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="lint"]').first().click({ timeout: 60_000 });
        await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="Dockerfile"]').first().click({ timeout: 30_000 });
        // Analysis works untrusted: the server's squiggles appear on the apt-get line.
        await page.waitForSelector('.squiggly-warning', { timeout: 90_000 });
        const lenses = await page.$$eval('.codelens-decoration', (els) => els.map((e) => e.textContent ?? ''));
        assert.ok(!lenses.some((l) => /Deploy/.test(l)), `no deploy lens in restricted mode: ${lenses.join(' | ')}`);
        const deploy = await h.paletteRows(page, 'Pier: Deploy');
        assert.ok(!deploy.some((r) => /Pier: Deploy\b/.test(r)), `Pier: Deploy is hidden: ${deploy.join(' | ')}`);
        const size = await h.paletteRows(page, 'Pier: Show Image Size');
        assert.ok(size.some((r) => /Pier: Show Image Size Breakdown/.test(r)), `other Pier commands stay: ${size.join(' | ')}`);
        const title = await page.$$eval('.editor-actions .action-label', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        assert.ok(!title.some((t) => /Deploy/.test(t)), `no deploy button in the title bar: ${title.join(' | ')}`);
      },
    }).catch((e: Error & { logs?: string[] }) => {
      throw new Error(`${e.message}\n${(e.logs ?? []).slice(-40).join('\n')}`);
    });
    assert.equal(code, 0, logs.slice(-40).join('\n'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
