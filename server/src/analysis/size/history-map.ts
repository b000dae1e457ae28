// Maps the history of a built image back to the Dockerfile: which history entry (and so which
// layer) each instruction of the final stage made. Both builders record one entry per
// instruction (the classic builder as `/bin/sh -c #(nop) COPY ...`, BuildKit as `COPY ... #
// buildkit`); entries older than the Dockerfile's first instruction belong to the base image.

import type { Instruction } from 'dockerfile-ast';

/** One entry of an image's history (config `history`, or `docker history`, oldest first). */
export interface HistoryEntry {
  createdBy: string;
  /** True for entries that made no layer (ENV, CMD, ...). */
  emptyLayer: boolean;
}

/** A history entry with the instruction that made it, if it is the Dockerfile's. */
export interface MappedEntry {
  index: number;
  keyword: string;
  instruction?: Instruction;
  /** True for entries of the base image (older than the Dockerfile's instructions). */
  base: boolean;
}

const KEYWORDS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** The Dockerfile keyword a history entry was made by (RUN for plain commands). */
export function historyKeyword(createdBy: string): string {
  const t = createdBy.trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s+([A-Za-z]+)/.exec(t);
  if (nop) return nop[1].toUpperCase();
  const word = /^([A-Z]+)\b/.exec(t);
  if (word && KEYWORDS.has(word[1])) return word[1];
  return 'RUN';
}

/**
 * Pair history entries with instructions, walking both from the newest end. An instruction the
 * builder did not record (BuildKit skips ARG) is passed over; so is a history entry no
 * instruction explains. What remains at the old end is the base image.
 */
export function mapHistory(history: readonly HistoryEntry[], instructions: readonly Instruction[]): MappedEntry[] {
  const out: MappedEntry[] = history.map((h, index) => ({ index, keyword: historyKeyword(h.createdBy), base: true }));
  let i = history.length - 1;
  let j = instructions.length - 1;
  while (i >= 0 && j >= 0) {
    const ik = instructions[j].getKeyword().toUpperCase();
    if (out[i].keyword === ik) {
      out[i].instruction = instructions[j];
      out[i].base = false;
      i--;
      j--;
    } else if (ik === 'ARG' || ik === 'ONBUILD' || !KEYWORDS.has(ik)) {
      j--;
    } else if (instructions.slice(0, j).some((x) => x.getKeyword().toUpperCase() === out[i].keyword)) {
      // An earlier instruction can explain this entry: instruction j left no entry.
      j--;
    } else {
      // No instruction explains the entry (an ONBUILD trigger of the base): it counts as the base's.
      i--;
    }
  }
  return out;
}
