// Typed errors of the device layer. Each kind carries the facts a user needs and a message that
// says what to do; the extension and the CLI show `message` as is. No secret ever goes into one.

/** What went wrong, as a closed set the UI can switch on. */
export type DeviceErrorKind =
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'unreachable'
  | 'timeout'
  | 'connection-lost'
  | 'runtime-missing'
  | 'permission-denied'
  | 'command-failed'
  | 'aborted'
  | 'config';

/** Base of every error the device layer throws on purpose. */
export class DeviceError extends Error {
  /** Whether reconnecting could help (false for auth and host-key problems). */
  readonly retryable: boolean;
  constructor(
    readonly kind: DeviceErrorKind,
    readonly device: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeviceError';
    this.retryable = options?.retryable ?? false;
  }
}

/** A host key as shown to a person: type and OpenSSH-style SHA256 fingerprint. */
export interface HostKeyInfo {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

/** The device offered a host key that no known_hosts file lists. */
export class HostKeyUnknownError extends DeviceError {
  constructor(device: string, readonly key: HostKeyInfo) {
    super(
      'host-key-unknown',
      device,
      `The host key of ${device} (${hostPort(key)}) is not known yet: ${key.keyType} ${key.fingerprint}. ` +
        `Compare it with the device's own (run 'ssh-keygen -lf /etc/ssh/ssh_host_${shortType(key.keyType)}_key.pub' on it), ` +
        `then trust it: answer Trust in VS Code, or pass --accept-new-host-key to pier.`,
    );
    this.name = 'HostKeyUnknownError';
  }
}

/** The device offered a key different from the one recorded: refused, never silently replaced. */
export class HostKeyChangedError extends DeviceError {
  constructor(
    device: string,
    readonly key: HostKeyInfo,
    readonly knownIn: string[],
  ) {
    super(
      'host-key-changed',
      device,
      `WARNING: the host key of ${device} (${hostPort(key)}) has CHANGED; the connection was refused. ` +
        `It now offers ${key.keyType} ${key.fingerprint}. Someone may be intercepting the connection, or the device was reinstalled. ` +
        `Only if you know the device was reinstalled, remove the old key with ` +
        knownIn.map((f) => `'ssh-keygen -R ${knownHostsName(key)} -f ${f}'`).join(' and ') +
        ' and connect again.',
    );
    this.name = 'HostKeyChangedError';
  }
}

/** The name under which known_hosts records a host: plain for port 22, `[host]:port` otherwise. */
export function knownHostsName(k: { host: string; port: number }): string {
  return k.port === 22 ? k.host : `[${k.host}]:${k.port}`;
}

function hostPort(k: { host: string; port: number }): string {
  return `${k.host}:${k.port}`;
}

function shortType(t: string): string {
  if (t.startsWith('ecdsa')) return 'ecdsa';
  if (t.includes('ed25519')) return 'ed25519';
  if (t.includes('rsa')) return 'rsa';
  return t;
}

/** Shorthand constructors with the message for each kind. */
export const deviceErrors = {
  auth: (device: string, user: string, tried: string[], cause?: unknown) =>
    new DeviceError(
      'auth',
      device,
      `${device} refused to log in ${user} (tried: ${tried.length ? tried.join(', ') : 'nothing: no agent, key or password available'}). ` +
        `Put your public key in ~${user}/.ssh/authorized_keys on the device (for example with ssh-copy-id), ` +
        `set identityFile for the device, or load the key into ssh-agent.`,
      { cause },
    ),
  unreachable: (device: string, where: string, code: string, cause?: unknown) =>
    new DeviceError(
      'unreachable',
      device,
      `${device} cannot be reached at ${where} (${code}). Check that it is powered on and on the network, that the host and port are right, and that sshd runs on it.`,
      { cause, retryable: true },
    ),
  timeout: (device: string, where: string, ms: number, cause?: unknown) =>
    new DeviceError(
      'timeout',
      device,
      `${device} at ${where} did not answer within ${Math.round(ms / 100) / 10} s. Check its network link (Wi-Fi, cable) and that the address is right; Pier retries on its own.`,
      { cause, retryable: true },
    ),
  connectionLost: (device: string, cause?: unknown) =>
    new DeviceError(
      'connection-lost',
      device,
      `The connection to ${device} was lost while a command ran${cause instanceof Error ? ` (${cause.message})` : ''}. The command's outcome on the device is unknown; Pier reconnects by itself, so run it again once ${device} is back.`,
      { cause, retryable: true },
    ),
  runtimeMissing: (device: string, detail?: string) =>
    new DeviceError(
      'runtime-missing',
      device,
      `${device} has no usable container runtime${detail ? `: ${detail}` : ''}. Install Docker (apt-get install docker.io) or Podman on the device, or start its engine (sudo systemctl start docker).`,
    ),
  permissionDenied: (device: string, user: string, runtime: string, detail?: string) =>
    new DeviceError(
      'permission-denied',
      device,
      `${user} on ${device} may not use ${runtime}${detail ? ` (${detail})` : ''}. Add the user to the '${runtime === 'podman' ? 'podman' : 'docker'}' group on the device ('sudo usermod -aG docker ${user}', then log in again), or connect as a user who may.`,
    ),
  aborted: (device: string) => new DeviceError('aborted', device, `The operation on ${device} was cancelled.`),
  config: (device: string, message: string) => new DeviceError('config', device, message),
};

/** Whether something is one of this layer's typed errors. */
export function isDeviceError(e: unknown): e is DeviceError {
  return e instanceof DeviceError;
}
