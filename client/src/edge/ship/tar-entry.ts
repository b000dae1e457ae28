// One entry of a tar archive being written (tar-stream's pack), from bytes or from a stream, as a
// promise. Every failure rejects it: the body's, the entry's own, and the archive being torn down
// (a cancel, a dropped link) while the entry is written; none is left to throw with no listener.

import type { Readable, Transform } from 'node:stream';
import type { Header, Pack } from 'tar-stream';

/** An entry's header: its name, and what else differs from tar-stream's defaults. */
export type EntryHeader = Partial<Header> & Pick<Header, 'name'>;

/** A plain file's header as Pier writes archives: mode 644, time 0, so the same bytes give the same archive. */
export function fileHeader(name: string, size?: number): EntryHeader {
  return { name, size, mode: 0o644, mtime: new Date(0) };
}

/** Write `body` as the entry `header` of `p`, through `through` when given (a byte counter). */
export function packEntry(p: Pack, header: EntryHeader, body: Buffer | Readable, through?: Transform): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (Buffer.isBuffer(body)) {
      p.entry({ ...header, size: body.length }, body, done).on('error', reject);
      return;
    }
    const sink = p.entry(header, done) as unknown as NodeJS.WritableStream;
    sink.on('error', reject);
    body.on('error', reject);
    if (through) body.pipe(through).pipe(sink);
    else body.pipe(sink);
  });
}
