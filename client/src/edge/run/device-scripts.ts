// The run step's programs on the device, as constant POSIX sh scripts (busybox ash, dash, bash).
// User values reach them only as positional parameters (see buildScript in the SSH layer).
//
// The switch from the old version to the new one runs ON the device, detached from the SSH
// session: if the link drops half-way (during the health wait, say), the device still finishes
// the switch or puts the old version back by itself, and the host reads what happened from the
// switch's log when it is back. An unattended device is never left without its app because a
// laptop lost Wi-Fi.
//
// Written with String.raw; `$\{` in the source stands for the shell's `${` and is put back below.

const sh = (s: string) => s.replace(/\$\\\{/g, '${');

/** Shared functions: the runtime, liveness of the lock, container state and the probes. */
const COMMON = String.raw`
set -u
cd "$HOME" 2>/dev/null || cd /
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin"
say() { printf '@@%s\n' "$*"; }
START=$(date +%s)
nap() { sleep 0.2 2>/dev/null || sleep 1; }
now() { date +%s; }
lim() { if command -v timeout >/dev/null; then timeout "$@"; else shift; "$@"; fi; }
rt() { if [ "$SUDO" = 1 ]; then sudo -n "$RT" "$@"; else "$RT" "$@"; fi; }
# The runtime with a time limit (timeout runs programs, not shell functions).
rtl() { t=$1; shift; if [ "$SUDO" = 1 ]; then lim "$t" sudo -n "$RT" "$@"; else lim "$t" "$RT" "$@"; fi; }
beat() { touch "$LOCK/beat" 2>/dev/null || :; }
has() { rt inspect -f '{{.Id}}' "$1" >/dev/null 2>&1; }
cstate() { rt inspect -f '{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.RestartCount}}|{{.State.ExitCode}}|' "$1" 2>/dev/null; }
cip() {
  ip=$(rt inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" 2>/dev/null)
  ip=$\{ip%% *}; [ -n "$ip" ] || ip=127.0.0.1; printf '%s' "$ip"
}
tcp_ok() {
  if command -v nc >/dev/null; then lim 4 nc -z -w 2 "$1" "$2" </dev/null >/dev/null 2>&1; return; fi
  if command -v bash >/dev/null; then lim 4 bash -c 'exec 3<>"/dev/tcp/$1/$2"' pier-sh "$1" "$2" >/dev/null 2>&1; return; fi
  if command -v busybox >/dev/null; then lim 4 busybox nc -z -w 2 "$1" "$2" </dev/null >/dev/null 2>&1; return; fi
  return 2
}
http_ok() {
  if command -v curl >/dev/null; then
    code=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null)
    if [ -n "$2" ]; then [ "$code" = "$2" ]; return; fi
    case $code in 2??|3??) return 0 ;; esac
    return 1
  fi
  if command -v wget >/dev/null; then lim 4 wget -q -O /dev/null -T 3 "$1" >/dev/null 2>&1; return; fi
  if command -v busybox >/dev/null; then lim 4 busybox wget -q -O /dev/null -T 3 "$1" >/dev/null 2>&1; return; fi
  return 2
}
# One look at a container: 0 healthy, 1 not yet, 3 failed for good; $why says why not, $xcode
# the exit code when it exited.
probe() {
  c=$1; shift
  xcode=
  st=$(cstate "$c")
  [ -n "$st" ] || { why="the container is gone"; return 3; }
  status=$\{st%%|*}; r=$\{st#*|}; health=$\{r%%|*}; r=$\{r#*|}; restarts=$\{r%%|*}; r=$\{r#*|}; code=$\{r%%|*}
  if [ "$restarts" != 0 ] || [ "$status" = exited ] || [ "$status" = dead ]; then
    # Restarted by its policy and running again, the container's own record says exit code 0;
    # the engine's die event still has the real one.
    if [ "$restarts" != 0 ] && [ "$code" = 0 ]; then
      d=$(rtl 10 events --since "$START" --until "$(now)" --filter "container=$c" --filter event=die --format '{{.Actor.Attributes.exitCode}}' 2>/dev/null | grep -v '^0*$' | tail -n 1)
      [ -n "$d" ] && code=$d
    fi
    xcode=$code; why="it exited with code $code"; [ "$restarts" != 0 ] && why="$why and was restarted $restarts time(s)"; return 3
  fi
  if [ -n "$health" ]; then
    case $health in
      healthy) return 0 ;;
      unhealthy) why="its HEALTHCHECK reports unhealthy"; return 3 ;;
      *) why="its HEALTHCHECK says $health"; return 1 ;;
    esac
  fi
  [ "$status" = running ] || { why="it is $status"; return 1; }
  case $HK in
    running) [ $(( $(now) - T0 )) -ge "$HA" ] && return 0; why="it must keep running for $HA s"; return 1 ;;
    tcp) tcp_ok "$(cip "$c")" "$HA"; rc=$?
      [ $rc = 0 ] && return 0
      [ $rc = 2 ] && { why="the device has neither nc nor bash for a TCP probe; configure a command probe"; return 3; }
      why="nothing accepts connections on port $HA"; return 1 ;;
    http) http_ok "http://$(cip "$c"):$HA$HB" "$HC"; rc=$?
      [ $rc = 0 ] && return 0
      [ $rc = 2 ] && { why="the device has neither curl nor wget for an HTTP probe; configure a command probe"; return 3; }
      why="http://<container>:$HA$HB does not answer$\{HC:+ with $HC} yet"; return 1 ;;
    command) rt exec "$c" "$@" >/dev/null 2>&1 && return 0; why="the health command does not succeed yet"; return 1 ;;
    *) return 0 ;;
  esac
}
# Wait until healthy (0), failed (3) or out of time (1).
await_healthy() {
  c=$1; shift
  T0=$(now); last=
  while :; do
    beat
    probe "$c" "$@"; rc=$?
    [ $rc = 0 ] && return 0
    [ $rc = 3 ] && return 3
    [ "$why" != "$last" ] && { say "wait $why"; last=$why; }
    [ $(( $(now) - T0 )) -ge "$TMO" ] && { why="not healthy within $TMO s ($why)"; return 1; }
    nap
  done
}
`;

/**
 * The switch of a single-container app. Arguments: DIR APP MODE TX RT SUDO TMO, then the new
 * version's probe HK HA HB HC, the old version's OHK OHA OHB OHC, then the health command's argv.
 * The new container exists already (created stopped as APP-pier-next); MODE is `parallel` (the
 * old keeps serving until the new passes) or `stop-first` (the old is stopped and kept as
 * APP-pier-prev until the new passes).
 */
export const SWITCH_SCRIPT = sh(
  COMMON +
    String.raw`
DIR=$1 APP=$2 MODE=$3 TX=$4 RT=$5 SUDO=$6 TMO=$7; shift 7
HK=$1 HA=$2 HB=$3 HC=$4 OHK=$5 OHA=$6 OHB=$7 OHC=$8; shift 8
trap '' HUP PIPE
LOCK="$DIR/lock"; A="$DIR/apps/$APP"; mkdir -p "$A/failed"
echo $$ > "$LOCK/tx" 2>/dev/null
NEXT="$APP-pier-next"; PREV="$APP-pier-prev"
old=0; has "$APP" && old=1
say "phase start"
startfail=
if [ "$old" = 1 ] && [ "$MODE" = stop-first ]; then
  rt stop -t 10 "$APP" >/dev/null 2>&1
  if rt rename "$APP" "$PREV" >/dev/null 2>&1; then say "say stopped the running version; it is kept as $PREV until the new one passes"
  else startfail="the running container could not be renamed"; fi
fi
[ -z "$startfail" ] && { out=$(rt start "$NEXT" 2>&1) || startfail="it did not start: $(printf '%s' "$out" | tail -n 1)"; }
say "phase health"
if [ -z "$startfail" ] && await_healthy "$NEXT" "$@"; then
  if [ "$old" = 1 ]; then
    if [ "$MODE" = stop-first ]; then rt rm -f "$PREV" >/dev/null 2>&1; else rt rm -f "$APP" >/dev/null 2>&1; fi
  fi
  rt rename "$NEXT" "$APP" >/dev/null 2>&1
  say "result ok - healthy"
else
  reason=$\{startfail:-$why}; ecode=$\{xcode:--}
  rt logs --tail 100 "$NEXT" >"$A/failed/$TX.log" 2>&1
  rt rm -f "$NEXT" >/dev/null 2>&1
  if [ "$old" = 1 ]; then
    say "phase rollback"
    if [ "$MODE" = stop-first ] && has "$PREV"; then rt rename "$PREV" "$APP" >/dev/null 2>&1; fi
    rt start "$APP" >/dev/null 2>&1
    HK=$OHK HA=$OHA HB=$OHB HC=$OHC
    [ "$HK" = command ] && HK=running HA=3
    if await_healthy "$APP"; then say "result rolled-back $ecode $reason"
    else say "result rollback-unhealthy $ecode $reason; the previous version: $why"; fi
  else
    say "result failed $ecode $reason"
  fi
fi
rm -f "$LOCK/tx"
say end
`,
);

/**
 * The switch of a Compose app. Arguments: DIR APP TX RT SUDO TMO KIND RUNSEC NEW OLD, where KIND
 * is the Compose flavour (plugin, v1, podman, podman-compose), NEW and OLD release folders (OLD
 * `-` when there is none). Services without a healthcheck must keep running RUNSEC seconds.
 */
export const COMPOSE_SWITCH_SCRIPT = sh(
  COMMON +
    String.raw`
DIR=$1 APP=$2 TX=$3 RT=$4 SUDO=$5 TMO=$6 KIND=$7 RUNSEC=$8 NEW=$9; shift 9; OLD=$1
trap '' HUP PIPE
LOCK="$DIR/lock"; A="$DIR/apps/$APP"; mkdir -p "$A/failed"
echo $$ > "$LOCK/tx" 2>/dev/null
HK=running HA=$RUNSEC HB= HC=
comp() {
  case $KIND in
    v1) if [ "$SUDO" = 1 ]; then sudo -n docker-compose "$@"; else docker-compose "$@"; fi ;;
    podman-compose) if [ "$SUDO" = 1 ]; then sudo -n podman-compose "$@"; else podman-compose "$@"; fi ;;
    *) rt compose "$@" ;;
  esac
}
# Compose with a release's files compose.0.yaml, compose.1.yaml, ... and its .env. The project
# folder stays the same across releases, so relative bind mounts keep their data.
PROJ="$HOME/$A/project"; case $A in /*) PROJ="$A/project" ;; esac
mkdir -p "$PROJ"
inrel() {
  d=$1; shift
  n=$(ls "$d" | grep -c '^compose\.[0-9]*\.yaml$'); i=$n
  while [ "$i" -gt 0 ]; do i=$((i - 1)); set -- -f "$d/compose.$i.yaml" "$@"; done
  [ -f "$d/.env" ] && set -- --env-file "$d/.env" "$@"
  (cd "$PROJ" && comp -p "$APP" --project-directory "$PROJ" "$@")
}
members() { rt ps -aq --filter "label=com.docker.compose.project=$APP"; }
# Every container of the project healthy: 0; $bad names the one that is not.
all_healthy() {
  T0=$(now)
  for c in $(members); do
    await_healthy "$c" || { rc=$?; bad=$c; return $rc; }
  done
  [ -n "$(members)" ] || { why="no container of the project runs"; return 3; }
  return 0
}
say "phase start"
case $NEW in /*) ;; *) NEW="$HOME/$NEW" ;; esac
case $OLD in -|/*) ;; *) OLD="$HOME/$OLD" ;; esac
ok=0; bad=
if out=$(inrel "$NEW" up -d --remove-orphans 2>&1); then
  say "phase health"
  all_healthy && ok=1
else
  why="compose up failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
  bad=$(members | head -n 1)
fi
if [ "$ok" = 1 ]; then
  say "result ok - healthy"
else
  reason=$why; ecode=-
  if [ -n "$bad" ]; then
    svc=$(rt inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$bad" 2>/dev/null)
    ecode=$\{xcode:--}
    reason="service $svc: $reason"
    rt logs --tail 100 "$bad" >"$A/failed/$TX.log" 2>&1
  fi
  if [ "$OLD" != - ]; then
    say "phase rollback"
    if ! out=$(inrel "$OLD" up -d --remove-orphans 2>&1); then why="compose up failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"; say "result rollback-unhealthy $ecode $reason; the previous version: $why"
    elif all_healthy; then say "result rolled-back $ecode $reason"
    else say "result rollback-unhealthy $ecode $reason; the previous release's service $(rt inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$bad" 2>/dev/null): $why"; fi
  else
    inrel "$NEW" down --remove-orphans >/dev/null 2>&1
    say "result failed $ecode $reason"
  fi
fi
rm -f "$LOCK/tx"
say end
`,
);

/** Start a switch detached from the session: $1 its log file, the rest its argv. Prints its PID and keeps it in `$1.pid`. */
export const LAUNCH_SCRIPT = String.raw`
cd "$HOME" 2>/dev/null || cd /
log=$1; shift
mkdir -p "$(dirname "$log")" || exit 1
if command -v setsid >/dev/null; then setsid "$@" >"$log" 2>&1 </dev/null &
else nohup "$@" >"$log" 2>&1 </dev/null & fi
p=$!
echo "$p" >"$log.pid"
echo "@@pid $p"
`;

/**
 * Print a switch's log from byte $2 on as it grows, until its `@@end` line; `@@lost` when the
 * switch (PID $3) died without one. Byte offsets let a reader that lost its link resume exactly.
 */
export const FOLLOW_SCRIPT = sh(String.raw`
cd "$HOME" 2>/dev/null || cd /
f=$1; off=$2; pid=$3
while :; do
  fin=0; grep -q '^@@end' "$f" 2>/dev/null && fin=1
  [ "$fin" = 0 ] && ! kill -0 "$pid" 2>/dev/null && { grep -q '^@@end' "$f" 2>/dev/null && fin=1 || fin=2; }
  sz=$(wc -c <"$f" 2>/dev/null | tr -d ' '); sz=$\{sz:-0}
  if [ "$sz" -gt "$off" ]; then tail -c +$((off + 1)) "$f" | head -c $((sz - off)); off=$sz; fi
  [ "$fin" = 1 ] && exit 0
  [ "$fin" = 2 ] && { echo '@@lost'; exit 0; }
  sleep 0.2 2>/dev/null || sleep 1
done
`);

/**
 * Take the device's deploy lock: $1 state dir, $2 seconds to wait, $3 lock id, $4 who (one line),
 * $5 seconds without a heartbeat after which a lock whose switch is gone counts as abandoned.
 * Prints `@@held AGE WHO` once while waiting, `@@stale WHO` when it breaks an abandoned lock,
 * and `@@acquired` or `@@timeout WHO`.
 */
export const LOCK_SCRIPT = sh(String.raw`
cd "$HOME" 2>/dev/null || cd /
dir=$1; wait=$2; id=$3; who=$4; stale=$5
mkdir -p "$dir" || { echo "@@error cannot create $dir"; exit 3; }
l="$dir/lock"; start=$(date +%s); told=0
while :; do
  if mkdir "$l" 2>/dev/null; then
    printf '%s\n' "$id" >"$l/id"; printf '%s\n' "$who" >"$l/owner"; touch "$l/beat"
    echo "@@acquired"; exit 0
  fi
  now=$(date +%s)
  b=$(date -r "$l/beat" +%s 2>/dev/null || stat -c %Y "$l/beat" 2>/dev/null || echo "$now")
  owner=$(cat "$l/owner" 2>/dev/null)
  tx=$(cat "$l/tx" 2>/dev/null)
  alive=0; [ -n "$tx" ] && kill -0 "$tx" 2>/dev/null && alive=1
  if [ "$alive" = 0 ] && [ $((now - b)) -gt "$stale" ]; then echo "@@stale $owner"; rm -rf "$l"; continue; fi
  [ "$told" = 0 ] && { echo "@@held $((now - b)) $owner"; told=1; }
  [ $((now - start)) -ge "$wait" ] && { echo "@@timeout $owner"; exit 1; }
  sleep 1
done
`);

/** Refresh ($2 = beat) or release ($2 = release) the lock with id $3 under state dir $1, if still ours. */
export const LOCK_TOUCH_SCRIPT = String.raw`
cd "$HOME" 2>/dev/null || cd /
l="$1/lock"
[ "$(cat "$l/id" 2>/dev/null)" = "$3" ] || { echo "@@not-ours"; exit 0; }
if [ "$2" = release ]; then rm -rf "$l"; else touch "$l/beat"; fi
echo "@@ok"
`;
