import { isSeq } from 'yaml';
import { defineRule, type Fix, type TextEdit } from '../../engine/types';
import type { ComposeContext, Service } from '../context';
import { columnOf, insertIntoMap, layoutOf, renderLines, seqLevel } from '../edits';
import { hasVariables } from '../interpolation';
import { mergeInserts, ownPair } from '../rule-helpers';
import { serviceEnvironment, type EnvEntry } from '../service-parts';
import { nodeSpan } from '../yaml-doc';

// Name segments that mark a secret, alone or as a pair (`API_KEY`, `SECRET_KEY`).
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PWD', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIALS', 'PASSPHRASE']);
const SECRET_PAIRS = new Set(['API_KEY', 'ACCESS_KEY', 'SECRET_KEY', 'PRIVATE_KEY', 'AUTH_KEY', 'CLIENT_SECRET', 'MASTER_KEY', 'ENCRYPTION_KEY', 'SIGNING_KEY']);
// A last segment that makes the variable about a secret rather than the secret itself.
const NOT_SECRET_TAIL = new Set(['FILE', 'PATH', 'DIR', 'URL', 'URI', 'ENDPOINT', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'TTL', 'EXPIRE', 'LIFETIME', 'AGE', 'ROUNDS', 'SIZE', 'COUNT', 'LENGTH', 'LEN', 'MIN', 'MAX', 'ENABLED', 'ENABLE', 'REQUIRED', 'TYPE', 'ALGORITHM', 'HEADER', 'NAME', 'POLICY', 'ID', 'USER', 'USERNAME', 'HOST', 'PORT', 'TIMEOUT']);
// Values that say how to find a secret, or switch something on, rather than being one.
const HARMLESS = /^(true|false|yes|no|on|off|0|1|none|null|changeme|random|empty|)$/i;
// Token shapes worth catching whatever the variable is called.
const TOKEN_SHAPES: Array<[RegExp, string]> = [
  [/^AKIA[0-9A-Z]{16}$/, 'an AWS access key'],
  [/^gh[pousr]_[A-Za-z0-9]{36,}$/, 'a GitHub token'],
  [/^xox[abposr]-[A-Za-z0-9-]{10,}$/, 'a Slack token'],
  [/^sk_live_[A-Za-z0-9]{16,}$/, 'a Stripe secret key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
];

/** Why an environment entry looks like a secret written in the file, or undefined. */
export function secretReason(e: EnvEntry): string | undefined {
  const v = e.value?.trim();
  if (v === undefined || v === '' || hasVariables(v)) return undefined;
  for (const [re, what] of TOKEN_SHAPES) if (re.test(v)) return `its value looks like ${what}`;
  const cred = /^[a-z][a-z0-9+.-]*:\/\/([^:/@\s]+):([^@/\s]+)@/i.exec(v);
  if (cred && cred[2] !== '') return 'its value is a connection string with a password in it';
  const segs = e.name.toUpperCase().split(/[_.-]+/).filter(Boolean);
  if (!segs.length || NOT_SECRET_TAIL.has(segs[segs.length - 1])) return undefined;
  const named = segs.some((s) => SECRET_WORDS.has(s)) || segs.some((s, i) => i > 0 && SECRET_PAIRS.has(`${segs[i - 1]}_${s}`));
  if (!named || HARMLESS.test(v) || v.startsWith('/run/secrets/') || (/^[/~.]/.test(v) && !/\s/.test(v) && v.includes('/'))) return undefined;
  return 'its name says it is a secret and the value is written in the file';
}

export default defineRule<ComposeContext>({
  id: 'secret-in-environment',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: true,
    docs: 'A password in `environment:` lands in version control, in `docker inspect` and in every crash dump; a secret file keeps it out of all three.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      for (const e of serviceEnvironment(ctx, svc)) {
        const why = secretReason(e);
        if (!why) continue;
        const fix = moveToSecret(ctx, svc, e);
        ctx.report({
          range: e.nameRange,
          message: `\`${e.name}\` in service \`${svc.name}\` holds a secret in plain text (${why}); move it into a \`secrets:\` file the container reads at /run/secrets.`,
          fixes: fix ? [fix] : undefined,
        });
      }
    }
  },
});

/** Replace `NAME: value` by `NAME_FILE: /run/secrets/name`, and declare the secret for the service and the project. */
function moveToSecret(ctx: ComposeContext, svc: Service, e: EnvEntry): Fix | undefined {
  if (!svc.map || svc.map.flow || !ctx.root || ctx.root.flow) return undefined;
  const taken = ctx.resources('secrets');
  let name = e.name.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
  if (taken.has(name)) name = `${svc.name}_${name}`;
  if (taken.has(name)) return undefined;
  const file = `./secrets/${name}.txt`;
  const edits: TextEdit[] = [];
  if (e.pair) {
    const ks = nodeSpan(e.pair.key);
    const vs = nodeSpan(e.pair.value);
    if (!ks || !vs || ownPair(ctx.yaml.map(svc.get('environment')), e.name) !== e.pair) return undefined;
    edits.push({ range: ctx.lines.range(ks[0], ks[1]), newText: `${e.name}_FILE` }, { range: ctx.lines.range(vs[0], vs[1]), newText: `/run/secrets/${name}` });
  } else if (e.item) {
    edits.push({ range: ctx.range(e.item), newText: `${e.name}_FILE=/run/secrets/${name}` });
  } else return undefined;

  const { eol } = layoutOf(ctx);
  const own = ownPair(svc.map, 'secrets');
  if (own) {
    const seq = own.value;
    if (!isSeq(seq) || seq.flow || !seq.items.length) return undefined;
    const last = seq.items[seq.items.length - 1];
    const span = nodeSpan(last);
    if (!span) return undefined;
    const end = ctx.lines.positionAt(span[1]);
    edits.push({ range: { start: end, end }, newText: `${eol}${' '.repeat(columnOf(ctx, seq))}- ${name}` });
  } else {
    const ins = insertIntoMap(ctx, svc.map, [[0, 'secrets:'], [seqLevel(ctx, 0), `- ${name}`]]);
    if (!ins) return undefined;
    edits.push(ins);
  }

  const top = ownPair(ctx.root, 'secrets');
  if (top) {
    const ins = insertIntoMap(ctx, ctx.yaml.map(top.value), [[0, `${name}:`], [1, `file: ${file}`]]);
    if (!ins) return undefined;
    edits.push(ins);
  } else {
    const end = ctx.lines.positionAt(ctx.text.length);
    const lead = ctx.text.length && !ctx.text.endsWith('\n') ? eol : '';
    edits.push({ range: { start: end, end }, newText: `${lead}secrets:${eol}${renderLines(ctx, 0, [[1, `${name}:`], [2, `file: ${file}`]])}${eol}` });
  }
  return { title: `Move ${e.name} into secret \`${name}\` (put the value in ${file}; the image must read ${e.name}_FILE)`, edits: mergeInserts(edits) };
}
