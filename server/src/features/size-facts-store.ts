// The one size catalog of the server process, shared by the size hints (which fill it) and the
// Dockerfile analysis (which reads the published platforms for base-image-platform-missing).

import type { SizeFacts } from '../size/size-facts';

let facts: SizeFacts | undefined;

/** Install the process's catalog (done once by the size hints). */
export function setSizeFacts(f: SizeFacts | undefined): void {
  facts = f;
}

/** The process's catalog, if the size hints are wired. */
export function sizeFacts(): SizeFacts | undefined {
  return facts;
}

/** Published platforms known so far, by canonical reference; undefined when nothing is wired. */
export function publishedPlatforms(): Record<string, string[]> | undefined {
  return facts?.publishedPlatforms();
}
