// Image references as the builder reads them: [registry/]repository[:tag][@digest].

/** A parsed image reference. */
export interface ImageRef {
  /** Registry host, 'docker.io' when none is written. */
  registry: string;
  /** Repository path, with Docker Hub's implicit `library/` left off (`golang`, `org/app`). */
  repository: string;
  tag?: string;
  digest?: string;
  /** The short name without registry and path (`golang`, `app`). */
  name: string;
}

/** Parse an image reference; returns undefined for text that is not one. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const m = /^(?:([a-zA-Z0-9.-]+(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)\/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$/.exec(ref);
  if (!m) return undefined;
  let host: string | undefined = m[1];
  let repo = m[2];
  const tag: string | undefined = m[3];
  const digest: string | undefined = m[4];
  // A first component without '.', ':' or 'localhost' is a path component, not a registry.
  if (host && !/[.:]/.test(host) && host !== 'localhost' && !host.startsWith('[')) {
    repo = `${host}/${repo}`;
    host = undefined;
  }
  const registry = host ?? 'docker.io';
  if (registry === 'docker.io' && repo.startsWith('library/')) repo = repo.slice(8);
  return { registry, repository: repo, tag, digest, name: repo.slice(repo.lastIndexOf('/') + 1) };
}
