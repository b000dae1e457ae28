// The shapes size estimates are made of. The analysis never fetches anything: the caller fills a
// SizeSource from whatever it has (a registry cache, the local engine, the bundled table) and the
// estimate reads it synchronously, so it runs inside an analysis at no I/O cost.

import type { ImageRef } from '../dockerfile/image-ref';

/** What is known about one image reference on one platform. */
export interface ImageSizeFacts {
  /** Canonical reference (`docker.io/library/alpine:3.20`). */
  ref: string;
  /** Platform the figures are for (`linux/arm64`, `linux/arm/v7`). */
  platform: string;
  /** Sum of the platform manifest's layer sizes: what a device downloads. */
  compressedBytes?: number;
  /** Size once unpacked on the device's disk, when known. */
  uncompressedBytes?: number;
  /** Platforms the tag is published for; undefined when not known. */
  platforms?: string[];
  /** Where the figures came from (`registry registry-1.docker.io`, `local engine`, `bundled table: <source>`). */
  source: string;
  /** When the figures were read (ISO 8601 date or time). */
  date: string;
  /** Digest of the platform manifest, when read from a registry. */
  digest?: string;
}

/** The answer of a size source: facts, facts still on their way, or why there are none. */
export type SizeLookup =
  | { state: 'known'; facts: ImageSizeFacts; note?: string }
  | { state: 'pending'; reason: string }
  | { state: 'unknown'; reason: string };

/** Synchronous catalog lookup; the caller keeps it filled (and refreshes hints when facts arrive). */
export interface SizeSource {
  lookup(ref: ImageRef, platform: string): SizeLookup;
}

/** One file of the build context after .dockerignore, path relative to the context with `/` separators. */
export interface ContextFile {
  path: string;
  size: number;
}

/** The build context as COPY/ADD see it: every file .dockerignore keeps, sorted by path. */
export interface ContextIndex {
  root: string;
  files: ContextFile[];
  /** Bytes of every kept file. */
  totalBytes: number;
  /** Files left out by .dockerignore. */
  ignoredFiles: number;
  /** Memo of source pattern -> bytes, filled by `contextBytes`. */
  memo?: Map<string, { bytes: number; files: number }>;
}

/** One instruction's layer as a previous build measured it. */
export interface BuiltLayer {
  /** 0-based line of the instruction when the record was made. */
  line: number;
  /** The instruction text with whitespace collapsed, used to find it again after edits. */
  instruction: string;
  /** Bytes the layer adds (uncompressed). */
  bytes: number;
  /** Bytes of this layer's files that later layers overwrite or delete. */
  wastedBytes?: number;
}

/** What a previous build of a Dockerfile measured, per instruction of the final image. */
export interface BuildRecord {
  dockerfile: string;
  image: string;
  imageId?: string;
  platform?: string;
  date: string;
  /** Bytes of the base image's layers. */
  baseBytes?: number;
  totalBytes: number;
  wastedBytes?: number;
  layers: BuiltLayer[];
}
