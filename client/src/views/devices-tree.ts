// The "Edge Devices" tree: each device with its connection state, platform and runtime; under it
// its containers (state, image, uptime) and images, read when expanded.

import * as vscode from 'vscode';
import { listContainers, listImages } from '../edge/devices/inventory';
import type { DeviceService, DeviceView } from './devices-service';

/** A node of the tree. */
export type DeviceNode =
  | { kind: 'device'; name: string }
  | { kind: 'group'; name: string; group: 'containers' | 'images' }
  | { kind: 'leaf'; item: vscode.TreeItem };

/** One line about a device's state, for the tree and the status bar. */
export function stateText(v: DeviceView): string {
  const s = v.state;
  if (!s || s.status === 'idle') return v.error ? 'failed' : 'not connected';
  if (s.status === 'reconnecting') return `reconnecting (try ${s.attempt})`;
  return s.status;
}

/** The icon for a device's state. */
export function stateIcon(v: DeviceView): vscode.ThemeIcon {
  const s = v.state?.status;
  if (s === 'connected') return new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed'));
  if (s === 'connecting' || s === 'reconnecting') return new vscode.ThemeIcon('sync~spin');
  if (s === 'failed' || v.error) return new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('testing.iconFailed'));
  return new vscode.ThemeIcon('vm-outline');
}

/** Tree data for the Edge Devices view. */
export class DevicesTree implements vscode.TreeDataProvider<DeviceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeviceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly service: DeviceService) {
    this.sub = service.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: DeviceNode): vscode.TreeItem {
    if (node.kind === 'leaf') return node.item;
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.group === 'containers' ? 'Containers' : 'Images', vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon(node.group === 'containers' ? 'package' : 'file-binary');
      item.contextValue = `pier.${node.group}`;
      return item;
    }
    const d = this.service.find(node.name);
    const v = d ? this.service.view(d) : undefined;
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
    if (!v) return item;
    const isTarget = this.service.target?.name === node.name;
    const rt = v.probe?.runtime;
    item.description = [isTarget ? 'deploy target' : '', stateText(v), v.probe?.platform ?? '', rt ? `${rt.name} ${rt.version ?? ''}`.trim() : ''].filter(Boolean).join(' · ');
    item.iconPath = stateIcon(v);
    item.contextValue = isTarget ? 'pier.device.target' : 'pier.device';
    const t = v.device.target;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${node.name}** — ${t.user}@${t.host}:${t.port}`);
    if (t.jumps.length) md.appendMarkdown(` via ${t.jumps.map((j) => j.host).join(' → ')}`);
    md.appendMarkdown(`\n\nfrom ${v.device.source === 'settings' ? 'the pier.devices setting' : '~/.ssh/config'}`);
    if (v.probe) md.appendMarkdown(`\n\n${v.probe.os} · ${v.probe.platform ?? v.probe.machine}`);
    if (v.error) md.appendMarkdown(`\n\n$(error) ${v.error}`);
    item.tooltip = md;
    return item;
  }

  async getChildren(node?: DeviceNode): Promise<DeviceNode[]> {
    if (!node) return this.service.views().map((v) => ({ kind: 'device', name: v.device.name }));
    if (node.kind === 'leaf') return [];
    const d = this.service.find(node.name);
    if (!d) return [];
    if (node.kind === 'device') {
      try {
        const p = this.service.view(d).probe ?? (await this.service.probe(d));
        if (!p.runtime || p.runtime.access === 'denied' || p.runtime.access === 'not-running') {
          return [leaf(p.runtime ? `${p.runtime.name}: ${p.runtime.access === 'denied' ? 'permission denied' : 'engine not answering'} — run the doctor` : 'no container runtime found', 'warning')];
        }
        return [
          { kind: 'group', name: d.name, group: 'containers' },
          { kind: 'group', name: d.name, group: 'images' },
        ];
      } catch (e) {
        return [leaf((e as Error).message, 'error')];
      }
    }
    const rt = this.service.view(d).probe?.runtime;
    if (!rt) return [];
    const conn = this.service.pool.get(d.target);
    try {
      if (node.group === 'containers') {
        const cs = await listContainers(conn, rt);
        if (!cs.length) return [leaf('no containers', 'info')];
        return cs.map((c) => {
          const item = new vscode.TreeItem(c.name);
          item.description = `${c.state} · ${c.image} · ${c.status}`;
          item.iconPath = new vscode.ThemeIcon(c.state === 'running' ? 'debug-start' : 'debug-stop');
          item.tooltip = `${c.name}\n${c.image}\n${c.status}\n${c.id.slice(0, 12)}`;
          item.contextValue = 'pier.container';
          item.id = JSON.stringify(['pier.container', d.name, c.name]); // read by commands/container-pick.ts
          return { kind: 'leaf', item };
        });
      }
      const images = await listImages(conn, rt);
      if (!images.length) return [leaf('no images', 'info')];
      return images.map((i) => {
        const item = new vscode.TreeItem(i.ref);
        item.description = `${i.size} · ${i.created}`;
        item.iconPath = new vscode.ThemeIcon('file-binary');
        item.tooltip = `${i.ref}\n${i.id}`;
        item.contextValue = 'pier.image';
        return { kind: 'leaf', item };
      });
    } catch (e) {
      return [leaf((e as Error).message, 'error')];
    }
  }

  /** Redraw everything (after refresh). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

function leaf(text: string, icon: string): DeviceNode {
  const item = new vscode.TreeItem(text);
  item.iconPath = new vscode.ThemeIcon(icon);
  item.tooltip = text;
  return { kind: 'leaf', item };
}
