import { ruleTable } from '../../rule-tester';

ruleTable('ssh-in-image', {
  valid: [
    'FROM alpine:3.20\nRUN apk add --no-cache openssh-client git\nEXPOSE 8080\nCMD ["/app"]\n',
    'FROM debian:12\nRUN apt-get install -y --no-install-recommends openssh-client\nEXPOSE 2222/udp 80/tcp\n',
    // A builder stage may use SSH to fetch code; it is not shipped.
    'FROM alpine:3.20 AS build\nRUN apk add --no-cache openssh\nEXPOSE 22\nFROM alpine:3.20\nCMD ["/app"]\n',
    // Variables that do not resolve to 22, and text that only mentions sshd.
    'FROM alpine:3.20\nARG PORT=8022\nEXPOSE ${PORT}\nCMD echo "no sshd here"\n',
    'FROM alpine:3.20\nEXPOSE 8000-8021\n',
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y openssh-server\nEXPOSE 22\nCMD ["/usr/sbin/sshd", "-D"]\n', findings: [[1, 41, 1, 55], [2, 7, 2, 9], [3, 4, 3, 28]] },
    // Alpine's openssh, under sudo and with a continuation; EXPOSE forms.
    { code: 'FROM alpine:3.20\nRUN sudo apk add \\\n    openssh\nEXPOSE 80 22/tcp\n', findings: [{ line: 2, message: /openssh-client/ }, 3] },
    { code: 'FROM alpine:3.20\nARG SSH_PORT=22\nEXPOSE $SSH_PORT 20-25\n', findings: [2, 2] },
    // Shell-form CMD that starts the service, and dropbear in ENTRYPOINT.
    { code: 'FROM debian:12\nCMD service ssh start && exec node server.js\n', findings: [1] },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache dropbear\nENTRYPOINT ["dropbear", "-F", "-E"]\n', findings: [1, 2] },
    // Inherited from the stage the final one builds on.
    { code: 'FROM debian:12 AS base\nRUN apt-get install -y openssh-server\nFROM base\nCMD ["/app"]\n', findings: [1] },
  ],
});
