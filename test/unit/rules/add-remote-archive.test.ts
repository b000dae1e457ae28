import { ruleTable } from '../../rule-tester';

ruleTable('add-remote-archive', {
  valid: [
    // Local archives are unpacked by ADD.
    'FROM debian:12\nADD rootfs.tar.gz /\n',
    'FROM debian:12\nADD https://example.com/tool /usr/local/bin/tool\n',
    'FROM debian:12\nADD --checksum=sha256:0123 https://example.com/install.sh /tmp/\n',
    'FROM debian:12\nADD --unpack=true https://example.com/app-1.2.tar.gz /opt/app\n',
    'FROM debian:12\nRUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt\n',
    // A builder stage never reaches the device.
    'FROM debian:12 AS fetch\nADD https://example.com/app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\nFROM debian:12-slim\nCOPY --from=fetch /opt /opt\n',
    'FROM debian:12\nCOPY https-notes.tar.gz /tmp/\n',
  ],
  invalid: [
    { code: 'FROM debian:12\nADD https://example.com/app-1.2.tar.gz /opt/\n', findings: [[1, 4, 1, 38]] },
    { code: 'FROM debian:12\nADD --checksum=sha256:0123 --chown=app https://example.com/dl.zip?token=1#x /opt/\n', findings: [{ line: 1, message: /dl\.zip stays packed/ }] },
    {
      // Resolved through ARG; the JSON form too.
      code: 'FROM debian:12\nARG V=1.2\nADD https://example.com/app-${V}.tgz /opt/\nADD ["https://example.com/data.tar.xz", "/data/"]\n',
      findings: [[2, 4, 2, 36], 3],
    },
    {
      code: 'FROM alpine:3.20 AS base\nADD http://example.com/node_modules.tar.zst /app/\nFROM base\nCMD ["node"]\n',
      findings: [1],
    },
  ],
});
