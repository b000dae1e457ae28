// The Pier Logs view's page: fixed markup, the extension's own script and style files only, and a
// content security policy that allows nothing else (no inline code without the nonce, no remote
// content, no frames, no connections). No VS Code import, so tests render and check it in Node.

/** What the page needs: the nonce of this render and the webview's URIs of the media files. */
export interface LogsHtmlOptions {
  nonce: string;
  /** The webview's `cspSource` (its origin for local resources). */
  cspSource: string;
  ansiJs: string;
  coreJs: string;
  pickerJs: string;
  viewJs: string;
  viewCss: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A fresh nonce: 128 random bits as hex. */
export function makeNonce(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** The content security policy of the page. */
export function logsCsp(o: Pick<LogsHtmlOptions, 'nonce' | 'cspSource'>): string {
  // Scripts only with the nonce (so only the two script tags below run); styles from the
  // extension's files; colours set through the style object are not markup and need nothing more.
  return [`default-src 'none'`, `script-src 'nonce-${o.nonce}'`, `style-src ${o.cspSource}`, `font-src ${o.cspSource}`, `img-src ${o.cspSource}`, `base-uri 'none'`, `form-action 'none'`].join('; ');
}

/** Render the page. */
export function logsHtml(o: LogsHtmlOptions): string {
  if (!/^[0-9a-f]{32}$/.test(o.nonce)) throw new Error('the nonce must be 32 hex digits');
  const n = esc(o.nonce);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(logsCsp(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${esc(o.viewCss)}">
<title>Pier Logs</title>
</head><body>
<div class="bar" role="toolbar" aria-label="Log controls">
  <select id="device" aria-label="Device" title="Device"></select>
  <select id="target" aria-label="Container or Compose project" title="Container or Compose project"></select>
  <button id="reload" class="icon" title="Refresh the list of containers" aria-label="Refresh the list of containers">&#x21bb;</button>
  <button id="follow" aria-pressed="true" title="Follow: keep the newest line in view (F)">Following</button>
  <span class="sep"></span>
  <input id="filter" type="search" placeholder="Filter (Ctrl+F)" aria-label="Filter lines" spellcheck="false">
  <button id="regex" aria-pressed="false" title="Regular expression" aria-label="Regular expression">.*</button>
  <button id="case" aria-pressed="false" title="Match case" aria-label="Match case">Aa</button>
  <select id="level" aria-label="Level" title="Show lines of this level and worse">
    <option value="">all levels</option><option value="debug">debug+</option><option value="info">info+</option><option value="warn">warn+</option><option value="error">errors</option>
  </select>
  <select id="time" aria-label="Timestamps" title="Timestamps">
    <option value="off">no time</option><option value="device" selected>device time (UTC)</option><option value="local">local time</option>
  </select>
  <span class="sep"></span>
  <button id="error" title="Jump to the first error (E; again for the next)">First error</button>
  <button id="copy" title="Copy the selected lines, or every shown line (Ctrl+Shift+C)">Copy</button>
  <button id="save" title="Save the shown lines to a file">Save</button>
  <button id="clear" title="Clear the view (K)">Clear</button>
  <span id="status" class="status" role="status" aria-live="polite"></span>
</div>
<div id="notice" class="notice" role="alert" hidden></div>
<div id="log" class="log" tabindex="0" role="log" aria-label="Log lines" aria-live="off"><div id="spacer" class="spacer"><div id="rows" class="rows"></div></div></div>
<div id="empty" class="empty">Pick a device and a container or Compose project above.</div>
<button id="newer" class="newer" hidden>New lines below</button>
<script nonce="${n}" src="${esc(o.ansiJs)}"></script>
<script nonce="${n}" src="${esc(o.coreJs)}"></script>
<script nonce="${n}" src="${esc(o.pickerJs)}"></script>
<script nonce="${n}" src="${esc(o.viewJs)}"></script>
</body></html>`;
}
