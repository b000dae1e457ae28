#!/usr/bin/env node
// Regenerates the bundled base-image table (server/src/analysis/size/catalog.json) from any OCI
// registry through the same client the editor uses (OCI distribution API, anonymous, Docker Hub's
// token flow). Each row records the registry it was read from and the date.
//
//   node scripts/size-catalog.mjs --registry https://registry-1.docker.io \
//     --images alpine:3.20,debian:12-slim --platforms linux/arm64,linux/arm/v7,linux/amd64 [--out FILE]
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// The project's TypeScript sources, loaded through tsx (a dev dependency): one registry client.
const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
const { readRegistrySize } = require('../server/src/size/registry.ts');
const { parseImageRef } = require('../server/src/analysis/dockerfile/image-ref.ts');
const { canonicalRef } = require('../server/src/analysis/size/catalog.ts');

const { values } = parseArgs({
  options: {
    registry: { type: 'string' },
    images: { type: 'string' },
    platforms: { type: 'string', default: 'linux/arm64,linux/arm/v7,linux/amd64' },
    out: { type: 'string', default: new URL('../server/src/analysis/size/catalog.json', import.meta.url).pathname },
    merge: { type: 'boolean', default: true },
    timeout: { type: 'string', default: '20000' },
  },
});
if (!values.registry || !values.images) {
  process.stderr.write('usage: node scripts/size-catalog.mjs --registry URL --images a:1,b:2 [--platforms P,...] [--out FILE]\n');
  process.exit(2);
}
const date = new Date().toISOString().slice(0, 10);
const base = values.registry.replace(/\/+$/, '');
let file = { description: 'Base image sizes for offline estimates. Each row says where its figure was read and when; regenerate with scripts/size-catalog.mjs --registry URL.', rows: [] };
if (values.merge) {
  try {
    file = JSON.parse(readFileSync(values.out, 'utf8'));
  } catch {
    // A new table.
  }
}
let failures = 0;
for (const image of values.images.split(',').map((s) => s.trim()).filter(Boolean)) {
  const ref = parseImageRef(image);
  if (!ref) {
    process.stderr.write(`skip ${image}: not an image reference\n`);
    failures++;
    continue;
  }
  for (const platform of values.platforms.split(',')) {
    try {
      const f = await readRegistrySize(ref, platform, { baseUrl: base, timeoutMs: Number(values.timeout) });
      if (f.compressedBytes === undefined) {
        process.stderr.write(`${image} ${platform}: not published (only ${(f.platforms ?? []).join(', ')})\n`);
        continue;
      }
      const key = canonicalRef(ref);
      const cut = key.lastIndexOf(':');
      const row = { image: key.slice(0, cut), tag: key.slice(cut + 1), platform: f.platform, compressedBytes: f.compressedBytes, uncompressedBytes: f.uncompressedBytes, platforms: f.platforms, source: `registry ${base}`, date };
      file.rows = file.rows.filter((r) => !(r.image === row.image && r.tag === row.tag && r.platform === row.platform));
      file.rows.push(row);
      process.stdout.write(`${image} ${f.platform}: ${f.compressedBytes} B compressed, ${f.uncompressedBytes ?? '?'} B unpacked\n`);
    } catch (e) {
      failures++;
      process.stderr.write(`${image} ${platform}: ${e.message}\n`);
    }
  }
}
file.rows.sort((a, b) => `${a.image}:${a.tag}:${a.platform}`.localeCompare(`${b.image}:${b.tag}:${b.platform}`));
writeFileSync(values.out, JSON.stringify(file, null, 2) + '\n');
process.exit(failures ? 1 : 0);
