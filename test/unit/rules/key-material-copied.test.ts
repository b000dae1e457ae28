import { ruleTable } from '../../rule-tester';

ruleTable('key-material-copied', {
  valid: [
    'FROM alpine:3.20\nCOPY app.py requirements.txt /app/\n',
    // Public keys and templates.
    'FROM alpine:3.20\nCOPY id_ed25519.pub /root/.ssh/authorized_keys\nCOPY .env.example /app/.env.example\n',
    'FROM alpine:3.20\nCOPY nginx_signing.rsa.pub /etc/apk/keys/\nCOPY keys.txt /docs/\n',
    // `COPY . .` is another rule's business.
    'FROM node:20\nCOPY . .\n',
    // Heredocs and URLs are not context files.
    'FROM alpine:3.20\nCOPY <<EOF /app/.env\nMODE=prod\nEOF\n',
    'FROM alpine:3.20\nADD https://example.com/server.key /tmp/x\n',
    'FROM alpine:3.20\nCOPY config /root/.kube-templates/\n',
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nCOPY id_rsa /root/.ssh/id_rsa\n', findings: [[1, 5, 1, 11]] },
    // Several sources in one COPY, --chown, paths.
    { code: 'FROM node:20\nCOPY --chown=node:node package.json .npmrc ./\n', findings: [{ line: 1, message: /\.npmrc/, severity: 'warning' }] },
    { code: 'FROM python:3.12\nCOPY certs/server.key secrets/.env ./\n', findings: [1, 1] },
    { code: 'FROM alpine:3.20\nCOPY .aws/credentials /root/.aws/credentials\nCOPY .docker/config.json /root/.docker/\nCOPY kubeconfig /root/.kube/config\n', findings: [1, 2, 3] },
    { code: 'FROM alpine:3.20\nCOPY ["client.p12", "/etc/app/"]\n', findings: [[1, 6, 1, 18]] },
    // A directory of keys, a glob, and an ARG.
    { code: 'FROM alpine:3.20\nARG KEY=deploy.key\nCOPY .ssh /root/.ssh\nCOPY *.key /keys/\nCOPY ${KEY} /k\n', findings: [2, 3, 4] },
    // .pem: softer, unless the name says key.
    { code: 'FROM nginx:1.27\nCOPY cert.pem privkey.pem /etc/nginx/tls/\n', findings: [{ line: 1, severity: 'info' }, { line: 1, severity: 'warning', message: /private key/ }] },
    // From another stage: still key material in the image.
    { code: 'FROM alpine:3.20 AS certs\nRUN openssl req -x509 -nodes -newkey rsa:2048 -keyout /tls.key -out /tls.crt -subj /CN=x\nFROM nginx:1.27\nCOPY --from=certs /tls.key /etc/nginx/\n', findings: [3] },
    // A builder stage only: info, with the build-secret advice.
    { code: 'FROM golang:1.22 AS build\nCOPY id_ed25519 /root/.ssh/\nRUN go mod download\nFROM scratch\n', findings: [{ line: 1, severity: 'info', message: /build stage/ }] },
  ],
});
