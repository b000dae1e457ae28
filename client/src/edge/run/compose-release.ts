// A Compose release: the app's Compose file(s) as they will run on the device. Services that are
// built (`build:`) run the image the build and ship steps put on the device, so their `build`
// goes and their `image` becomes the shipped tag; the top-level `name` goes too, since Pier fixes
// the project name per app. The release's version is a digest of what is uploaded.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument, isMap } from 'yaml';

/** The files of one release, as uploaded to its folder on the device. */
export interface ComposeRelease {
  version: string;
  /** `compose.0.yaml`, `compose.1.yaml`, ... in the order Compose merges them. */
  files: { name: string; text: string }[];
  /** The project's .env, when there is one. */
  env?: string;
  /** Services that are built, with the image each now runs. */
  built: Record<string, string>;
}

/** Services of the files that have a `build:` section (these need an image from the ship step). */
export function builtServices(texts: string[]): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    const doc = parseDocument(t);
    const services = doc.get('services');
    if (!isMap(services)) continue;
    for (const item of services.items) {
      const svc = item.value;
      if (isMap(svc) && svc.has('build')) out.add(String((item.key as { value?: unknown })?.value ?? item.key));
    }
  }
  return [...out];
}

/**
 * Rewrite the files for the device. `images` maps each built service to its shipped image
 * (`<repo>:<version>`); a built service without one is an error, since the device cannot build it.
 */
export function makeRelease(texts: string[], env: string | undefined, images: Record<string, string>): ComposeRelease {
  const built: Record<string, string> = {};
  const files = texts.map((t, i) => {
    const doc = parseDocument(t);
    if (doc.errors.length) throw new Error(`Compose file ${i + 1} does not parse: ${doc.errors[0].message}`);
    doc.delete('name');
    const services = doc.get('services');
    if (isMap(services)) {
      for (const item of services.items) {
        const name = String((item.key as { value?: unknown })?.value ?? item.key);
        const svc = item.value;
        if (!isMap(svc) || !svc.has('build')) continue;
        const image = images[name];
        if (!image) throw new Error(`the Compose service '${name}' is built from source, but no image was shipped for it; build and ship it first.`);
        svc.delete('build');
        // Compose pulls only images it lacks, and this one is on the device already.
        svc.set('image', image);
        built[name] = image;
      }
    }
    return { name: `compose.${i}.yaml`, text: doc.toString() };
  });
  const h = createHash('sha256');
  for (const f of files) h.update(f.name).update('\0').update(f.text).update('\0');
  h.update(env ?? '');
  return { version: h.digest('hex').slice(0, 12), files, env, built };
}

/** Read the files and the .env of a Compose app from disk and make its release. */
export function releaseFromFiles(paths: string[], envFile: string | undefined, images: Record<string, string>): ComposeRelease {
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  let env: string | undefined;
  if (envFile) {
    try {
      env = readFileSync(envFile, 'utf8');
    } catch {
      env = undefined;
    }
  }
  return makeRelease(texts, env, images);
}
