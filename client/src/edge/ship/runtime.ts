// The device runtime's commands for shipping, as argument arrays (the SSH layer quotes them):
// pull from the tunnel registry, tag, untag, load. Docker, Podman and nerdctl share Docker's
// command shapes; k3s goes through its bundled ctr.

import type { RuntimeInfo } from '../devices/probe';

/** The runtime facts the ship step needs. */
export type ShipRuntime = Pick<RuntimeInfo, 'name' | 'access' | 'version'>;

/** The command prefix that reaches the runtime (sudo -n when the probe said so). */
export function runtimePrefix(rt: ShipRuntime): string[] {
  const bin = rt.name === 'k3s' ? ['k3s', 'ctr'] : [rt.name];
  return rt.access === 'sudo' ? ['sudo', '-n', ...bin] : bin;
}

/** Pull from a plain-HTTP registry on the device's loopback. */
export function pullArgv(rt: ShipRuntime, ref: string): string[] {
  const p = runtimePrefix(rt);
  switch (rt.name) {
    // Docker treats 127.0.0.0/8 as an insecure registry by default: it tries TLS, then plain HTTP.
    case 'docker':
      return [...p, 'pull', ref];
    case 'podman':
      return [...p, 'pull', '--tls-verify=false', ref];
    case 'nerdctl':
      return [...p, 'pull', '--insecure-registry', ref];
    case 'k3s':
      return [...p, '--namespace', 'k8s.io', 'images', 'pull', '--plain-http', ref];
  }
}

/** Give an image a second name. */
export function tagArgv(rt: ShipRuntime, from: string, to: string): string[] {
  const p = runtimePrefix(rt);
  return rt.name === 'k3s' ? [...p, '--namespace', 'k8s.io', 'images', 'tag', '--force', from, to] : [...p, 'tag', from, to];
}

/**
 * Name an image and then drop its tunnel name, in one command: `$1` the image, `$2` the new name,
 * `$3` the name to drop (may be empty), the rest the runtime's command prefix. A Docker reached
 * directly is asked through its Engine API with curl, which starts far faster than the docker CLI
 * on a small device; otherwise the runtime's CLI does it.
 */
export const TAG_SCRIPT = String.raw`
from=$1; to=$2; drop=$3; shift 3
exec </dev/null
if [ "$*" = docker ] && [ -z "$DOCKER_HOST" ] && [ -w /var/run/docker.sock ] && command -v curl >/dev/null; then
  api() { curl -s --max-time 60 --unix-socket /var/run/docker.sock -o /dev/null -w '%{http_code}' "$@"; }
  code=$(api -X POST --get --data-urlencode "repo=$\{to%:*}" --data-urlencode "tag=$\{to##*:}" "http://localhost/images/$from/tag")
  [ "$code" = 201 ] || { echo "tagging $from as $to: the engine answered HTTP $code" >&2; exit 1; }
  [ -z "$drop" ] || api -X DELETE "http://localhost/images/$drop" >/dev/null
  exit 0
fi
"$@" tag "$from" "$to" || exit 1
[ -z "$drop" ] || "$@" rmi "$drop" >/dev/null 2>&1
exit 0
`.replace(/\$\\{/g, '${');

/** Tag `from` as `to` and drop the name `drop` (the tunnel reference) when given. */
export function tagAndDropArgv(rt: ShipRuntime, from: string, to: string, drop?: string): string[] {
  if (rt.name === 'k3s') return tagArgv(rt, from, to);
  return ['sh', '-c', TAG_SCRIPT, 'pier-sh', from, to, drop ?? '', ...runtimePrefix(rt)];
}

/** Remove one name of an image (the image stays while other names or containers use it). */
export function untagArgv(rt: ShipRuntime, ref: string): string[] {
  const p = runtimePrefix(rt);
  return rt.name === 'k3s' ? [...p, '--namespace', 'k8s.io', 'images', 'rm', ref] : [...p, 'rmi', ref];
}

/** Load a save archive from standard input. */
export function loadArgv(rt: ShipRuntime): string[] {
  const p = runtimePrefix(rt);
  return rt.name === 'k3s' ? [...p, '--namespace', 'k8s.io', 'images', 'import', '-'] : [...p, 'load'];
}

/** Whether the runtime can pull zstd layers (Docker 23+, Podman 4+, nerdctl, k3s' containerd). */
export function supportsZstd(rt: ShipRuntime): boolean {
  const major = Number(/^(\d+)/.exec(rt.version ?? '')?.[1] ?? NaN);
  if (rt.name === 'docker') return major >= 23;
  if (rt.name === 'podman') return major >= 4;
  return true;
}

/**
 * A fixed script that starts a command (its argv follows as positional parameters), prints its
 * PID so a cancel can stop it, and waits for it.
 */
export const RUN_WITH_PID = '"$@" & p=$!; echo "@@pid $p"; wait "$p"';

/**
 * The pull as RUN_WITH_PID runs it, except that a Docker reached directly is asked through its
 * Engine API with curl (the docker CLI takes far longer to start on a small device). `$1` is the
 * reference, the rest the runtime's pull argv. Docker streams the pull's progress as JSON with
 * HTTP 200 and reports a failure as an "error" entry in that stream, so both are checked. Killing
 * curl (the PID printed) closes the request, which makes Docker stop the pull.
 */
export const PULL_SCRIPT = String.raw`
ref=$1; shift
if [ "$*" = "docker pull $ref" ] && [ -z "$DOCKER_HOST" ] && [ -w /var/run/docker.sock ] && command -v curl >/dev/null; then
  out=/tmp/pier-pull-$$
  curl -sS --unix-socket /var/run/docker.sock -X POST --get --data-urlencode "fromImage=$ref" -o "$out" -w '%{http_code}' http://localhost/images/create >"$out.code" &
  c=$!; echo "@@pid $c"; wait "$c"; rc=$?
  code=$(cat "$out.code"); err=$(grep -o -e '"error":"[^"]*"' -e '"message":"[^"]*"' "$out" | tail -n 1); rm -f "$out" "$out.code"
  [ "$rc" = 0 ] || { echo "pull of $ref: the request to the engine ended (curl exit $rc)" >&2; exit 1; }
  [ "$code" = 200 ] && [ -z "$err" ] && exit 0
  echo "pull of $ref: HTTP $code $err" >&2
  exit 1
fi
"$@" & p=$!; echo "@@pid $p"; wait "$p"
`;
