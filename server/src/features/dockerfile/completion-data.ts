// The tables completion offers: instruction snippets, flags per instruction and flag values.
// Device platforms come first because they are what Pier's users build for.

/** A keyword item; `label` set means an extra snippet variant of the keyword. */
export interface KeywordSnippet {
  keyword: string;
  label?: string;
  detail?: string;
  snippet?: string;
}

/** Instruction snippets, most used first. */
export const KEYWORD_SNIPPETS: readonly KeywordSnippet[] = [
  { keyword: 'FROM', snippet: 'FROM ${1:image}:${2:tag}' },
  { keyword: 'FROM', label: 'FROM --platform=$BUILDPLATFORM … AS build', detail: 'Compile stage that runs natively and cross-compiles for the device', snippet: 'FROM --platform=\\$BUILDPLATFORM ${1:golang:1.22} AS ${2:build}\nARG TARGETOS TARGETARCH\n' },
  { keyword: 'RUN', snippet: 'RUN ${1:command}' },
  { keyword: 'RUN', label: 'RUN --mount=type=cache …', detail: 'Keep a package cache out of the image', snippet: 'RUN --mount=type=cache,target=${1:/var/cache/apt} ${2:command}' },
  { keyword: 'COPY', snippet: 'COPY ${1:src} ${2:dest}' },
  { keyword: 'COPY', label: 'COPY --from=…', detail: 'Copy build output from an earlier stage', snippet: 'COPY --from=${1:build} ${2:/out/app} ${3:/app}' },
  { keyword: 'WORKDIR', snippet: 'WORKDIR ${1:/app}' },
  { keyword: 'ENV', snippet: 'ENV ${1:KEY}=${2:value}' },
  { keyword: 'ARG', snippet: 'ARG ${1:NAME}' },
  { keyword: 'ARG', label: 'ARG TARGETARCH', detail: 'The device architecture (arm64, arm, amd64), set by the builder', snippet: 'ARG TARGETARCH' },
  { keyword: 'USER', snippet: 'USER ${1:app}' },
  { keyword: 'EXPOSE', snippet: 'EXPOSE ${1:8080}' },
  { keyword: 'CMD', snippet: 'CMD ["${1:executable}"${2:, "${3:arg}"}]' },
  { keyword: 'ENTRYPOINT', snippet: 'ENTRYPOINT ["${1:executable}"${2:, "${3:arg}"}]' },
  { keyword: 'HEALTHCHECK', snippet: 'HEALTHCHECK --interval=${1:30s} --timeout=${2:5s} --retries=${3:3} CMD ${4:wget -q --spider http://localhost:8080/ || exit 1}' },
  { keyword: 'LABEL', snippet: 'LABEL ${1:org.opencontainers.image.source}="${2:value}"' },
  { keyword: 'ADD', snippet: 'ADD ${1:src} ${2:dest}' },
  { keyword: 'VOLUME', snippet: 'VOLUME ["${1:/data}"]' },
  { keyword: 'SHELL', snippet: 'SHELL ["/bin/sh", "-eo", "pipefail", "-c"]' },
  { keyword: 'STOPSIGNAL', snippet: 'STOPSIGNAL ${1:SIGTERM}' },
  { keyword: 'ONBUILD', snippet: 'ONBUILD ${1:INSTRUCTION}' },
  { keyword: 'MAINTAINER', snippet: 'MAINTAINER ${1:name}' },
];

/** A flag an instruction takes. */
export interface FlagInfo {
  name: string;
  detail: string;
  takesValue: boolean;
  repeatable?: boolean;
}

/** Flags per instruction keyword. */
export const FLAGS: Readonly<Record<string, readonly FlagInfo[]>> = {
  FROM: [{ name: 'platform', detail: 'Platform of the base image (linux/arm64, $BUILDPLATFORM, ...)', takesValue: true }],
  RUN: [
    { name: 'mount', detail: 'Mount a cache, secret, ssh agent or bind for this command only', takesValue: true, repeatable: true },
    { name: 'network', detail: 'Network for this command: default, none or host', takesValue: true },
    { name: 'security', detail: 'sandbox (default) or insecure (needs an entitlement)', takesValue: true },
  ],
  COPY: [
    { name: 'from', detail: 'Copy from an earlier stage or an image instead of the build context', takesValue: true },
    { name: 'chown', detail: 'Owner of the copied files (user[:group])', takesValue: true },
    { name: 'chmod', detail: 'Mode of the copied files (octal)', takesValue: true },
    { name: 'link', detail: 'Copy into an independent layer that survives base image changes', takesValue: false },
  ],
  ADD: [
    { name: 'checksum', detail: 'Expected digest of a remote source (sha256:...)', takesValue: true },
    { name: 'chown', detail: 'Owner of the added files (user[:group])', takesValue: true },
    { name: 'chmod', detail: 'Mode of the added files (octal)', takesValue: true },
    { name: 'link', detail: 'Add into an independent layer that survives base image changes', takesValue: false },
    { name: 'keep-git-dir', detail: 'Keep the .git directory of a Git source', takesValue: false },
  ],
  HEALTHCHECK: [
    { name: 'interval', detail: 'Time between checks (default 30s)', takesValue: true },
    { name: 'timeout', detail: 'Time a check may take (default 30s)', takesValue: true },
    { name: 'start-period', detail: 'Grace time after start before failures count', takesValue: true },
    { name: 'start-interval', detail: 'Time between checks during the start period', takesValue: true },
    { name: 'retries', detail: 'Consecutive failures before unhealthy (default 3)', takesValue: true },
  ],
};

/** `--platform=` values: device platforms first, then the builder's variables. */
export const PLATFORMS: readonly { value: string; detail: string }[] = [
  { value: 'linux/arm64', detail: '64-bit ARM: Raspberry Pi 3/4/5 with a 64-bit OS, Jetson, most current boards' },
  { value: 'linux/arm/v7', detail: '32-bit ARMv7: Raspberry Pi 2/3 with a 32-bit OS, BeagleBone' },
  { value: 'linux/arm/v6', detail: '32-bit ARMv6: Raspberry Pi Zero and Pi 1' },
  { value: 'linux/amd64', detail: '64-bit x86: the build machine, not the device' },
  { value: '$BUILDPLATFORM', detail: 'The machine running the build: compile natively, then cross-compile' },
  { value: '$TARGETPLATFORM', detail: 'The platform being built for (the device)' },
];

/** Values of other flags, by flag name (`mount` holds whole specs, `mount-type` the type names). */
export const FLAG_VALUES: Readonly<Record<string, readonly { value: string; detail?: string }[]>> = {
  network: [{ value: 'default' }, { value: 'none', detail: 'No network: proves the step needs nothing from outside' }, { value: 'host' }],
  security: [{ value: 'sandbox' }, { value: 'insecure' }],
  'mount-type': [
    { value: 'cache', detail: 'A persistent cache directory (package manager caches) that never enters the image' },
    { value: 'secret', detail: 'A secret file, readable only during this command' },
    { value: 'bind', detail: 'Files from the context or a stage, without copying them into a layer' },
    { value: 'ssh', detail: "The build's SSH agent socket" },
    { value: 'tmpfs', detail: 'A temporary in-memory directory' },
  ],
  mount: [
    { value: 'type=cache,target=/var/cache/apt,sharing=locked', detail: 'apt download cache' },
    { value: 'type=cache,target=/root/.cache/pip', detail: 'pip cache' },
    { value: 'type=cache,target=/root/.npm', detail: 'npm cache' },
    { value: 'type=cache,target=/go/pkg/mod', detail: 'Go module cache' },
    { value: 'type=secret,id=', detail: 'a build secret' },
    { value: 'type=bind,', detail: 'bind mount' },
    { value: 'type=ssh', detail: 'SSH agent' },
  ],
};
