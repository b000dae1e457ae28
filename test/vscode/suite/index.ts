/// <reference types="mocha" />
// The test module the extension host loads (extensionTestsPath): mocha from the harness's own
// packages, the suites registered with the TDD interface, and the failure count handed back.

import { join } from 'node:path';

declare const __PIER_HOST_MODULES__: string;

export function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require(join(__PIER_HOST_MODULES__, 'mocha')) as typeof import('mocha');
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  // The suites are bundled into this file; they call suite()/test() when required, so the
  // interface's globals must exist first.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  require('./editing.suite');
  require('./devices-deploy.suite');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension host test(s) failed`)) : resolve()));
  });
}
