// Which container a container action acts on: the device tree's container item (its id carries
// the device and container names), else a pick of device then container.

import * as vscode from 'vscode';
import type { Device } from '../edge/devices/list';
import type { ProbeResult } from '../edge/devices/probe';
import { listContainers } from '../edge/run/actions';
import type { SshConnection } from '../edge/ssh/connection';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';
import { pickDevice } from './device-pick';

/** A container on a device, with what acting on it needs. */
export interface PickedContainer {
  device: Device;
  name: string;
  conn: SshConnection;
  probe: ProbeResult;
}

/** The id the device tree gives a container item, and its reading. */
export function containerItemId(device: string, name: string): string {
  return JSON.stringify(['pier.container', device, name]);
}

function fromItem(node: DeviceNode | undefined): { device: string; name: string } | undefined {
  if (node?.kind !== 'leaf' || typeof node.item.id !== 'string') return undefined;
  try {
    const [tag, device, name] = JSON.parse(node.item.id) as unknown[];
    return tag === 'pier.container' && typeof device === 'string' && typeof name === 'string' ? { device, name } : undefined;
  } catch {
    return undefined;
  }
}

/** The container of the clicked item, else asked for; undefined when the person gave up. */
export async function pickContainer(service: DeviceService, node: DeviceNode | undefined, title: string): Promise<PickedContainer | undefined> {
  const item = fromItem(node);
  const device = item ? service.find(item.device) : await pickDevice(service, undefined, title);
  if (!device) return undefined;
  const probe = await service.probe(device);
  if (!probe.runtime) throw new Error(`${device.name} has no container runtime Pier can use.`);
  const conn = service.pool.get(device.target);
  if (item) return { device, name: item.name, conn, probe };
  const rows = await listContainers(conn, probe.runtime);
  if (!rows.length) {
    void vscode.window.showInformationMessage(`There are no containers on ${device.name}.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    rows.map((r) => ({ label: r.name, description: `${r.status} · ${r.image}`, detail: r.app ? `${r.app} ${r.version ?? ''}`.trim() : undefined })),
    { title },
  );
  return pick ? { device, name: pick.label, conn, probe } : undefined;
}
