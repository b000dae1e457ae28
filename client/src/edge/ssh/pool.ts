// The pool keeps one connection per device for the whole process: deploys, log streams, probes
// and the tree view all share it instead of opening their own.

import { SshConnection, type StateListener } from './connection';
import type { SshOptions, SshTarget } from './target';

/** One connection per device name, created on first use and reused by everything after. */
export class SshPool {
  private readonly connections = new Map<string, SshConnection>();
  private readonly listeners = new Set<StateListener>();

  constructor(private readonly options: SshOptions) {}

  /** The device's connection (not yet connected if new); a changed target replaces the old one. */
  get(target: SshTarget): SshConnection {
    const existing = this.connections.get(target.name);
    if (existing && JSON.stringify(existing.target) === JSON.stringify(target)) return existing;
    existing?.close();
    const conn = new SshConnection(target, this.options);
    for (const l of this.listeners) conn.onState(l);
    this.connections.set(target.name, conn);
    return conn;
  }

  /** The connection of a device by name, if one was made. */
  find(name: string): SshConnection | undefined {
    return this.connections.get(name);
  }

  /** Listen to the state of every connection, present and future. */
  onState(listener: StateListener): () => void {
    this.listeners.add(listener);
    const stops = [...this.connections.values()].map((c) => c.onState(listener));
    return () => {
      this.listeners.delete(listener);
      stops.forEach((s) => s());
    };
  }

  /** Close one device's connection and forget it. */
  drop(name: string): void {
    this.connections.get(name)?.close();
    this.connections.delete(name);
  }

  /** Close everything (on deactivate or at the end of a CLI run). */
  closeAll(): void {
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }
}
