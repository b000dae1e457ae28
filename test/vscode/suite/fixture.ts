// The workspace the tests run in (made by test/vscode/vscode.test.ts) and the extension's id.
import * as vscode from 'vscode';

/** publisher.name from package.json. */
export const EXT_ID = 'pier-dev.pier';

/** A file of the test workspace. */
export function fixture(rel: string): vscode.Uri {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) throw new Error('the tests need the fixture folder open');
  return vscode.Uri.joinPath(root, rel);
}
