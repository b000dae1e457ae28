import { ruleTable } from '../../rule-tester';

ruleTable('curl-pipe-shell', {
  valid: [
    // Download, verify, run.
    'FROM debian:12\nRUN curl -fsSLo install.sh https://example.com/install.sh \\\n && echo "abc123  install.sh" | sha256sum -c - \\\n && sh install.sh\n',
    // Piping into tools that read data, not programs.
    'FROM debian:12\nRUN curl -fsSL https://nodejs.org/dist/v20.0.0/node.tar.gz | tar -xz -C /usr/local\n',
    'FROM debian:12\nRUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg\n',
    'FROM debian:12\nRUN curl -s https://api.example.com/v | python3 -c "import sys, json; print(json.load(sys.stdin)[\'v\'])"\n',
    'FROM debian:12\nRUN wget -qO- https://example.com/data.json | node -e "process.stdin.pipe(process.stdout)"\n',
    // The interpreter runs a file; the download is data for it.
    'FROM debian:12\nRUN curl -s https://example.com/list | python3 /usr/local/bin/parse.py\n',
    'FROM debian:12\nRUN python3 /app/tool.py "$(curl -s https://example.com/version)"\n',
    // A download inside a quoted `sh -c` string is not a pipe the shell sees here.
    'FROM debian:12\nRUN find /usr -name "*.pyc" -exec bash -c \'for f; do rm "$f"; done\' -- {} +\n',
    'FROM debian:12\nRUN echo "curl https://x | sh" > /README\n',
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN curl -sSf https://example.com/install.sh | bash\n', findings: [[1, 4, 1, 51]] },
    // Continued lines, sudo on the right, `bash -s --` with arguments.
    { code: 'FROM debian:12\nRUN set -eux; \\\n    curl -fsSL https://deb.nodesource.com/setup_20.x \\\n    | sudo -E bash -s -- --yes\n', findings: [[2, 4, 3, 30]] },
    { code: 'FROM alpine:3.20\nRUN wget -qO- https://example.com/get.py | python3 -\n', findings: [1] },
    { code: 'FROM alpine:3.20\nRUN wget -O - https://example.com/x.pl | perl\n', findings: [1] },
    // Command and process substitution, eval.
    { code: 'FROM debian:12\nRUN sh -c "$(curl -fsSL https://example.com/install.sh)"\n', findings: [[1, 4, 1, 56]] },
    { code: 'FROM debian:12\nRUN bash <(curl -fsSL https://example.com/install.sh) --prefix /opt\n', findings: [1] },
    { code: 'FROM debian:12\nRUN eval "$(wget -qO- https://example.com/env.sh)"\n', findings: [1] },
    // Heredoc RUN, and a builder stage (what it runs ends up in what you copy out).
    { code: 'FROM rust:1.80 AS build\nRUN <<EOF\ncurl https://sh.rustup.rs -sSf | sh -s -- -y\nEOF\nFROM debian:12\n', findings: [2] },
    // Through a tee.
    { code: 'FROM debian:12\nRUN curl -fsSL https://example.com/i.sh | tee /tmp/i.sh | sh\n', findings: [1] },
  ],
});
