// Which files Pier analyses, by name. Shared by the extension, the server and the CLI.

/** The kinds of document Pier analyses. */
export type FileKind = 'dockerfile' | 'compose';

/** Files larger than this are not analysed (reported once instead). */
export const MAX_ANALYSIS_BYTES = 2 * 1024 * 1024;

/** `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, `Containerfile`, `Containerfile.*`, `*.dockerfile`. */
export function isDockerfileName(base: string): boolean {
  return /^(Dockerfile|Containerfile)(\..+)?$/.test(base) || /\.(Dockerfile|dockerfile|Containerfile)$/.test(base);
}

/** `compose.yaml`, `docker-compose.yml`, `compose.override.yaml`, `docker-compose.prod.yml`, ... */
export function isComposeName(base: string): boolean {
  return /^(docker-)?compose(\.[\w.-]+)?\.ya?ml$/.test(base);
}

/** The kind of a file by its base name, or undefined when Pier does not analyse it. */
export function fileKind(base: string): FileKind | undefined {
  if (isComposeName(base)) return 'compose';
  if (isDockerfileName(base)) return 'dockerfile';
  return undefined;
}
