import { ruleTable } from '../../rule-tester';

ruleTable('dnf-cache-not-cleaned', {
  valid: [
    'FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n',
    'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils && microdnf clean all\n',
    'FROM fedora:40\nRUN dnf -y install httpd && rm -rf /var/cache/dnf\n',
    'FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd\n',
    'FROM fedora:40 AS build\nRUN dnf install -y gcc\nFROM fedora:40\nCOPY --from=build /out /out\n',
    'FROM fedora:40\nRUN dnf repolist\n',
  ],
  invalid: [
    {
      code: 'FROM fedora:40\nRUN dnf install -y httpd\n',
      findings: [[1, 4, 1, 15]],
      output: 'FROM fedora:40\nRUN dnf install -y httpd \\\n    && dnf clean all\n',
    },
    {
      code: 'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils\n',
      findings: [1],
      output: 'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils \\\n    && microdnf clean all\n',
    },
    {
      // dnf's clean does not count for yum, nor a clean that comes first.
      code: 'FROM fedora:40\nRUN dnf clean all && env LANG=C dnf -y install httpd && yum clean all\n',
      findings: [[1, 32, 1, 46]],
      output: 'FROM fedora:40\nRUN dnf clean all && env LANG=C dnf -y install httpd && yum clean all \\\n    && dnf clean all\n',
    },
    {
      code: 'ARG BASE=fedora:40\nFROM ${BASE} AS base\nRUN <<EOF\nset -e\ndnf install -y httpd\nEOF\nFROM base\n',
      findings: [4],
      output: 'ARG BASE=fedora:40\nFROM ${BASE} AS base\nRUN <<EOF\nset -e\ndnf install -y httpd\ndnf clean all\nEOF\nFROM base\n',
    },
    { code: 'FROM fedora:40\nRUN dnf install -y httpd # cleaned later\n', findings: [1] },
  ],
});
