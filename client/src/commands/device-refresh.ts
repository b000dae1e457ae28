// "Refresh": read the device list again and probe the devices that are connected.

import type { DeviceService } from '../views/devices-service';
import type { DevicesTree } from '../views/devices-tree';

/** pier.refreshDevices */
export async function refreshDevices(service: DeviceService, tree: DevicesTree): Promise<void> {
  await service.reload();
  await Promise.allSettled(service.views().filter((v) => v.state?.status === 'connected').map((v) => service.probe(v.device)));
  tree.refresh();
}
