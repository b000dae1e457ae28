// "Open SSH Terminal": a login shell on the device over the same pooled connection, so host key
// checks, jump hosts and kept secrets apply as everywhere else.

import * as vscode from 'vscode';
import type { ClientChannel } from 'ssh2';
import { openShell } from '../edge/ssh/exec';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';
import { pickDevice } from './device-pick';

/** pier.openDeviceTerminal */
export async function openDeviceTerminal(service: DeviceService, node?: DeviceNode): Promise<void> {
  const d = await pickDevice(service, node, 'Open a terminal on which device?');
  if (!d) return;
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let channel: ClientChannel | undefined;
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open(dims) {
      write.fire(`Connecting to ${d.name}…\r\n`);
      openShell(service.pool.get(d.target), { term: 'xterm-256color', rows: dims?.rows ?? 24, cols: dims?.columns ?? 80 })
        .then((ch) => {
          channel = ch;
          ch.on('data', (b: Buffer) => write.fire(b.toString('utf8')));
          ch.stderr.on('data', (b: Buffer) => write.fire(b.toString('utf8')));
          ch.on('close', () => close.fire(0));
        })
        .catch((e: Error) => {
          write.fire(`\r\n${e.message}\r\n`);
          close.fire(1);
        });
    },
    close: () => channel?.close(),
    handleInput: (data) => channel?.write(data),
    setDimensions: (dims) => channel?.setWindow(dims.rows, dims.columns, 0, 0),
  };
  vscode.window.createTerminal({ name: `Pier: ${d.name}`, pty, iconPath: new vscode.ThemeIcon('vm') }).show();
}
