import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { copyArgs, shippedStages } from '../size-helpers';

/** File names of archives and compressed files (the path part of a URL, without query or fragment). */
const ARCHIVE = /\.(?:tar(?:\.(?:gz|bz2|xz|zst|lz4|lzma|lz|Z))?|tgz|tbz2?|txz|tzst|tlz|zip|7z|gz|bz2|xz|zst)$/i;

export default defineRule<DockerfileContext>({
  id: 'add-remote-archive',
  meta: {
    category: 'size',
    severity: 'warning',
    fixable: false,
    docs: 'ADD stores a remote archive as-is (it unpacks only local ones), so the packed bytes ship to the device next to whatever is unpacked later.',
  },
  check(ctx) {
    for (const stage of shippedStages(ctx)) {
      for (const inst of stage.instructions) {
        if (inst.getKeyword() !== 'ADD') continue;
        // Newer builders can unpack remote archives when asked to: `ADD --unpack=true <url> <dir>`.
        const unpack = ctx.flag(inst, 'unpack');
        if (unpack !== undefined && unpack.toLowerCase() !== 'false') continue;
        const args = copyArgs(inst);
        if (!args) continue;
        for (const src of args.sources) {
          const url = ctx.resolve(src.value, inst).value;
          if (!/^(?:https?|ftp):\/\//i.test(url)) continue;
          let path: string;
          try {
            path = decodeURIComponent(new URL(url).pathname);
          } catch {
            continue;
          }
          const file = path.slice(path.lastIndexOf('/') + 1);
          if (!ARCHIVE.test(file)) continue;
          ctx.report({
            range: src.range,
            message: `ADD does not unpack remote archives, so ${file} stays packed in this layer and anything extracted from it later ships twice; download, verify and unpack it in one RUN (curl -fsSL … | tar -xz, with a checksum) instead.`,
          });
        }
      }
    }
  },
});
