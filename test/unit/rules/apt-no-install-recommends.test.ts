import { ruleTable } from '../../rule-tester';

ruleTable('apt-no-install-recommends', {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n',
    'FROM debian:12\nRUN apt-get install --install-recommends=no -y curl\n',
    'FROM debian:12\nRUN apt-get update\n',
    'FROM debian:12\nRUN echo apt-get install curl\n',
    // postgres probes whether a package exists with a simulated install.
    'FROM debian:12\nRUN if apt-get install -s "postgresql-18-jit" > /dev/null 2>&1; then \\\n\t\tapt-get install -y --no-install-recommends "postgresql-18-jit"; \\\n\tfi\n',
    // Recommends turned off in apt's configuration by an earlier RUN (or earlier in the same RUN).
    'FROM debian:12\nRUN echo \'APT::Install-Recommends "false";\' > /etc/apt/apt.conf.d/99norecommends\nRUN apt-get update && apt-get install -y curl\n',
    'FROM debian:12 AS base\nRUN printf \'APT::Install-Recommends "0";\\n\' > /etc/apt/apt.conf.d/01norecommend\nFROM base\nRUN apt-get install -y curl\n',
    // Options in a variable set elsewhere cannot be judged.
    'FROM debian:12\nRUN apt-get install -y $APT_OPTS curl\n',
    'FROM debian:12\nARG APT_OPTS="--no-install-recommends -y"\nRUN apt-get install ${APT_OPTS} curl\n',
    // A builder stage never reaches the device.
    'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y build-essential\nFROM debian:12-slim\nCOPY --from=build /out /out\n',
    // mk-build-deps' --tool string is an argument, not a command.
    'FROM debian:12\nRUN mk-build-deps --install --tool="apt-get -o Debug::pkgProblemResolver=yes --no-install-recommends --yes" debian/control\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      findings: [[1, 22, 1, 37]],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n',
    },
    {
      code: 'FROM debian:12\nRUN set -eux; \\\n    sudo apt install \\\n      curl\n',
      findings: [[2, 9, 2, 20]],
      output: 'FROM debian:12\nRUN set -eux; \\\n    sudo apt install --no-install-recommends \\\n      curl\n',
    },
    // Exec form: reported, but no edit (inserting into the JSON array is left to the author).
    { code: 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n', findings: [[1, 4, 1, 40]] },
    {
      code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n',
      findings: [[3, 0, 3, 15]],
      output: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install --no-install-recommends -y curl\nEOF\n',
    },
    {
      // ARG resolves to options without the flag.
      code: 'FROM debian:12\nARG APT_OPTS=-y\nRUN apt-get install $APT_OPTS curl\n',
      findings: [2],
      output: 'FROM debian:12\nARG APT_OPTS=-y\nRUN apt-get install --no-install-recommends $APT_OPTS curl\n',
    },
    {
      // The configuration written after the install does not count.
      code: 'FROM debian:12 AS base\nRUN apt-get install -y curl && echo \'APT::Install-Recommends "false";\' > /etc/apt/apt.conf.d/99x\nFROM base\n',
      findings: [1],
    },
    {
      // A simulated install elsewhere does not excuse the real one.
      code: 'FROM debian:12\nRUN apt-get install -s curl && env DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n',
      findings: [[1, 66, 1, 81]],
      output: 'FROM debian:12\nRUN apt-get install -s curl && env DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends -y curl\n',
    },
  ],
});
