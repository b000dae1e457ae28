import { ruleTable } from '../../rule-tester';

ruleTable('yum-cache-not-cleaned', {
  valid: [
    'FROM centos:7\nRUN yum install -y httpd && yum clean all\n',
    'FROM centos:7\nRUN yum -y install httpd \\\n    && yum clean all \\\n    && rm -rf /var/cache/yum\n',
    'FROM centos:7\nRUN yum install -y httpd && rm -rf /var/cache/yum/*\n',
    'FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd\n',
    'FROM centos:7 AS build\nRUN yum install -y gcc make\nFROM centos:7\nCOPY --from=build /out /out\n',
    'FROM centos:7\nRUN yum info httpd\n',
    'FROM centos:7\nRUN <<EOF\nyum install -y httpd\nyum clean all\nEOF\n',
  ],
  invalid: [
    {
      code: 'FROM centos:7\nRUN yum install -y httpd\n',
      findings: [[1, 4, 1, 15]],
      output: 'FROM centos:7\nRUN yum install -y httpd \\\n    && yum clean all\n',
    },
    {
      // `yum clean metadata` leaves the packages; and the clean must come after the install.
      code: 'FROM centos:7\nRUN yum clean all && sudo yum -y install httpd && yum clean metadata\n',
      findings: [[1, 26, 1, 40]],
      output: 'FROM centos:7\nRUN yum clean all && sudo yum -y install httpd && yum clean metadata \\\n    && yum clean all\n',
    },
    {
      code: 'FROM centos:7\nRUN set -eux; \\\n\tyum install -y \\\n\t\thttpd \\\n\t;\n',
      findings: [2],
      output: 'FROM centos:7\nRUN set -eux; \\\n\tyum install -y \\\n\t\thttpd \\\n\t; \\\n\tyum clean all\n',
    },
    {
      code: 'FROM centos:7\nRUN <<EOF\nyum install -y httpd\nEOF\n',
      findings: [2],
      output: 'FROM centos:7\nRUN <<EOF\nyum install -y httpd\nyum clean all\nEOF\n',
    },
    { code: 'FROM centos:7\nRUN ["yum", "install", "-y", "httpd"]\n', findings: [1] },
  ],
});
