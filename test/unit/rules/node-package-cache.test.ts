import { ruleTable } from '../../rule-tester';

ruleTable('node-package-cache', {
  valid: [
    'FROM node:20-slim\nRUN npm ci --omit=dev && npm cache clean --force\n',
    'FROM node:20-slim\nRUN yarn install --frozen-lockfile && yarn cache clean\n',
    // The old node images: `npm cache clear` was npm 2's spelling.
    'FROM node:0.10\nRUN npm install -g npm@"$NPM_VERSION" \\\n\t&& npm cache clear\n',
    'FROM node:20-slim\nRUN --mount=type=cache,target=/root/.npm npm ci\n',
    'FROM node:20-slim\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n',
    'FROM node:20-slim\nRUN npm ci && rm -rf /root/.npm\n',
    'FROM node:20-slim\nRUN npm ci --cache /tmp/npm-cache && rm -rf /tmp/npm-cache\n',
    // A builder stage never reaches the device.
    'FROM node:20 AS build\nRUN npm ci && npm run build\nFROM nginx:alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n',
    'FROM node:20-slim\nRUN npm run build && yarn test\n',
    'FROM node:20-slim\nRUN <<EOF\nnpm ci\nnpm cache clean --force\nEOF\n',
  ],
  invalid: [
    {
      code: 'FROM node:20-slim\nRUN npm ci --omit=dev\n',
      findings: [[1, 4, 1, 10]],
      output: 'FROM node:20-slim\nRUN npm ci --omit=dev \\\n    && npm cache clean --force\n',
    },
    {
      code: 'FROM node:20-slim\nRUN yarn --frozen-lockfile\n',
      findings: [[1, 4, 1, 8]],
      output: 'FROM node:20-slim\nRUN yarn --frozen-lockfile \\\n    && yarn cache clean\n',
    },
    {
      // Two installs: one finding on the last, one clean at the end covers both.
      code: 'FROM node:20-slim\nRUN npm install -g pm2 \\\n    && npm install\n',
      findings: [[2, 7, 2, 18]],
      output: 'FROM node:20-slim\nRUN npm install -g pm2 \\\n    && npm install \\\n    && npm cache clean --force\n',
    },
    {
      // Cleaning before the install does not help, and npm's clean does not clean yarn's cache.
      code: 'FROM node:20-slim\nRUN npm cache clean --force && npm i && yarn global add serve\n',
      findings: [[1, 31, 1, 36], { line: 1, message: /^yarn global add leaves its package cache/ }],
      output: 'FROM node:20-slim\nRUN npm cache clean --force && npm i && yarn global add serve \\\n    && npm cache clean --force\n',
    },
    {
      code: 'FROM node:20-slim AS base\nWORKDIR /app\nRUN <<EOF\nset -e\nnpm ci\nEOF\nFROM base\nCMD ["node", "server.js"]\n',
      findings: [[4, 0, 4, 6]],
      output: 'FROM node:20-slim AS base\nWORKDIR /app\nRUN <<EOF\nset -e\nnpm ci\nnpm cache clean --force\nEOF\nFROM base\nCMD ["node", "server.js"]\n',
    },
    {
      code: 'FROM node:20-slim\nRUN set -eux; \\\n\tsudo -u node yarn add express \\\n\t;\n',
      findings: [2],
    },
  ],
});
