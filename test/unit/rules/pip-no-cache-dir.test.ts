import { ruleTable } from '../../rule-tester';

ruleTable('pip-no-cache-dir', {
  valid: [
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n',
    'FROM python:3.12-slim\nRUN python3 -m pip install --no-cache-dir flask\n',
    'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n',
    'FROM python:3.12-slim\nARG PIP_NO_CACHE_DIR\nRUN pip install flask\n',
    // ENV set in the stage this one builds on still applies.
    'FROM python:3.12-slim AS base\nENV PIP_NO_CACHE_DIR=off\nFROM base\nRUN pip3 install flask\n',
    'FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n',
    'FROM python:3.12-slim\nRUN env PIP_NO_CACHE_DIR=1 pip install flask\n',
    'FROM python:3.12-slim\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask\n',
    'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n',
    'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n',
    'FROM python:3.12-slim\nRUN pip install flask && rm -rf /root/.cache/pip\n',
    'FROM python:3.12-slim\nRUN pip install flask && rm -rf ~/.cache\n',
    'FROM python:3.12-slim\nRUN pip --version && pip3 freeze\n',
    'FROM python:3.12 AS build\nRUN pip wheel -w /wheels -r requirements.txt && pip install flask\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nRUN pip install --no-cache /wheels/*\n',
  ],
  invalid: [
    {
      code: 'FROM python:3.12-slim\nRUN pip install -r requirements.txt\n',
      findings: [[1, 4, 1, 15]],
      output: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n',
    },
    {
      code: 'FROM python:3.12-slim\nRUN python3.12 -m pip install \\\n      --upgrade pip\n',
      findings: [[1, 4, 1, 29]],
      output: 'FROM python:3.12-slim\nRUN python3.12 -m pip install --no-cache-dir \\\n      --upgrade pip\n',
    },
    {
      code: 'FROM python:3.12-slim\nRUN sudo -H pip3 install flask && rm -rf /tmp/*\n',
      findings: [[1, 12, 1, 24]],
      output: 'FROM python:3.12-slim\nRUN sudo -H pip3 install --no-cache-dir flask && rm -rf /tmp/*\n',
    },
    {
      // Set after the install, or in another RUN's shell, it does not count.
      code: 'FROM python:3.12-slim\nRUN pip install flask && export PIP_NO_CACHE_DIR=1\nRUN rm -rf /root/.cache/pip\n',
      findings: [1],
      output: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask && export PIP_NO_CACHE_DIR=1\nRUN rm -rf /root/.cache/pip\n',
    },
    {
      code: 'FROM python:3.12-slim\nRUN <<EOF\npip install flask\n/venv/bin/pip install gunicorn\nEOF\n',
      findings: [2, 3],
      output: 'FROM python:3.12-slim\nRUN <<EOF\npip install --no-cache-dir flask\n/venv/bin/pip install gunicorn\nEOF\n',
    },
    { code: 'FROM python:3.12-slim\nRUN ["pip", "install", "flask"]\n', findings: [1] },
    {
      // An empty ENV value does not turn the cache off.
      code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=""\nRUN pip install flask\n',
      findings: [2],
    },
  ],
});
