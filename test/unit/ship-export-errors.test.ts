// The engine export's failures (the ship's and the size breakdown's reader) arrive through its `done` promise only: an engine that refuses the
// export (the image went away) fails the export with the engine's message, and nothing is
// thrown later to a reader that listens to the promise alone (as the prepare's tar parser does).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportImage } from '../../client/src/edge/ship/engine';
import { readSavedImage } from '../../client/src/edge/size/save-reader';

let server: Server;
let dir: string;
const saved = process.env.DOCKER_HOST;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pier-export-'));
  const socket = join(dir, 'engine.sock');
  // A stand-in for the engine's socket that answers the export as dockerd does for a missing image.
  server = createServer((req, res) => {
    if (req.url?.startsWith('/images/gone/get')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'reference does not exist' }));
    } else if (req.url?.startsWith('/images/cut/get')) {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      res.write(Buffer.alloc(1024));
      setTimeout(() => res.socket?.destroy(), 20);
    } else res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(socket, r));
  process.env.DOCKER_HOST = `unix://${socket}`;
});

after(() => {
  if (saved === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = saved;
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an export the engine refuses fails with its message, and nothing throws later', async () => {
  const e = exportImage('gone');
  e.stdout.resume();
  await assert.rejects(e.done, /^EngineError: the build engine answered 404 to the export of gone: reference does not exist$/);
  await new Promise((r) => setTimeout(r, 100));
});

test('an export cut short by the engine fails, and nothing throws later', async () => {
  const e = exportImage('cut');
  e.stdout.resume();
  await assert.rejects(e.done);
  await new Promise((r) => setTimeout(r, 100));
});

test("the size breakdown's reader of the same export tells the engine's message", async () => {
  await assert.rejects(readSavedImage('gone'), /^ImageReadError: Error response from daemon: reference does not exist$/);
  await assert.rejects(readSavedImage('cut'));
});
