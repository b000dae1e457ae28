// The probe as one POSIX sh script (busybox ash, dash and bash alike), run in a single exec so a
// probe on an open connection costs one round trip. It only reads; it prints `key=value` lines.
// It is a constant: nothing from the user is ever part of it. (No `${` in it: this is a template.)

/** The probe script. */
export const PROBE_SCRIPT = String.raw`
exec 2>/dev/null </dev/null
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin"
kv() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | head -n 1 | tr -d '\r')"; }
lim() { if command -v timeout >/dev/null; then timeout 15 "$@"; else "$@"; fi; }
kv arch "$(uname -m)"
kv kernel "$(uname -r)"
kv os "$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"')"
kv user "$(id -un)"
kv uid "$(id -u)"
kv mem "$(awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{print t" "a}' /proc/meminfo)"
kv epoch "$(date +%s)"
dfree() {
  p="$1"
  while [ -n "$p" ] && [ "$p" != / ] && [ ! -e "$p" ]; do p=$(dirname "$p"); done
  kv "$2" "$p $(df -Pk "$p" | awk 'NR==2{print $2" "$4}')"
}
access() {
  # $1 name, $2 rc, $3 output, rest: the command to retry with sudo
  n="$1"; rc="$2"; out="$3"; shift 3
  if [ "$rc" = 0 ]; then kv "rt.$n.access" direct; return; fi
  case "$out" in
    *ermission*denied*|*EACCES*|*"not permitted"*)
      if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && lim sudo -n "$@" >/dev/null; then kv "rt.$n.access" sudo; else kv "rt.$n.access" denied; fi ;;
    *) kv "rt.$n.access" not-running ;;
  esac
}
if command -v docker >/dev/null; then
  kv rt.docker.path "$(command -v docker)"
  out=$(lim docker info --format '{{.ServerVersion}}|{{.DockerRootDir}}|{{.Driver}}' 2>&1); rc=$?
  kv rt.docker.info "$out"
  # The client's own version only matters when the engine did not answer (each docker call costs).
  [ "$rc" = 0 ] || kv rt.docker.client "$(docker --version)"
  access docker "$rc" "$out" docker info --format '{{.ServerVersion}}'
  root=$(printf '%s' "$out" | awk -F'|' 'NF==3{print $2}')
  [ -n "$root" ] || root=/var/lib/docker
  dfree "$root" rt.docker.df
  for d in "$HOME/.docker/cli-plugins" /usr/local/lib/docker/cli-plugins /usr/local/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins /usr/libexec/docker/cli-plugins; do
    if [ -x "$d/docker-compose" ]; then kv compose.plugin "$(lim docker compose version --short)"; break; fi
  done
fi
if command -v docker-compose >/dev/null; then kv compose.v1 "$(lim docker-compose version --short)"; fi
if command -v podman >/dev/null; then
  kv rt.podman.path "$(command -v podman)"
  kv rt.podman.client "$(podman --version)"
  out=$(lim podman info --format '{{.Version.Version}}|{{.Store.GraphRoot}}|{{.Store.GraphDriverName}}' 2>&1); rc=$?
  kv rt.podman.info "$out"
  access podman "$rc" "$out" podman info --format '{{.Version.Version}}'
  root=$(printf '%s' "$out" | awk -F'|' 'NF==3{print $2}')
  [ -n "$root" ] || root=/var/lib/containers/storage
  dfree "$root" rt.podman.df
  if command -v podman-compose >/dev/null; then kv compose.podman "$(lim podman-compose --version | awk '{print $NF}')"; fi
fi
if command -v nerdctl >/dev/null; then
  kv rt.nerdctl.path "$(command -v nerdctl)"
  kv rt.nerdctl.client "$(nerdctl --version)"
  out=$(lim nerdctl info --format '{{.ServerVersion}}|{{.DockerRootDir}}|{{.Driver}}' 2>&1); rc=$?
  kv rt.nerdctl.info "$out"
  access nerdctl "$rc" "$out" nerdctl info --format '{{.ServerVersion}}'
  dfree /var/lib/containerd rt.nerdctl.df
  kv compose.nerdctl "$(lim nerdctl compose version --short)"
fi
if command -v k3s >/dev/null; then
  kv rt.k3s.path "$(command -v k3s)"
  kv rt.k3s.client "$(k3s --version)"
  out=$(lim k3s crictl version 2>&1); rc=$?
  kv rt.k3s.info "$(printf '%s' "$out" | awk '/RuntimeVersion/{print $2}')"
  access k3s "$rc" "$out" k3s crictl version
  dfree /var/lib/rancher/k3s rt.k3s.df
fi
exit 0
`;
