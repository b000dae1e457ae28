// The Pier Logs page (media/logs/view.js with core.js and view.css) in a real headless Chromium,
// under the page's own content security policy, with a stand-in for the VS Code webview API that
// records what the page posts. Hostile lines stay text, nothing remote loads, 60,000 lines keep
// 50,000 with a handful of rows drawn, and filter, follow/pause, jump to error, copy and the
// keyboard work. (The view inside a real VS Code window is the extension-host suite's.)

import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { logsHtml, makeNonce } from '../../client/src/logs/logs-html';

const ORIGIN = 'https://pier-logs.test';
const root = join(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-explicit-any */
type Page = any;
// Functions below that run in the page are typed loosely: this project compiles without the DOM library.
declare const window: any;
declare const document: any;
declare function requestAnimationFrame(f: (t: unknown) => void): number;
type Element = any;
type HTMLElement = any;

const line = (i: number, text = `seq=${i}`, extra: Record<string, unknown> = {}) => ({ kind: 'line', ts: `2026-11-26T08:00:${String(i % 60).padStart(2, '0')}.000000000Z`, stream: 'stdout', text, container: 'abcdef012345', name: 'app', ...extra });

describe('Pier Logs page in Chromium', { timeout: 300_000 }, () => {
  let browser: any;
  let page: Page;
  const remote: string[] = [];
  const errors: string[] = [];

  before(async () => {
    const { ensureHost, hostPaths } = await import(pathToFileURL(join(root, 'test', 'vscode-host', 'setup.mjs')).href);
    await ensureHost({ log: () => undefined });
    const modules = hostPaths().modules;
    const req = createRequire(join(modules, 'noop.js'));
    const { chromium } = req('playwright-core');
    let exe = [process.env.PIER_CHROMIUM, '/usr/bin/chromium'].find((p) => p && existsSync(p));
    if (!exe) {
      const mod = await import(req.resolve('@sparticuz/chromium'));
      exe = await (mod.default ?? mod).executablePath();
    }
    browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1000, height: 400 } });
    page.on('pageerror', (e: Error) => errors.push(e.message));
    const html = logsHtml({ nonce: makeNonce(), cspSource: ORIGIN, ansiJs: `${ORIGIN}/media/logs/ansi.js`, coreJs: `${ORIGIN}/media/logs/core.js`, pickerJs: `${ORIGIN}/media/logs/picker.js`, viewJs: `${ORIGIN}/media/logs/view.js`, viewCss: `${ORIGIN}/media/logs/view.css` });
    await page.route('**/*', (route: any) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) {
        remote.push(url.href);
        return route.abort();
      }
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html });
      const file = join(root, url.pathname);
      if (!url.pathname.startsWith('/media/logs/') || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ contentType: url.pathname.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file, 'utf8') });
    });
    // The stand-in for VS Code's webview API (init scripts come from the browser, not the page; a
    // string, because the test's compiled functions may name helpers the page does not have).
    await page.addInitScript('window.__posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => (state = s) });');
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'), undefined, { timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
  });

  const send = (m: unknown) => page.evaluate((x: unknown) => window.postMessage(x, '*'), m);
  const posted = (): Promise<any[]> => page.evaluate(() => (window as any).__posted);
  const status = (): Promise<string> => page.textContent('#status');
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  test('hostile lines render as their text; no markup, script or remote load gets through', async () => {
    await send({ type: 'init', devices: ['pi', 'lab'], current: { device: 'pi', ref: 'api' }, maxEntries: 50_000 });
    const hostile = [
      line(1, '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'),
      line(2, `<img src="https://example.invalid/track.png"> <a href="javascript:alert(1)">x</a>`),
      line(3, 'ansi \x1b[31mred\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[0m \x1b[999;;mz\x1b]0;title\x07 end'),
      line(4, 'x'.repeat(100_000)),
      line(5, '{"level":"error","msg":"boom"}', { stream: 'stderr' }),
    ];
    await send({ type: 'reset', entries: hostile, dropped: 0, current: { device: 'pi', ref: 'api' } });
    await frame();
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
    const rows: string[] = await page.$$eval('#rows .row .msg', (els: Element[]) => els.map((e) => e.textContent ?? ''));
    assert.equal(rows[0], '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>');
    assert.equal(rows[2], 'ansi red rgb z end');
    assert.ok(rows[3].startsWith('xxxx') && rows[3].length < 5_000, 'a 100,000-character line is drawn cut, with a note');
    assert.equal(await page.$$eval('#rows img, #rows script, #rows a', (els: Element[]) => els.length), 0);
    // Colours: a theme colour by class, a 24-bit colour through the style object.
    assert.equal(await page.$eval('#rows .row:nth-child(3) .f1', (e: Element) => e.textContent), 'red');
    assert.equal(await page.$eval('#rows .row:nth-child(3) [data-fg]', (e: HTMLElement) => e.style.color), 'rgb(1, 2, 3)');
    assert.ok(await page.$eval('#rows .row:nth-child(5)', (e: Element) => e.classList.contains('lv-error') && e.classList.contains('stderr')));
    // The policy itself: an inline script or a remote image added by anyone does not run or load.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      const i = document.createElement('img');
      i.src = 'https://example.invalid/pixel.png';
      document.body.append(i);
    });
    await frame();
    assert.equal(await page.evaluate(() => (window as any).__inline), undefined);
    assert.deepEqual(remote, [], 'no request left the page');
    assert.deepEqual(errors, []);
  });

  test('60,000 lines: 50,000 kept, the rest counted, a few rows drawn; filter, error jump, copy, follow', async () => {
    await send({ type: 'reset', entries: [], dropped: 0, current: { device: 'pi', ref: 'api' } });
    for (let b = 0; b < 12; b++) {
      const batch = Array.from({ length: 5_000 }, (_, k) => {
        const i = b * 5_000 + k + 1;
        return i === 55_555 ? line(i, `ERROR seq=${i} disk full`) : line(i);
      });
      await send({ type: 'entries', entries: batch, dropped: 0 });
    }
    await frame();
    assert.match(await status(), /50,000 lines · 10,000 older dropped/);
    const drawn = await page.$$eval('#rows .row', (els: Element[]) => els.length);
    assert.ok(drawn > 0 && drawn < 100, `${drawn} rows drawn`);
    // Following: the newest line is in view.
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'true');
    assert.ok((await page.$$eval('#rows .row .msg', (els: Element[]) => els.map((e) => e.textContent))).includes('seq=60000'));

    // Jump to the error from the keyboard: it is selected and in view, and following pauses.
    await page.focus('#log');
    await page.keyboard.press('e');
    await frame();
    assert.equal(await page.$eval('#rows .row.sel .msg', (e: Element) => e.textContent), 'ERROR seq=55555 disk full');
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'false');
    // Pausing keeps collecting: new lines arrive and are counted while the view stays put.
    await send({ type: 'entries', entries: [line(60_001), line(60_002)], dropped: 0 });
    await frame();
    assert.match(await page.textContent('#newer'), /^2 new lines below$/);
    assert.equal(await page.isVisible('#newer'), true);
    // Copy the selection with the keyboard.
    await page.keyboard.press('Control+Shift+C');
    const copy = (await posted()).filter((m) => m.type === 'copy').at(-1);
    assert.equal(copy.text, '2026-11-26T08:00:55.000000000Z ERROR seq=55555 disk full');

    // A regular-expression filter; an invalid one is marked and filters nothing out.
    await page.click('#regex');
    await page.fill('#filter', 'seq=5999[0-9]$');
    await page.waitForFunction(() => /10 of 50,000 lines · 10,002 older dropped/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 5_000 });
    await page.fill('#filter', 'seq=(');
    await page.waitForFunction(() => document.getElementById('filter')!.classList.contains('invalid'), undefined, { timeout: 5_000 });
    await page.fill('#filter', '');
    // End follows again.
    await page.focus('#log');
    await page.keyboard.press('End');
    await frame();
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'true');
    assert.ok((await page.$$eval('#rows .row .msg', (els: Element[]) => els.map((e) => e.textContent))).includes('seq=60002'));
    // Save asks the extension with the filter and time mode; clear empties the page and tells it.
    await page.click('#save');
    await page.click('#clear');
    const last = (await posted()).slice(-2).map((m) => m.type);
    assert.deepEqual(last, ['save', 'clear']);
    assert.match(await status(), /^api on pi · 0 lines/);
    assert.deepEqual(errors, []);
  });

  test('the picker lists devices, then projects and containers by name as text, and picking asks for that stream', async () => {
    const evil = '<img src=x onerror="window.__pwned=3">';
    await send({ type: 'init', devices: ['pi', evil], current: { device: 'pi', ref: 'api' }, maxEntries: 50_000 });
    assert.deepEqual(await page.$$eval('#device option', (os: any[]) => os.map((o) => o.textContent)), ['device…', 'pi', evil]);
    assert.equal(await page.inputValue('#device'), 'pi');
    await send({ type: 'choices', device: 'pi', projects: ['shop'], containers: [{ name: 'api', running: true }, { name: evil, running: false }] });
    await frame();
    const labels = await page.$$eval('#target option', (os: any[]) => os.map((o) => `${o.value}|${o.textContent}`));
    assert.deepEqual(labels, ['|container or project…', 'compose:shop|shop', 'container:api|api', `container:${evil}|${evil} (stopped)`]);
    assert.equal(await page.inputValue('#target'), 'container:api', 'the stream shown stays picked');
    // Choices for a device no longer picked are ignored.
    await send({ type: 'choices', device: 'lab', projects: [], containers: [{ name: 'other', running: true }] });
    await frame();
    assert.equal(await page.$$eval('#target option', (os: Element[]) => os.length), 4);
    await page.selectOption('#target', 'compose:shop');
    assert.deepEqual((await posted()).at(-1), { type: 'pick', device: 'pi', kind: 'compose', ref: 'shop' });
    await page.selectOption('#device', evil);
    assert.deepEqual((await posted()).at(-1), { type: 'device', device: evil });
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
    assert.deepEqual(errors, []);
  });
});
