#!/bin/sh
# Prints numbered sensor readings, one line each, so a log reader can prove it lost or repeated
# none: every line carries seq=N and the numbers have no gaps.
#   RATE   readings per second (default 10; up to 1000)
#   COUNT  readings before exiting (default 0: forever)
#   SENSOR name printed on every line (default the hostname)
# About once a second it also touches /tmp/heartbeat, which the image's HEALTHCHECK reads.
set -eu
rate=${RATE:-10}
count=${COUNT:-0}
sensor=${SENSOR:-$(hostname)}
case $rate in '' | *[!0-9]*) echo "RATE must be a whole number, got '$rate'" >&2; exit 2 ;; esac
case $count in '' | *[!0-9]*) echo "COUNT must be a whole number, got '$count'" >&2; exit 2 ;; esac
if [ "$rate" -lt 1 ] || [ "$rate" -gt 1000 ]; then echo "RATE must be 1..1000, got $rate" >&2; exit 2; fi
pause=$((1000000 / rate))
echo "sensor $sensor starting: $rate readings/s, arch $(uname -m)" >&2
trap 'echo "sensor $sensor stopping after seq=$seq" >&2; exit 0' INT TERM
seq=0
while [ "$count" -eq 0 ] || [ "$seq" -lt "$count" ]; do
  seq=$((seq + 1))
  # A made-up temperature that moves between 18.0 and 25.9 degrees.
  t=$((180 + (seq * 37) % 80))
  echo "seq=$seq sensor=$sensor temp_c=$((t / 10)).$((t % 10))"
  # A shell redirection, not a command: no process is started per reading.
  if [ $((seq % rate)) -eq 1 ] || [ "$rate" -eq 1 ]; then : >/tmp/heartbeat; fi
  usleep "$pause"
done
echo "sensor $sensor done after seq=$seq" >&2
