// The Pier Logs page's HTML: a strict content security policy (nonce scripts only, no remote
// content, no inline styles or handlers), only the extension's own media, and no log text in the
// markup (lines reach the page as messages and are drawn through the escaping core module).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { logsCsp, logsHtml, makeNonce } from '../../client/src/logs/logs-html';

const media = (f: string) => `https://file+.vscode-resource.vscode-cdn.net/ext/media/logs/${f}`;
const opts = (nonce = makeNonce()) => ({ nonce, cspSource: 'https://*.vscode-cdn.net', ansiJs: media('ansi.js'), coreJs: media('core.js'), pickerJs: media('picker.js'), viewJs: media('view.js'), viewCss: media('view.css') });

function cspOf(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  const out = new Map<string, string[]>();
  for (const d of m[1].replace(/&#39;/g, "'").split(';')) {
    const [name, ...values] = d.trim().split(/\s+/);
    if (name) out.set(name, values);
  }
  return out;
}

test('nonces are fresh 128-bit hex', () => {
  const a = makeNonce();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, makeNonce());
});

test('the CSP allows nothing by default, scripts only by nonce, styles and fonts only from the extension', () => {
  const o = opts();
  const csp = cspOf(logsHtml(o));
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${o.nonce}'`]);
  assert.deepEqual(csp.get('style-src'), [o.cspSource]);
  assert.deepEqual(csp.get('font-src'), [o.cspSource]);
  assert.deepEqual(csp.get('img-src'), [o.cspSource]);
  assert.deepEqual(csp.get('base-uri'), ["'none'"]);
  for (const values of csp.values()) for (const v of values) assert.doesNotMatch(v, /unsafe-inline|unsafe-eval|^\*$|^https?:$|^data:|^blob:/, v);
  assert.equal(logsCsp(o), [...csp].map(([k, v]) => [k, ...v].join(' ')).join('; '));
});

test('every script carries the nonce and comes from the extension; nothing remote, inline or in handlers', () => {
  const o = opts();
  const html = logsHtml(o);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 4);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, new RegExp(`nonce="${o.nonce}"`));
    assert.match(attrs, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/logs\/(ansi|core|picker|view)\.js"/);
    assert.equal(body.trim(), '', 'no inline script');
  }
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /\sstyle=/i, 'no inline styles');
  assert.doesNotMatch(html, /<style\b/i, 'no style element');
  assert.doesNotMatch(html, /<(iframe|object|embed|base|form)\b/i);
  const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(urls.sort(), [media('ansi.js'), media('core.js'), media('picker.js'), media('view.css'), media('view.js')].sort());
});

test('a bad nonce or a hostile resource URI cannot break out of the markup', () => {
  assert.throws(() => logsHtml({ ...opts(), nonce: `x" onload="alert(1)` }), /nonce/);
  const html = logsHtml({ ...opts(), viewJs: 'x"><script>alert(1)</script>' });
  assert.equal(html.match(/<script\b/g)?.length, 4);
  assert.match(html, /x&#34;&#62;&#60;script&#62;/);
});

test('the page script draws rows only through the escaping core module', () => {
  // view.js writes innerHTML in one place, from PierLogCore.renderRowHtml; it never builds markup from log text itself.
  const view = readFileSync(join(__dirname, '../../media/logs/view.js'), 'utf8');
  const writes = [...view.matchAll(/\.innerHTML\s*=\s*([^;]+);/g)].map((m) => m[1].trim());
  assert.deepEqual(writes, ['html']);
  const adds = [...view.matchAll(/html \+= (.*)$/gm)].map((m) => m[1]);
  assert.equal(adds.length, 1);
  assert.match(adds[0], /\$\{core\.renderRowHtml\(/);
  // The only other interpolations in that row are the class list (fixed words) and a number.
  assert.doesNotMatch(view, /insertAdjacentHTML|outerHTML|document\.write|eval\(|new Function/);
  // The picker writes device, container and project names as option text only.
  const picker = readFileSync(join(__dirname, '../../media/logs/picker.js'), 'utf8');
  assert.doesNotMatch(picker, /innerHTML|insertAdjacentHTML|outerHTML|document\.write|eval\(|new Function/);
  assert.match(picker, /o\.textContent = label/);
});
