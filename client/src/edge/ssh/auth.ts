// Authentication in OpenSSH's order: agent keys, then key files (asking for a passphrase when a
// key is encrypted), then a password as the last resort. Secrets come from SecretPrompts and are
// reported back only once they proved right; nothing here logs or keeps them.

import { readFile } from 'node:fs/promises';
import type { BaseAgent, OpenSSHAgent, AuthHandlerMiddleware, AuthenticationType, ParsedKey, SignCallback } from 'ssh2';
import { loadSsh2, type Ssh2 } from './ssh2-module';
import { defaultIdentityFiles, type SecretPrompts, type SshEndpoint } from './target';

const MAX_SECRET_TRIES = 3;

/** An agent limited to some of its keys (IdentitiesOnly), signing through the real agent. */
function chosenKeysAgent(ssh2: Ssh2, agent: OpenSSHAgent, keys: ParsedKey[]): BaseAgent<ParsedKey> {
  class ChosenKeysAgent extends ssh2.BaseAgent<ParsedKey> {
    getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
      cb(undefined, keys);
    }
    sign(pubKey: ParsedKey, data: Buffer, options: unknown, cb?: SignCallback): void {
      const done = typeof options === 'function' ? (options as SignCallback) : cb;
      agent.sign(pubKey, data, {}, done);
    }
  }
  return new ChosenKeysAgent();
}

/** What the handler reports while it works, so the connection can pause its timer and explain failures. */
export interface AuthHooks {
  /** Waiting for a person starts (true) or ends (false). */
  waiting(on: boolean): void;
  /** A method was tried; these names go into the auth error message. */
  tried(what: string): void;
}

interface KeyFile {
  path: string;
  /** The private key, when the file holds one that ssh2 can read (possibly encrypted). */
  data?: Buffer;
  /** The public key blob, from the key or the .pub beside it, to match agent keys. */
  publicBlob?: Buffer;
  encrypted: boolean;
}

async function readKeyFiles(ssh2: Ssh2, ep: SshEndpoint, home?: string): Promise<KeyFile[]> {
  const explicit = ep.identityFiles.length > 0;
  const paths = explicit ? ep.identityFiles : defaultIdentityFiles(home);
  const out: KeyFile[] = [];
  for (const path of paths) {
    const data = await readFile(path).catch(() => undefined);
    const parsed = data ? ssh2.utils.parseKey(data) : new Error('missing');
    const encrypted = parsed instanceof Error && /passphrase/i.test(parsed.message);
    let publicBlob = parsed instanceof Error ? undefined : parsed.getPublicSSH();
    if (!publicBlob) {
      // A .pub alone is enough to pick the matching agent key, as OpenSSH does.
      const pub = await readFile(`${path}.pub`, 'utf8').catch(() => undefined);
      const b64 = pub?.trim().split(/\s+/)[1];
      if (b64) publicBlob = Buffer.from(b64, 'base64');
    }
    const usable = data && (encrypted || !(parsed instanceof Error));
    if (usable || publicBlob) out.push({ path, data: usable ? data : undefined, publicBlob, encrypted });
  }
  return out;
}

async function agentKeys(ssh2: Ssh2, socket: string): Promise<{ agent: OpenSSHAgent; keys: ParsedKey[] } | undefined> {
  const agent = new ssh2.OpenSSHAgent(socket);
  const keys = await new Promise<ParsedKey[] | undefined>((resolve) => agent.getIdentities((err, k) => resolve(err ? undefined : (k as ParsedKey[]))));
  return keys?.length ? { agent, keys } : undefined;
}

/** ssh2's authHandler plus a hook to call once the login succeeded. */
export type PierAuthHandler = AuthHandlerMiddleware & { succeeded(): Promise<void> };

/** Build ssh2's authHandler for one hop. */
export async function makeAuthHandler(opts: {
  device: string;
  endpoint: SshEndpoint;
  agentSocket: string | undefined;
  secrets: SecretPrompts | undefined;
  hooks: AuthHooks;
}): Promise<PierAuthHandler> {
  const { device, endpoint: ep, secrets, hooks } = opts;
  const username = ep.user;
  const ssh2 = await loadSsh2();
  const keyFiles = await readKeyFiles(ssh2, ep);
  const fromAgent = opts.agentSocket ? await agentKeys(ssh2, opts.agentSocket) : undefined;
  let agentAuth: BaseAgent | undefined;
  if (fromAgent) {
    // With IdentitiesOnly, only agent keys that match a configured identity file are offered.
    const allowed = ep.identitiesOnly && ep.identityFiles.length ? fromAgent.keys.filter((k) => keyFiles.some((f) => f.publicBlob?.equals(k.getPublicSSH()))) : fromAgent.keys;
    if (allowed.length) agentAuth = chosenKeysAgent(ssh2, fromAgent.agent, allowed);
  }
  const agentBlobs = agentAuth ? fromAgent!.keys.map((k) => k.getPublicSSH()) : [];
  // A key file whose public half the agent already offered is not tried again (no needless prompt).
  const files = keyFiles.filter((f) => f.data && !(f.publicBlob && agentBlobs.some((b) => b.equals(f.publicBlob!))));
  const passwordId = `${ep.user}@${ep.host}:${ep.port}`;

  type Step = () => Promise<Parameters<Parameters<AuthHandlerMiddleware>[2]>[0] | undefined>;
  const steps: Step[] = [];
  if (agentAuth) {
    steps.push(async () => {
      hooks.tried(`ssh-agent (${fromAgent!.keys.length} key${fromAgent!.keys.length === 1 ? '' : 's'})`);
      return { type: 'agent', username, agent: agentAuth! };
    });
  }
  for (const f of files) {
    steps.push(async () => {
      if (!f.encrypted) {
        hooks.tried(f.path);
        return { type: 'publickey', username, key: f.data! };
      }
      if (!secrets?.passphrase) return undefined;
      for (let i = 0; i < MAX_SECRET_TRIES; i++) {
        const pass = await ask(() => secrets.passphrase!({ device, keyFile: f.path, retry: i > 0 }));
        if (pass === undefined) return undefined;
        const parsed = ssh2.utils.parseKey(f.data!, pass);
        if (!(parsed instanceof Error)) {
          await secrets.remember?.('passphrase', f.path, pass);
          hooks.tried(f.path);
          return { type: 'publickey', username, key: parsed };
        }
        await secrets.forget?.('passphrase', f.path);
      }
      hooks.tried(`${f.path} (wrong passphrase)`);
      return undefined;
    });
  }
  let passwordTries = 0;
  let lastPassword: string | undefined;
  const passwordStep = async (methodsLeft: AuthenticationType[] | null) => {
    if (!secrets?.password || passwordTries >= MAX_SECRET_TRIES) return undefined;
    const kbd = methodsLeft ? methodsLeft.includes('keyboard-interactive') : false;
    const pw = methodsLeft ? methodsLeft.includes('password') : true;
    if (!pw && !kbd) return undefined;
    if (passwordTries > 0) await secrets.forget?.('password', passwordId);
    const value = await ask(() => secrets.password!({ device, id: passwordId, retry: passwordTries > 0 }));
    passwordTries++;
    if (value === undefined) return undefined;
    lastPassword = value;
    hooks.tried('password');
    if (pw) return { type: 'password' as const, username, password: value };
    return {
      type: 'keyboard-interactive' as const,
      username,
      prompt: (_n: string, _i: string, _l: string, prompts: { prompt: string; echo?: boolean }[], finish: (answers: string[]) => void) =>
        finish(prompts.map((p) => (p.echo ? '' : value))),
    };
  };

  async function ask<T>(fn: () => Promise<T>): Promise<T> {
    hooks.waiting(true);
    try {
      return await fn();
    } finally {
      hooks.waiting(false);
    }
  }

  // ssh2 accepts `false` to end authentication, though its types do not say so.
  const giveUp = (next: unknown) => (next as (a: false) => void)(false);
  let index = 0;
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    void (async () => {
      const allows = (t: AuthenticationType) => !methodsLeft || methodsLeft.includes(t);
      while (index < steps.length) {
        const step = steps[index++];
        if (!allows('publickey')) continue;
        const auth = await step();
        if (auth) return next(auth);
      }
      const pw = await passwordStep(methodsLeft);
      if (pw) return next(pw as never);
      giveUp(next);
    })().catch(() => giveUp(next));
  };
  return Object.assign(handler, {
    /** After a successful login, keep the password that worked. */
    async succeeded() {
      if (lastPassword !== undefined) await secrets?.remember?.('password', passwordId, lastPassword);
    },
  });
}
