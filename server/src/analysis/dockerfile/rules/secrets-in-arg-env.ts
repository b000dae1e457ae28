import { defineRule, type Range } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { declaredVars, runAssigns } from '../security-helpers';

/** Name parts that mark a secret wherever they stand. */
const SECRET_PARTS = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'CREDENTIALS', 'CREDENTIAL', 'CREDS', 'APIKEY']);
/** A last part that says the variable describes a secret rather than holding it. */
const DESCRIPTIVE_LAST = new Set([
  'FILE', 'PATH', 'DIR', 'VERSION', 'SHA', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'CHECKSUM', 'HASH', 'FINGERPRINT',
  'ID', 'NAME', 'USER', 'USERNAME', 'LENGTH', 'LEN', 'MIN', 'MAX', 'POLICY', 'HEADER', 'TYPE', 'ENABLED', 'REQUIRED',
  'HOST', 'PORT', 'TTL', 'EXPIRY', 'EXPIRES', 'LIFETIME', 'PREFIX', 'ALGORITHM', 'FORMAT', 'METHOD', 'KEYRING',
  'KEYSERVER', 'URL', 'URI', 'ENDPOINT', 'MODE', 'SIZE', 'TIMEOUT', 'REF', 'ROUNDS', 'ITERATIONS', 'COST', 'COUNT',
  'LIMIT', 'RETRIES', 'ATTEMPTS', 'STRENGTH', 'COMPLEXITY',
]);
/** Words before KEY that make it a secret key. */
const KEY_KINDS = new Set(['API', 'ACCESS', 'PRIVATE', 'SECRET', 'ENCRYPTION', 'MASTER', 'APP', 'LICENSE', 'SSH', 'CLIENT', 'SERVICE', 'AUTH', 'SESSION', 'SIGNING', 'HMAC', 'JWT', 'STRIPE', 'OPENAI']);

/** Values that are secrets whatever the variable is called. */
const SECRET_VALUES: Array<[RegExp, string]> = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/, 'a GitLab token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, 'a Slack token'],
  [/\b[rs]k_live_[A-Za-z0-9]{20,}\b/, 'a Stripe key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/, 'a private key'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@$]+:[^/\s@$]+@[^/\s]/i, 'a URL with a password'],
];

/** True when a variable name says it holds a secret. */
export function secretName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[_.-]+/)
    .filter(Boolean);
  if (!parts.length || DESCRIPTIVE_LAST.has(parts[parts.length - 1])) return false;
  // GPG key ids and fingerprints are public (the python and redis images pin them this way).
  if (parts.some((p) => p.includes('GPG') || p.includes('PGP') || p === 'PUBLIC' || p === 'PUB')) return false;
  if (name === 'PWD' || name === 'OLDPWD') return false;
  if (parts.some((p) => SECRET_PARTS.has(p))) return true;
  if (parts.length > 1 && (parts[parts.length - 1] === 'PWD' || parts[parts.length - 1] === 'PASS' || parts[parts.length - 1] === 'AUTH')) return true;
  const key = parts.lastIndexOf('KEY');
  return key > 0 && key === parts.length - 1 && parts.slice(0, key).some((p) => KEY_KINDS.has(p));
}

/** Something every secret shape contains; one test rules out nearly every word. */
const MAYBE_SECRET = /AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|k_live_|npm_|AIza|-----BEGIN|:\/\/[^/\s]*@/;

/** What kind of secret a value is, by its shape; undefined when it looks like none. */
export function secretValue(value: string): string | undefined {
  if (!MAYBE_SECRET.test(value)) return undefined;
  return SECRET_VALUES.find(([re]) => re.test(value))?.[1];
}

/** True when the name ends in the secret word itself (`DB_PASSWORD`), not in a property of it (`TOKEN_EXPIRE`). */
function namesTheSecret(name: string): boolean {
  const last = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[_.-]+/).filter(Boolean).pop() ?? '';
  return SECRET_PARTS.has(last) || ['KEY', 'PASS', 'PWD', 'AUTH'].includes(last);
}

/** Values that hold no secret even under a secret-looking name. */
function harmlessValue(name: string, value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  if (/^(true|false|yes|no|on|off|none|null|nil)$/i.test(v)) return true;
  // A number under `TOKEN_EXPIRE` or `SESSION_SECRET_ROTATION` is a setting; under `DB_PASSWORD` it is the password.
  if (/^\d+$/.test(v) && !namesTheSecret(name)) return true;
  // A path to where the secret will be mounted at run time (`/run/secrets/db`) is the right way.
  return /^\/[^\s]*$/.test(v) && !secretValue(v);
}

export default defineRule<DockerfileContext>({
  id: 'secrets-in-arg-env',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'ENV values live in the image config and ARG values in its history, so every device and registry that holds the image holds the secret.',
  },
  check(ctx) {
    for (const v of declaredVars(ctx)) {
      if (v.value === null) continue;
      const range = v.valueRange ?? v.range;
      const shape = secretValue(v.value);
      const onlyRefs = /^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?\s*)+$/.test(v.value.trim());
      if (shape) {
        report(ctx, range, `${v.keyword} ${v.name} holds ${shape}, ${where(v.keyword)}.`);
      } else if (secretName(v.name) && !harmlessValue(v.name, v.value)) {
        if (onlyRefs) {
          // `ENV TOKEN=$TOKEN` copies a build argument into the config of the shipped image.
          if (v.keyword === 'ENV') report(ctx, v.range, `ENV ${v.name} copies a build argument into the image config, where \`docker inspect\` shows it on every device.`);
          continue;
        }
        report(ctx, range, `${v.keyword} ${v.name} looks like a secret with a value, ${where(v.keyword)}.`);
      }
    }
    for (const run of ctx.runs) {
      for (const a of runAssigns(run)) {
        // `TOKEN=$(cat /run/secrets/token)` is the right way; only literal values are written down.
        if (a.value.includes('$')) continue;
        const shape = secretValue(a.value);
        if (shape || (secretName(a.name) && !harmlessValue(a.name, a.value))) {
          report(ctx, a.range, `${a.name} in a RUN is ${shape ?? 'a secret'} written into the Dockerfile and the image history (\`docker history\`).`);
        }
      }
      if (!MAYBE_SECRET.test(ctx.textOf(run.instruction.getRange()))) continue;
      for (const c of run.shell.commands) {
        for (const w of c.args) {
          if (!w.literal || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value)) continue;
          const shape = secretValue(w.value);
          if (shape) report(ctx, w.range, `This RUN contains ${shape}, which stays readable in the Dockerfile and the image history (\`docker history\`).`);
        }
      }
    }
  },
});

function where(keyword: 'ARG' | 'ENV'): string {
  return keyword === 'ENV'
    ? 'which stays in the image config for anyone who can pull or inspect the image'
    : 'which is written in the Dockerfile and recorded in the image history of the stages that use it';
}

function report(ctx: DockerfileContext, range: Range, message: string): void {
  ctx.report({ range, message });
}
