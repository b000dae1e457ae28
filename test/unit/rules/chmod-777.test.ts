import { ruleTable } from '../../rule-tester';

ruleTable('chmod-777', {
  valid: [
    'FROM alpine:3.20\nRUN chmod 755 /app && chmod -R u+rwX,go+rX /srv\n',
    'FROM alpine:3.20\nRUN chmod +x /usr/local/bin/gosu\n',
    // Sticky-bit shared directories, like /tmp (golang's GOPATH, postgres' run dir).
    'FROM alpine:3.20\nRUN mkdir -p "$GOPATH/src" "$GOPATH/bin" && chmod -R 1777 "$GOPATH"\n',
    'FROM alpine:3.20\nRUN install --verbose --directory --owner postgres --group postgres --mode 3777 /var/run/postgresql\n',
    'FROM alpine:3.20\nRUN chmod a+rwxt /shared\n',
    // A temp dir opened to another build user and removed in the same RUN (nginx).
    'FROM debian:12\nRUN tempDir="$(mktemp -d)" \\\n    && chmod 777 "$tempDir" \\\n    && cd "$tempDir" && make \\\n    && rm -rf "$tempDir"\n',
    'FROM debian:12\nRUN mkdir /build && chmod 777 /build && make -C /build && rm -rf /build\n',
    // Clauses without who are filtered by the umask.
    'FROM alpine:3.20\nRUN chmod +w /app/config\n',
    // A mode from a variable is unknown.
    'FROM alpine:3.20\nARG MODE=755\nRUN chmod "$MODE" /app\n',
    'FROM alpine:3.20\nCOPY --chmod=755 app /app\n',
    'FROM alpine:3.20\nRUN chmod o-w /app\n',
  ],
  invalid: [
    {
      code: 'FROM alpine:3.20\nRUN chmod -R 777 /app\n',
      findings: [[1, 13, 1, 16]],
      output: 'FROM alpine:3.20\nRUN chmod -R 755 /app\n',
    },
    {
      // No execute bit: files, so 644.
      code: 'FROM alpine:3.20\nRUN touch /var/log/app.log && chmod 666 /var/log/app.log\n',
      findings: [1],
      output: 'FROM alpine:3.20\nRUN touch /var/log/app.log && chmod 644 /var/log/app.log\n',
    },
    {
      // Symbolic, under sudo, on a continued line.
      code: 'FROM debian:12\nRUN mkdir -p /data \\\n  && sudo chmod a+rwx /data\n',
      findings: [[2, 16, 2, 21]],
      output: 'FROM debian:12\nRUN mkdir -p /data \\\n  && sudo chmod 755 /data\n',
    },
    {
      // A temp directory keeps its world-writable mode, with the sticky bit.
      code: 'FROM alpine:3.20\nRUN chmod 777 /tmp\n',
      findings: [1],
      output: 'FROM alpine:3.20\nRUN chmod 1777 /tmp\n',
    },
    // o+w has no obvious plain-mode equivalent: reported without a fix.
    { code: 'FROM debian:12\nRUN chmod go+w /etc/app.conf\n', findings: [1] },
    {
      // Setgid kept: 2777 -> 2755; install --mode=.
      code: 'FROM debian:12\nRUN install -d --mode=2777 /srv/share\n',
      findings: [[1, 22, 1, 26]],
      output: 'FROM debian:12\nRUN install -d --mode=2755 /srv/share\n',
    },
    {
      // COPY --chmod.
      code: 'FROM alpine:3.20\nCOPY --chown=app:app --chmod=777 entrypoint.sh /\n',
      findings: [[1, 29, 1, 32]],
      output: 'FROM alpine:3.20\nCOPY --chown=app:app --chmod=755 entrypoint.sh /\n',
    },
    {
      // Heredoc RUN, mkdir -m.
      code: 'FROM alpine:3.20\nRUN <<EOF\nmkdir -m 0777 /cache\nEOF\n',
      findings: [[2, 9, 2, 13]],
      output: 'FROM alpine:3.20\nRUN <<EOF\nmkdir -m 0755 /cache\nEOF\n',
    },
    // Exec form: reported on the instruction, no fix.
    { code: 'FROM alpine:3.20\nRUN ["chmod", "777", "/app"]\n', findings: [1] },
    // A builder stage that is not shipped: a softer finding.
    {
      code: 'FROM alpine:3.20 AS build\nRUN chmod 777 /out\nFROM scratch\nCOPY --from=build /out /out\n',
      findings: [{ line: 1, severity: 'info', message: /not shipped/ }],
    },
    // Only one of the paths is removed later.
    { code: 'FROM alpine:3.20\nRUN chmod 777 /tmp/x /app && rm -rf /tmp/x\n', findings: [1] },
  ],
});
