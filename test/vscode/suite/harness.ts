// Inside the extension host: asking the harness (the page side) for what only it can do, and
// waiting on VS Code events with a deadline. Bundled with the suites by test/vscode/build-suite.ts.

import { existsSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

declare const __PIER_HARNESS_DIR__: string;
let next = 0;

/** Ask the harness for `op` and wait for its reply file. */
export function ask<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
  const id = `${process.pid}-${++next}`;
  const file = join(__PIER_HARNESS_DIR__, `${id}.json`);
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      if (!existsSync(file)) return false;
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
        const r = JSON.parse(text);
        finish();
        if (r.error) reject(new Error(`harness: ${r.error}`));
        else resolve(r as T);
      } catch {
        return false; // half written; the next event reads it whole
      }
      return true;
    };
    const w = watch(__PIER_HARNESS_DIR__, () => void done());
    const t = setTimeout(() => {
      finish();
      reject(new Error(`harness did not answer ${op} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      w.close();
      clearTimeout(t);
    };
    console.log(`PIER_HARNESS ${JSON.stringify({ id, op, ...args })}`);
    done();
  });
}

/** Resolve when `check` holds, re-checking on `event`; reject after `ms`. */
export function until<T>(event: vscode.Event<unknown>, check: () => T | undefined | false, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const first = check();
    if (first) return resolve(first);
    const sub = event(() => {
      const v = check();
      if (v) {
        sub.dispose();
        clearTimeout(t);
        resolve(v);
      }
    });
    const t = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
}

/** Pier's diagnostics of a document. */
export function pierDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pier' || /^pier/i.test(String(d.source ?? '')));
}

/** The rule id of a diagnostic (its code, or the code's value when it links to docs). */
export function ruleOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

/** Take a screenshot of the workbench into `path` (a PNG), once `waitFor` (a CSS selector) shows. */
export function screenshot(path: string, waitFor?: string): Promise<unknown> {
  return ask('screenshot', { path, waitFor });
}
