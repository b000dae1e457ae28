import { ruleTable } from '../../rule-tester';

ruleTable('add-url-without-checksum', {
  valid: [
    'FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/app.tar.gz /tmp/\n',
    'FROM alpine:3.20\nADD app.tar.gz /opt/\nADD ./config /etc/app/\n',
    // A git source pinned to a commit, with a subdirectory, or checked by --checksum.
    'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#9e2b9c8a1f3b0e5e4a7d3c2b1a0f9e8d7c6b5a49 /src\n',
    'FROM alpine:3.20\nADD git@github.com:org/repo.git#9e2b9c8a1f3b0e5e4a7d3c2b1a0f9e8d7c6b5a49:docs /docs\n',
    'FROM alpine:3.20\nADD --checksum=9e2b9c8a1f3b0e5e4a7d3c2b1a0f9e8d7c6b5a49 https://github.com/org/repo.git#v1.2.3 /src\n',
    // COPY never downloads; a heredoc is inline text.
    'FROM alpine:3.20\nCOPY https-proxy.conf /etc/\nADD <<EOF /etc/motd\nhttps://example.com\nEOF\n',
    '# pier-ignore add-url-without-checksum -- internal mirror, content-addressed\nFROM alpine:3.20\n',
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nADD https://example.com/app.tar.gz /tmp/\n', findings: [[1, 4, 1, 34]] },
    { code: 'FROM alpine:3.20\nADD --chown=app:app http://example.com/a.bin /opt/a.bin\n', findings: [{ line: 1, message: /plain HTTP/ }] },
    // Through an ARG, exec form, several sources.
    { code: 'FROM alpine:3.20\nARG BASE_URL=https://example.com/dl\nADD ${BASE_URL}/tool.tgz /tmp/\n', findings: [2] },
    { code: 'FROM alpine:3.20\nADD ["https://example.com/a.txt", "https://example.com/b.txt", "/data/"]\n', findings: [[1, 5, 1, 32], [1, 34, 1, 61]] },
    // Git on a branch or tag, and git without a ref.
    { code: 'FROM alpine:3.20\nADD https://github.com/org/repo.git#main /src\n', findings: [{ line: 1, message: /pinned commit/ }] },
    { code: 'FROM alpine:3.20\nADD --keep-git-dir=true git@github.com:org/repo.git /src\n', findings: [1] },
    // A builder stage counts: the download becomes what you build from.
    { code: 'FROM golang:1.22 AS build\nADD https://go.dev/dl/tool.tgz /tmp/\nFROM scratch\n', findings: [1] },
  ],
});
