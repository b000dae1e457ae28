// Asking the person: an unknown host key (trusted only on an explicit Trust), key passphrases and
// passwords. Secrets live only in VS Code's SecretStorage, and only after they worked.

import * as vscode from 'vscode';
import type { HostKeyInfo } from '../edge/ssh/errors';
import type { SecretPrompts } from '../edge/ssh/target';

const TRUST = 'Trust and connect';

/** Show an unknown host key with its SHA256 fingerprint; true only when the person picks Trust. */
export async function confirmHostKey(key: HostKeyInfo, device: string): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(
    `Pier has never connected to ${device} (${key.host}:${key.port}) before.`,
    {
      modal: true,
      detail:
        `Its host key is\n\n${key.keyType}\n${key.fingerprint}\n\n` +
        `Trust it only if this matches the device's own key (on the device: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub). ` +
        `Pier remembers a trusted key and refuses the device if it ever changes.`,
    },
    TRUST,
  );
  return answer === TRUST;
}

const secretKey = (kind: 'passphrase' | 'password', id: string) => `pier.ssh.${kind}:${id}`;

/** SecretPrompts backed by SecretStorage: a stored secret first, then one question. */
export function secretPrompts(storage: vscode.SecretStorage): SecretPrompts {
  return {
    async passphrase({ device, keyFile, retry }) {
      if (!retry) {
        const kept = await storage.get(secretKey('passphrase', keyFile));
        if (kept !== undefined) return kept;
      }
      return vscode.window.showInputBox({
        title: `Passphrase for ${keyFile}`,
        prompt: `${retry ? 'That passphrase was wrong. ' : ''}Pier needs this key to connect to ${device}. It is kept in VS Code's secret storage.`,
        password: true,
        ignoreFocusOut: true,
      });
    },
    async password({ device, id, retry }) {
      if (!retry) {
        const kept = await storage.get(secretKey('password', id));
        if (kept !== undefined) return kept;
      }
      return vscode.window.showInputBox({
        title: `Password for ${id}`,
        prompt: `${retry ? 'The device refused that password. ' : ''}${device} accepted no key. A key is safer: see "Pier: Add Device". The password is kept in VS Code's secret storage.`,
        password: true,
        ignoreFocusOut: true,
      });
    },
    remember: async (kind, id, value) => {
      await storage.store(secretKey(kind, id), value);
    },
    forget: async (kind, id) => {
      await storage.delete(secretKey(kind, id));
    },
  };
}
