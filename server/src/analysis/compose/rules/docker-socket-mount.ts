import { posix } from 'node:path';
import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { isTrue } from '../rule-helpers';
import { serviceMounts } from '../service-parts';

// The engines' API sockets: whoever can write to one can start a privileged container.
const SOCKETS = new Set([
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/run/podman/podman.sock',
  '/var/run/podman/podman.sock',
  '/var/run/balena-engine.sock',
  '/var/run/balena.sock',
  '/run/balena-engine.sock',
]);

/** True when a host path is a container engine's API socket. */
export function isEngineSocket(path: string): boolean {
  const p = posix.normalize(path);
  return SOCKETS.has(p) || /^\/run\/user\/\d+\/(docker|podman\/podman)\.sock$/.test(p);
}

export default defineRule<ComposeContext>({
  id: 'docker-socket-mount',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'The engine socket lets a container start other containers as root with the host mounted: mounting it, even read-only, hands over the device.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      for (const m of serviceMounts(ctx, svc)) {
        if (m.type !== 'bind' || !m.source || !m.complete || !isEngineSocket(m.source)) continue;
        ctx.report({
          range: ctx.range(m.node),
          message: `Service \`${svc.name}\` mounts the container engine's socket (${m.source}): it can start privileged containers and so controls the whole device, read-only or not.`,
        });
      }
      const api = svc.pairOf('use_api_socket');
      if (api && isTrue(ctx, api.value)) {
        ctx.report({ range: ctx.range(api.value), message: `Service \`${svc.name}\` sets use_api_socket, which mounts the engine's API socket: it controls the whole device.` });
      }
    }
  },
});
