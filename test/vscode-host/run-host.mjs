// One run of the real extension host: code-server (VS Code's server and web workbench) under
// Node 24 on a free loopback port, the workbench opened in headless Chromium with the extension
// under development (and, when given, a test module that the extension host runs), and the exit
// code reported back by the workbench. While it runs, the extension host can ask the harness for
// things only the page can do (a screenshot, the Command Palette's rows) by printing a request
// line; the harness answers by writing a reply file the test waits for.
//
// Everything it starts is in its own process group and is killed as a group at the end.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { hostPaths } from './setup.mjs';

/** The prefix of a request line printed by a test inside the extension host. */
export const REQUEST = 'PIER_HARNESS ';

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-quic'];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Chromium: Debian's when installed (faster to start), else the one @sparticuz/chromium unpacks. */
async function chromiumPath(modules) {
  for (const p of [process.env.PIER_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  const req = createRequire(join(modules, 'noop.js'));
  const mod = await import(req.resolve('@sparticuz/chromium'));
  return (mod.default ?? mod).executablePath();
}

/**
 * Run the workbench once. Resolves with { code, logs } when the test module ended the run (its
 * exit code), or when `ui` returned (0) or threw (1). Rejects when the host does not come up.
 * o: { folder, extensionPath, testsPath?, repliesDir?, trust = true, settings = {}, env = {}, timeoutMs,
 *      ui?(page, ctx): Promise<void>, onRequest?(req, page): Promise<object>, log?(line) }
 */
export async function runHost(o) {
  const paths = hostPaths();
  if (!existsSync(paths.marker)) throw new Error(`the VS Code host is not installed (${paths.dir}); run node test/vscode-host/setup.mjs`);
  const log = o.log ?? ((l) => process.stderr.write(`[host] ${l}\n`));
  const tmp = mkdtempSync(join(tmpdir(), 'pier-vscode-'));
  const replies = o.repliesDir ?? join(tmp, 'replies');
  mkdirSync(replies, { recursive: true });
  const xdg = { XDG_CONFIG_HOME: join(tmp, 'config'), XDG_DATA_HOME: join(tmp, 'data'), XDG_CACHE_HOME: join(tmp, 'cache') };
  for (const d of Object.values(xdg)) mkdirSync(d, { recursive: true });
  const userData = join(tmp, 'ud');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
      'window.dialogStyle': 'custom',
      // Screens for the README show the editor, not an empty chat side bar.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      // The DOM renderer, so the harness can read what a terminal shows.
      'terminal.integrated.gpuAcceleration': 'off',
      ...o.settings,
    }),
  );
  writeFileSync(join(tmp, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  await o.prepare?.({ tmp, xdg });

  const port = await freePort();
  const args = [
    paths.codeServer,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(o.trust === false ? [] : ['--disable-workspace-trust']),
    '--config', join(tmp, 'config.yaml'),
    '--user-data-dir', userData,
    '--extensions-dir', join(tmp, 'ext'),
    '--vscode-option', 'enable-smoke-test-driver',
    o.folder,
  ];
  const env = { ...process.env, ...xdg, ...o.env, PIER_HARNESS_DIR: replies, PIER_VSCODE_HOST_MODULES: paths.modules };
  delete env.VSCODE_IPC_HOOK_CLI;
  const server = spawn(paths.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  const keep = (src) => (b) => {
    for (const l of b.toString().split('\n')) if (l.trim()) logs.push(`${src}: ${l}`);
  };
  server.stdout.on('data', keep('server'));
  server.stderr.on('data', keep('server'));
  const killGroup = () => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup();
  process.on('exit', onExit);

  let browser;
  try {
    await waitForServer(server, port, 60_000);
    const req = createRequire(join(paths.modules, 'noop.js'));
    const { chromium } = req('playwright-core');
    browser = await chromium.launch({ executablePath: await chromiumPath(paths.modules), headless: true, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const base = `http://127.0.0.1:${port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${o.extensionPath}`],
      ...(o.testsPath ? [['extensionTestsPath', `vscode-remote://127.0.0.1:${port}${o.testsPath}`]] : []),
      ['skipWelcome', 'true'],
    ];
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    page.on('console', (m) => {
      const text = m.text();
      logs.push(`page: ${text}`);
      const at = text.indexOf(REQUEST);
      if (at < 0) return;
      let r;
      try {
        r = JSON.parse(text.slice(at + REQUEST.length).replace(/\s*(color:[^]*)?$/, '').trim());
      } catch {
        return;
      }
      answer(r, page, o, replies, log).catch((e) => writeFileSync(join(replies, `${r.id}.json`), JSON.stringify({ error: String(e?.message ?? e) })));
    });
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    // The workbench's first load compiles a lot on a busy machine: Playwright's 30 s default for
    // the load event was seen to run out at a load average of 15 on 2 cores.
    await page.goto(`${base}/?folder=${encodeURIComponent(o.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { timeout: 180_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`the extension host run took longer than ${o.timeoutMs / 1000} s`)), o.timeoutMs).unref());
    let code;
    if (o.ui) {
      code = await Promise.race([o.ui(page, { tmp, base }).then(() => 0), timeout]);
    } else {
      code = await Promise.race([exited, timeout]);
    }
    return { code, logs, tmp };
  } catch (e) {
    e.logs = logs;
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    killGroup();
    process.off('exit', onExit);
    if (!process.env.PIER_KEEP_HOST_TMP) rmSync(tmp, { recursive: true, force: true });
  }
}

async function answer(r, page, o, replies, log) {
  let out = {};
  if (r.op === 'screenshot') {
    // `waitFor` is what the picture is of; it is taken either way, and the reply says whether it showed.
    const found = r.waitFor ? await page.waitForSelector(r.waitFor, { state: 'visible', timeout: r.timeoutMs ?? 20_000 }).then(() => true, () => false) : true;
    // Let the workbench paint what the test just did before taking the picture.
    await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
    await page.screenshot({ path: r.path, type: 'png' });
    log(`screenshot ${r.path}`);
    out = { path: r.path, found };
  } else if (r.op === 'rows') {
    // Rows of a list in the page; with `match`, wait until one row contains every given string.
    const read = () => page.$$eval(r.selector, (els) => els.map((e) => `${e.getAttribute('aria-label') ?? ''} ${e.textContent ?? ''}`.trim()));
    if (r.match) {
      await page
        .waitForFunction(
          ({ sel, match }) => [...document.querySelectorAll(sel)].some((e) => match.every((m) => `${e.getAttribute('aria-label') ?? ''} ${e.textContent ?? ''}`.includes(m))),
          { sel: r.selector, match: r.match },
          { timeout: r.timeoutMs ?? 30_000 },
        )
        .catch(() => undefined);
    }
    out = { rows: await read() };
  } else if (r.op === 'frames') {
    // Text of a frame of the page (a webview draws in nested iframes) once it contains every
    // string of `match`; { lines: [] } when none did within the time.
    out = { lines: await frameLines(page, r.match, r.timeoutMs ?? 30_000) };
  } else if (r.op === 'palette') {
    out = { rows: await paletteRows(page, r.text) };
  } else if (o.onRequest) {
    out = await o.onRequest(r, page);
  } else {
    throw new Error(`unknown request ${r.op}`);
  }
  writeFileSync(join(replies, `${r.id}.json`), JSON.stringify(out));
}

/** The lines of the first frame whose text contains every string of `match`, waiting up to `ms` (frames attached later count). */
async function frameLines(page, match, ms) {
  let onAttach;
  const found = new Promise((resolve) => {
    const watchFrame = (f) =>
      f.waitForFunction((m) => m.every((x) => (document.body?.innerText ?? '').includes(x)), match, { timeout: ms }).then(
        () => resolve(f),
        () => undefined,
      );
    onAttach = watchFrame;
    page.on('frameattached', watchFrame);
    for (const f of page.frames()) watchFrame(f);
  });
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  const frame = await Promise.race([found, timeout]);
  clearTimeout(timer);
  page.off('frameattached', onAttach);
  if (!frame) return [];
  const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
  return text.split('\n').filter((l) => l.trim());
}

/** The rows the Command Palette lists for `text` (opened with F1, closed with Escape). */
export async function paletteRows(page, text) {
  await page.keyboard.press('Escape');
  await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } }).catch(() => undefined);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${text}`);
  // The list filters as it is typed; wait until it settled on rows that all match, or on none.
  await page.waitForFunction(
    (t) => {
      const rows = [...document.querySelectorAll('.quick-input-list .monaco-list-row')];
      const empty = document.querySelector('.quick-input-message')?.textContent?.includes('No matching');
      return empty || (rows.length > 0 && rows.every((r) => (r.getAttribute('aria-label') ?? '').toLowerCase().includes(t.toLowerCase().split(':')[0])));
    },
    text,
    { timeout: 10_000 },
  ).catch(() => undefined);
  const rows = await page.$$eval('.quick-input-list .monaco-list-row', (els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
  await page.keyboard.press('Escape');
  return rows;
}

function waitForServer(server, port, ms) {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`code-server did not listen on ${port} within ${ms / 1000} s`)), ms);
    const onData = (b) => {
      if (/HTTP server listening on/i.test(b.toString())) done();
    };
    const done = () => {
      clearTimeout(deadline);
      server.stdout.off('data', onData);
      resolve();
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.once('exit', (code, sig) => {
      clearTimeout(deadline);
      reject(new Error(`code-server exited (${code ?? sig}) before it listened`));
    });
  });
}
