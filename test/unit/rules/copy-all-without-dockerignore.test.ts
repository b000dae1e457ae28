import { ruleTable } from '../../rule-tester';

const NONE = { dockerignore: null };

ruleTable('copy-all-without-dockerignore', {
  valid: [
    // Unknown surroundings (an unsaved buffer): nothing to say.
    'FROM python:3.12-slim\nCOPY . /app\n',
    { code: 'FROM python:3.12-slim\nCOPY . /app\n', files: { dockerignore: '.git\n__pycache__\n' } },
    { code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n', files: { dockerignore: '# VCS\n.git\n**/node_modules\n' } },
    // Docker's own matching: leading spaces and ./ are cleaned, a whole-context `*` excludes everything.
    { code: 'FROM node:20-slim\nCOPY . .\nRUN npm ci\n', files: { dockerignore: ' ./.git\n./node_modules\n' } },
    { code: 'FROM python:3.12-slim\nCOPY . /app\n', files: { dockerignore: '*\n!src\n!requirements.txt\n' } },
    { code: 'FROM python:3.12-slim\nCOPY --exclude=.git . /app\n', files: NONE },
    { code: 'FROM python:3.12-slim\nCOPY src/ /app/src/\nCOPY requirements.txt /app/\n', files: NONE },
    { code: 'FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n', files: NONE },
    { code: 'FROM golang:1.22 AS build\nRUN go build -o /out/app\nFROM scratch\nCOPY --from=build /out .\n', files: NONE },
    { code: 'FROM node:20-slim\nCOPY . .\n', files: { dockerignore: '.git/*\nnode_modules/*\n' } },
    // No Node in this image, so node_modules is not asked for.
    { code: 'FROM python:3.12-slim\nCOPY . /app\n', files: { dockerignore: '.git/\n' } },
  ],
  invalid: [
    { code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n', files: NONE, findings: [[2, 5, 2, 6]] },
    { code: 'FROM python:3.12-slim\nADD ./ /app\n', files: NONE, findings: [{ line: 1, message: /ADD \. with no \.dockerignore/ }] },
    { code: 'FROM python:3.12-slim\nCOPY ["./", "/app"]\n', files: NONE, findings: [1] },
    {
      code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n',
      files: { dockerignore: 'dist\n.env\n' },
      findings: [{ line: 2, message: /does not exclude \.git and node_modules/ }],
    },
    {
      // `node_modules/*` excludes the contents, which is what counts; re-including a file of .git brings it back.
      code: 'FROM node:20-slim\nCOPY . .\n',
      files: { dockerignore: '.git\n!.git/HEAD\nnode_modules/*\n' },
      findings: [{ line: 1, message: /does not exclude \.git,? so/ }],
    },
    {
      code: 'FROM node:20-slim AS base\nRUN corepack enable\nFROM base\nCOPY --chown=node . /home/node/app\n',
      files: { dockerignore: '.git\n' },
      findings: [{ line: 3, message: /node_modules/ }],
    },
  ],
});
