import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { positionals, unwrap, type ShellCommand, type ShellWord } from '../shell';
import { declaredVars, runAssigns } from '../security-helpers';

const TAIL = 'so anyone on the network path can swap what is downloaded';
const TLS = `turns off TLS certificate checks, ${TAIL}`;
const SIGNATURES = 'turns off package signature checks, so unsigned or altered packages install without a word';

/** A finding inside one command: the word to point at and what it does. */
interface Hit {
  word: ShellWord;
  what: string;
  why: string;
}

/** A word every finding of this rule contains (a tool name, a flag or a setting). */
const MAYBE_INSECURE = /curl|conda|insecure|no-check|check.cert|allow|force-yes|trusted|verify|strict[-_]?ssl|secure-http|ssl_verify|tls/i;

const FALSE = /^(false|0|no|off)$/i;
const TRUE = /^(true|1|yes|on)$/i;

export default defineRule<DockerfileContext>({
  id: 'tls-verification-disabled',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'With certificate or signature checks off, whoever sits between the builder and the server decides what goes into the image.',
  },
  check(ctx) {
    for (const v of declaredVars(ctx)) {
      if (v.value === null) continue;
      const why = insecureVariable(v.name, v.value);
      if (why) ctx.report({ range: v.range, message: `${v.keyword} ${v.name}=${shown(v.value)} ${why}.` });
    }
    for (const run of ctx.runs) {
      // Every check below needs one of these words in the RUN's text; most RUNs have none.
      if (!MAYBE_INSECURE.test(ctx.textOf(run.instruction.getRange()))) continue;
      for (const a of runAssigns(run)) {
        if (a.value.includes('$')) continue;
        const why = insecureVariable(a.name, a.value);
        if (why) ctx.report({ range: a.range, message: `${a.name}=${shown(a.value)} ${why}.` });
      }
      for (const c of run.shell.commands) {
        for (const h of commandHits(unwrap(c))) ctx.report({ range: h.word.range, message: `${h.what} ${h.why}.` });
      }
    }
  },
});

/** Environment variables that switch verification off in common tools. */
function insecureVariable(name: string, value: string): string | undefined {
  const n = name.toUpperCase();
  const v = value.trim();
  if (n === 'NODE_TLS_REJECT_UNAUTHORIZED' && v === '0') return `makes Node.js accept any certificate, ${TAIL}`;
  // git only asks whether the variable is set, so even `false` switches checks off.
  if (n === 'GIT_SSL_NO_VERIFY' && v !== '') return `makes git skip certificate checks, ${TAIL}`;
  if (n === 'PYTHONHTTPSVERIFY' && v === '0') return `makes Python's urllib skip certificate checks, ${TAIL}`;
  if (n === 'CURL_CA_BUNDLE' && v === '') return `empties the CA bundle setting, a known way to make Python requests skip certificate checks, ${TAIL}`;
  if ((n === 'NPM_CONFIG_STRICT_SSL' || n === 'YARN_STRICT_SSL' || n === 'YARN_ENABLE_STRICT_SSL') && FALSE.test(v)) return TLS;
  if (n === 'PIP_TRUSTED_HOST' && v !== '') return `lets pip use plain HTTP or any certificate for ${v}, ${TAIL}`;
  if (n === 'GOINSECURE' && v !== '') return `lets go fetch ${v} without TLS checks, ${TAIL}`;
  if (n === 'GOFLAGS' && /(^|\s)-insecure\b/.test(v)) return TLS;
  return undefined;
}

/** Checks that apply to one (unwrapped) command. */
function commandHits(cmd: ShellCommand): Hit[] {
  const args = cmd.args.slice(1);
  const hits: Hit[] = [];
  const flag = (test: (v: string) => boolean, why: string) => {
    for (const w of args) if (test(w.value)) hits.push({ word: w, what: `${cmd.name} ${w.value}`, why });
  };
  /** `key value` pairs such as `config set strict-ssl false`. */
  const setting = (key: RegExp, bad: RegExp, why: string) => {
    args.forEach((w, i) => {
      const next = args[i + 1];
      if (key.test(w.value) && next && bad.test(next.value)) hits.push({ word: w, what: `${cmd.name} … ${w.value} ${next.value}`, why });
    });
  };
  const name = cmd.name;
  if (name === 'curl') flag((v) => v === '--insecure' || v === '--proxy-insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(v), TLS);
  else if (name === 'wget') flag((v) => v === '--no-check-certificate' || /^--check-certificate=(off|quiet)$/.test(v), TLS);
  else if (name === 'apt-get' || name === 'apt' || name === 'aptitude') {
    flag((v) => v === '--allow-unauthenticated' || v === '--allow-insecure-repositories' || v === '--force-yes', SIGNATURES);
    hits.push(...configText(cmd));
  } else if (name === 'apk') {
    if (apkFromRemote(cmd)) flag((v) => v === '--allow-untrusted', SIGNATURES);
  } else if (/^pip[0-9.]*$/.test(name) || (/^python[0-9.]*$/.test(name) && args.some((a, i) => a.value === '-m' && /^pip[0-9.]*$/.test(args[i + 1]?.value ?? '')))) {
    flag((v) => v === '--trusted-host' || v.startsWith('--trusted-host='), `lets pip use plain HTTP or any certificate for that host, ${TAIL}`);
    setting(/^(global|install|download)\.trusted-host$/, /./, `lets pip use plain HTTP or any certificate for that host, ${TAIL}`);
  } else if (name === 'uv') {
    flag((v) => v === '--allow-insecure-host' || v.startsWith('--allow-insecure-host='), TLS);
  } else if (name === 'npm' || name === 'yarn' || name === 'pnpm') {
    flag((v) => /^--?strict-ssl=(false|0)$/i.test(v) || v === '--no-strict-ssl' || /^strict-ssl=(false|0)$/i.test(v), TLS);
    setting(/^(--)?strict-ssl$|^enableStrictSsl$/i, FALSE, TLS);
  } else if (name === 'git') {
    flag((v) => /^http\.(.*\.)?sslverify=(false|0|no|off)$/i.test(v), TLS);
    setting(/^http\.(.*\.)?sslverify$/i, FALSE, TLS);
  } else if (name === 'composer') {
    setting(/^disable-tls$/, TRUE, TLS);
    setting(/^secure-http$/, FALSE, TLS);
  } else if (name === 'conda' || name === 'mamba' || name === 'micromamba') {
    flag((v) => v === '--insecure' || v === '-k', TLS);
    setting(/^ssl_verify$/, FALSE, TLS);
  } else if (name === 'go') {
    flag((v) => v === '-insecure', TLS);
  } else {
    hits.push(...configText(cmd));
  }
  // Cluster and registry clients share these spellings.
  flag((v) => v.startsWith('--') && (v === '--insecure-skip-tls-verify' || v === '--insecure-skip-tls-verify=true' || /^--(src-|dest-)?tls-?verify=(false|0)$/i.test(v)), TLS);
  return hits;
}

/** `apk add --allow-untrusted` of packages by name or from a repository, not of local .apk files. */
function apkFromRemote(cmd: ShellCommand): boolean {
  const sub = positionals(cmd)[0]?.value;
  if (sub !== 'add') return false;
  const valued = new Set(['-t', '--virtual', '-X', '--repository', '--root', '-p', '--keys-dir', '--repositories-file', '--arch', '--cache-dir']);
  const args = cmd.args.slice(1);
  const pkgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-X' || v === '--repository' || v.startsWith('--repository=')) return true;
    if (v.startsWith('-')) {
      if (valued.has(v)) i++;
      continue;
    }
    pkgs.push(v);
  }
  // Packages the build made itself have no signature to check (the nginx image builds its modules so).
  return pkgs.slice(1).some((p) => !p.includes('/') && !p.endsWith('.apk'));
}

/** Configuration text written by echo/printf/tee and apt's `-o`: apt, yum, npm and wget settings. */
function configText(cmd: ShellCommand): Hit[] {
  const hits: Hit[] = [];
  const args = cmd.args.slice(1);
  let trustedWord = false;
  for (const w of args) {
    const v = w.value;
    // One cheap test first: nearly every word of a RUN is none of these settings.
    if (!/verify|allow|strict-ssl|check_cert|trusted/i.test(v)) continue;
    if (/trusted/i.test(v)) trustedWord = true;
    if (/Verify-(Peer|Host)["']?\s*(=|\s)\s*["']?(false|0|no)\b/i.test(v)) hits.push({ word: w, what: v.trim(), why: TLS });
    else if (/(AllowUnauthenticated|AllowInsecureRepositories)["']?\s*(=|\s)\s*["']?(true|1|yes)\b/i.test(v)) hits.push({ word: w, what: v.trim(), why: SIGNATURES });
    else if (/^\s*sslverify\s*=\s*(0|false|no)\s*$/im.test(v)) hits.push({ word: w, what: 'sslverify=0', why: TLS });
    else if (/^\s*strict-ssl\s*=\s*false\s*$/im.test(v)) hits.push({ word: w, what: 'strict-ssl=false', why: TLS });
    else if (/^\s*check_certificate\s*=\s*off\s*$/im.test(v)) hits.push({ word: w, what: 'check_certificate = off', why: TLS });
  }
  // `deb [trusted=yes] https://...` (a local `file:` repository has nothing to intercept).
  const line = trustedWord ? args.map((a) => a.value).join(' ') : '';
  if (trustedWord && /\[[^\]]*\btrusted\s*=\s*yes\b[^\]]*\]\s*(https?|ftp):\/\//i.test(line)) {
    const w = args.find((a) => /trusted\s*=\s*yes/i.test(a.value));
    if (w) hits.push({ word: w, what: '[trusted=yes] on a remote apt source', why: SIGNATURES });
  }
  return hits;
}

function shown(value: string): string {
  return value === '' ? '""' : value;
}
