// The breakdown panel's HTML: plain markup with a strict content security policy; no VS Code
// import, so it can be rendered and checked outside the editor.

import type { ImageBreakdown } from '../edge/size/breakdown';

/** What the page needs besides the breakdown. */
export interface PanelOptions {
  nonce: string;
  cspSource: string;
  formatBytes(n: number): string;
  formatDelta(n: number): string;
  /** Whether line numbers link back to a Dockerfile. */
  linkable: boolean;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Render the panel. */
export function sizePanelHtml(b: ImageBreakdown, o: PanelOptions): string {
  const layers = b.entries.filter((e) => e.hasLayer);
  const max = Math.max(1, ...layers.map((e) => e.bytes));
  const largest = new Set([...layers].sort((x, y) => y.bytes - x.bytes).slice(0, 3));
  const line = (n: number | undefined) => (n === undefined ? '' : o.linkable ? `<a href="#" data-line="${n}">${n + 1}</a>` : String(n + 1));
  const rule = (r: string | undefined) => (r ? ` <a href="#" class="rule" data-rule="${esc(r)}">${esc(r)}</a>` : '');
  const rows = layers
    .map((e) => {
      const paths = e.largest.slice(0, 5).map((p) => `<div class="path">${esc(o.formatBytes(p.bytes))} <code>${esc(p.path)}</code>${rule(p.rule)}</div>`).join('');
      const cls = largest.has(e) && e.bytes > 0 ? ' class="largest"' : '';
      return `<tr${cls}><td>${e.base ? 'base' : line(e.line)}</td><td class="num">${esc(o.formatDelta(e.bytes))}</td><td><div class="bar" style="width:${Math.max(1, Math.round((100 * e.bytes) / max))}%"></div></td><td class="num">${e.wastedBytes ? esc(o.formatBytes(e.wastedBytes)) : ''}</td><td><code>${esc((e.instruction ?? e.createdBy).slice(0, 160))}</code>${paths}</td></tr>`;
    })
    .join('\n');
  const waste = b.offenders
    .slice(0, 15)
    .map((w) => `<tr><td class="num">${esc(o.formatBytes(w.bytes))}</td><td><code>${esc(w.path)}</code> (${w.files} file${w.files === 1 ? '' : 's'})</td><td>${w.how} ${w.byLine !== undefined ? `at line ${line(w.byLine)}` : ''}${w.line !== undefined ? `, shipped by line ${line(w.line)}` : ''}</td><td>${rule(w.rule)}</td></tr>`)
    .join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${o.cspSource} 'nonce-${o.nonce}'; script-src 'nonce-${o.nonce}';">
<style nonce="${o.nonce}">
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)}
table{border-collapse:collapse;width:100%}td,th{padding:2px 6px;vertical-align:top;text-align:left}
.num{text-align:right;white-space:nowrap}.bar{height:8px;background:var(--vscode-charts-blue)}
tr.largest td{background:var(--vscode-diffEditor-removedLineBackground)}.path{opacity:.8;font-size:90%}
a.rule{font-size:90%}
</style></head><body>
<h2>${esc(b.image)}${b.platform ? ` <small>${esc(b.platform)}</small>` : ''}</h2>
<p><b>${esc(o.formatBytes(b.totalBytes))}</b> in ${layers.length} layers (base ${esc(o.formatBytes(b.baseBytes))}); <b>${esc(o.formatBytes(b.wastedBytes))}</b> wasted; efficiency <b>${(b.efficiency * 100).toFixed(1)}%</b></p>
<h3>Layers</h3>
<table><tr><th>line</th><th>size</th><th></th><th>wasted</th><th>instruction and largest paths</th></tr>
${rows}
</table>
${waste ? `<h3>Wasted space</h3><table>${waste}</table>` : '<p>No wasted space: no layer overwrites or deletes what an earlier one shipped.</p>'}
<script nonce="${o.nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target.closest('a'); if (!a) return; e.preventDefault();
  if (a.dataset.line) vscode.postMessage({ line: Number(a.dataset.line) });
  else if (a.dataset.rule) vscode.postMessage({ rule: a.dataset.rule });
});
</script></body></html>`;
}
