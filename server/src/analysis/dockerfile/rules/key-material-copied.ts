import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { finalLineage } from '../helpers';
import { copySources } from '../security-helpers';

/** What a source path is, when it is key material; `soft` when it may well be public. */
export function keyMaterial(path: string): { what: string; soft?: boolean } | undefined {
  const p = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const base = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
  const dir = p.slice(0, Math.max(0, p.lastIndexOf('/'))).toLowerCase();
  if (!base || base === '.' || base === '..') return undefined;
  if (/^id_(rsa|dsa|ecdsa|ed25519)(_sk)?([._-][\w.-]*)?$/.test(base) && !base.endsWith('.pub')) return { what: 'an SSH private key' };
  if (base.endsWith('.ppk')) return { what: 'a PuTTY private key' };
  if (base === '.ssh' || base === '.gnupg') return { what: `the ${base} directory with private keys` };
  if (base.endsWith('.key') && !base.endsWith('.pub.key')) return { what: 'a private key' };
  if (/\.(p12|pfx)$/.test(base)) return { what: 'a PKCS#12 bundle with a private key' };
  if (base === '.env' || (/^\.env\.[\w.-]+$/.test(base) && !/\.(example|sample|template|tmpl|tpl|dist|defaults|schema)$/.test(base))) return { what: 'an .env file' };
  if (['.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.pgpass'].includes(base)) return { what: `${base}, which usually holds a token or password` };
  if (base === 'credentials' && dir.endsWith('.aws')) return { what: 'AWS credentials' };
  if (base === '.aws') return { what: 'the .aws directory with credentials' };
  if (base === 'config.json' && dir.endsWith('.docker')) return { what: 'a Docker config with registry logins' };
  if (base === '.docker') return { what: 'the .docker directory with registry logins' };
  if (base === 'kubeconfig' || base.endsWith('.kubeconfig') || (base === 'config' && dir.endsWith('.kube')) || base === '.kube') return { what: 'a kubeconfig with cluster credentials' };
  if (base.endsWith('.pem')) {
    // `privkey.pem`, `server-key.pem` say what they are; `cert.pem`, `ca.pem` are usually public.
    if (/(key|private|priv)/.test(base.replace(/\.pem$/, ''))) return { what: 'a private key' };
    return { what: 'a PEM file, which may hold a private key', soft: true };
  }
  return undefined;
}

export default defineRule<DockerfileContext>({
  id: 'key-material-copied',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'A key copied into a layer ships to every device and registry with the image and stays there even if a later step deletes it.',
  },
  check(ctx) {
    const shipped = new Set(finalLineage(ctx));
    for (const stage of ctx.stages) {
      for (const inst of stage.instructions) {
        const k = inst.getKeyword();
        if (k !== 'COPY' && k !== 'ADD') continue;
        for (const src of copySources(inst)) {
          const path = src.value.includes('$') ? ctx.resolve(src.value, inst).value : src.value;
          if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith('git@')) continue;
          const km = keyMaterial(path);
          if (!km) continue;
          const inFinal = shipped.has(stage);
          ctx.report({
            range: src.range,
            severity: km.soft || !inFinal ? 'info' : undefined,
            message: inFinal
              ? `${k} puts ${km.what} into a layer of the image, where anyone who pulls it can read it, even if a later step deletes it.`
              : `${k} puts ${km.what} into a build stage; it stays in the build cache and history, so mount it for the one RUN that needs it instead.`,
          });
        }
      }
    }
  },
});
