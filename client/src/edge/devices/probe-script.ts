// The probe as one POSIX sh script (busybox ash, dash and bash alike), run in a single exec so a
// probe on an open connection costs one round trip. It only reads, and it prints `@key=value`
// lines; raw values are cleaned up by the parser, so the script forks as few processes as it can
// (on a small device every fork costs). It is a constant: nothing from the user is ever part of it.
//
// Written with String.raw; `$\{` in the source stands for the shell's `${` and is put back below.

const SCRIPT = String.raw`
exec 2>/dev/null </dev/null
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin"
kv() { printf '@%s=%s\n' "$1" "$2"; }
lim() { if command -v timeout >/dev/null; then timeout 15 "$@"; else "$@"; fi; }
# With the argument no-compose, Compose is not asked: its version costs a process that may be
# slow to start (docker-compose v1 is Python, ~1-4 s), and a repeat probe already knows it.
compose=1; [ "$1" = no-compose ] && compose=
kv uname "$(uname -r -m)"
kv id "$(id)"
while IFS= read -r l; do case "$l" in PRETTY_NAME=*) kv os "$\{l#PRETTY_NAME=}";; esac; done </etc/os-release
while read -r k v _; do case "$k" in MemTotal:) t=$v;; MemAvailable:) a=$v;; esac; done </proc/meminfo
kv mem "$t $a"
kv epoch "$(date +%s)"
nl='
'
dfree() {
  p="$1"
  # The nearest existing directory (parameter expansion, not a dirname process per step).
  while [ -n "$p" ] && [ "$p" != / ] && [ ! -e "$p" ]; do p="$\{p%/*}"; [ -n "$p" ] || p=/; done
  # The last line of df's output, taken by the shell rather than a tail process.
  d=$(df -Pk "$p")
  kv "$2" "$p $\{d##*"$nl"}"
}
access() {
  # $1 name, $2 rc, $3 output, then the command to retry with sudo
  n="$1"; rc="$2"; out="$3"; shift 3
  if [ "$rc" = 0 ]; then kv "rt.$n.access" direct; return; fi
  case "$out" in
    *ermission*denied*|*EACCES*|*"not permitted"*)
      if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && lim sudo -n "$@" >/dev/null; then kv "rt.$n.access" sudo; else kv "rt.$n.access" denied; fi ;;
    *) kv "rt.$n.access" not-running ;;
  esac
}
rootof() { r="$\{1#*|}"; r="$\{r%%|*}"; [ "$r" = "$1" ] && r=; [ -n "$r" ] || r="$2"; printf '%s' "$r"; }
if command -v docker >/dev/null; then
  kv rt.docker.path "$(command -v docker)"
  rc=1
  # The Engine API over its socket answers in a few ms; the docker CLI takes far longer to start
  # on a small device. The CLI stays the fallback (another DOCKER_HOST, no curl, no access).
  if [ -z "$DOCKER_HOST" ] && [ -w /var/run/docker.sock ] && command -v curl >/dev/null; then
    # curl's own --max-time bounds it; no timeout process around it.
    api=$(curl -sf --max-time 10 --unix-socket /var/run/docker.sock http://localhost/info) && rc=0
    if [ "$rc" = 0 ]; then
      kv rt.docker.api "$api"
      out='api'
    fi
  fi
  [ "$rc" = 0 ] || { out=$(lim docker info --format '{{.ServerVersion}}|{{.DockerRootDir}}|{{.Driver}}' 2>&1); rc=$?; }
  kv rt.docker.info "$out"
  # The client's own version matters only when the engine did not answer (each docker call costs).
  [ "$rc" = 0 ] || kv rt.docker.client "$(docker --version)"
  access docker "$rc" "$out" docker info --format '{{.ServerVersion}}'
  if [ "$out" = api ]; then
    # The data root out of the JSON by parameter expansion (no printf | sed processes).
    root=
    case "$api" in *'"DockerRootDir":"'*) root="$\{api#*\"DockerRootDir\":\"}"; root="$\{root%%\"*}";; esac
    [ -n "$root" ] || root=/var/lib/docker
  elif [ "$rc" = 0 ]; then root=$(rootof "$out" /var/lib/docker); else root=/var/lib/docker; fi
  dfree "$root" rt.docker.df
  [ -n "$compose" ] && for d in "$HOME/.docker/cli-plugins" /usr/local/lib/docker/cli-plugins /usr/local/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins /usr/libexec/docker/cli-plugins; do
    if [ -x "$d/docker-compose" ]; then kv compose.plugin "$(lim docker compose version --short)"; break; fi
  done
fi
if [ -n "$compose" ] && command -v docker-compose >/dev/null; then kv compose.v1 "$(lim docker-compose version --short)"; fi
if command -v podman >/dev/null; then
  kv rt.podman.path "$(command -v podman)"
  out=$(lim podman info --format '{{.Version.Version}}|{{.Store.GraphRoot}}|{{.Store.GraphDriverName}}' 2>&1); rc=$?
  kv rt.podman.info "$out"
  [ "$rc" = 0 ] || kv rt.podman.client "$(podman --version)"
  access podman "$rc" "$out" podman info --format '{{.Version.Version}}'
  [ "$rc" = 0 ] && root=$(rootof "$out" /var/lib/containers/storage) || root=/var/lib/containers/storage
  dfree "$root" rt.podman.df
  if [ -n "$compose" ] && command -v podman-compose >/dev/null; then kv compose.podman "$(lim podman-compose --version)"; fi
fi
if command -v nerdctl >/dev/null; then
  kv rt.nerdctl.path "$(command -v nerdctl)"
  out=$(lim nerdctl info --format '{{.ServerVersion}}|{{.DockerRootDir}}|{{.Driver}}' 2>&1); rc=$?
  kv rt.nerdctl.info "$out"
  [ "$rc" = 0 ] || kv rt.nerdctl.client "$(nerdctl --version)"
  access nerdctl "$rc" "$out" nerdctl info --format '{{.ServerVersion}}'
  dfree /var/lib/containerd rt.nerdctl.df
  [ -n "$compose" ] && kv compose.nerdctl "$(lim nerdctl compose version --short)"
fi
if command -v k3s >/dev/null; then
  kv rt.k3s.path "$(command -v k3s)"
  kv rt.k3s.client "$(k3s --version)"
  out=$(lim k3s crictl version 2>&1); rc=$?
  kv rt.k3s.info "$out"
  access k3s "$rc" "$out" k3s crictl version
  dfree /var/lib/rancher/k3s rt.k3s.df
fi
exit 0
`;

/** The probe script. */
export const PROBE_SCRIPT = SCRIPT.replace(/\$\\\{/g, '${');
