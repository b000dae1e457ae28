// What each Dockerfile instruction does, and what it means when the image runs on a small ARM
// device (slow flash, thin links, no one at the console). Shown on hover over a keyword.

/** One instruction's hover text: a summary, the edge angle, and its syntax. */
export interface KeywordDoc {
  summary: string;
  edge: string;
  syntax: string;
}

/** Docs per upper-case keyword. */
export const KEYWORD_DOCS: Readonly<Record<string, KeywordDoc>> = {
  FROM: {
    summary: 'Starts a build stage on top of a base image (or `scratch`, or an earlier stage). The last stage is the image that ships.',
    edge: 'Pick a base that exists for the device (`linux/arm64`, `linux/arm/v7`) and keep the final stage slim. Add `--platform=$BUILDPLATFORM` to compile stages so they run natively on the build machine and cross-compile, instead of crawling under emulation.',
    syntax: 'FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]',
  },
  RUN: {
    summary: 'Runs a command in a new layer and keeps the files it changed.',
    edge: 'Every RUN is a layer the device must download and store. Install, use and clean up in the same RUN; whatever a later RUN deletes is still shipped. Cache mounts (`--mount=type=cache`) keep package caches out of the image entirely.',
    syntax: 'RUN [--mount=...] [--network=...] <command>  |  RUN ["executable", "arg"]',
  },
  CMD: {
    summary: 'The default command (or the default arguments to ENTRYPOINT) when the container starts.',
    edge: 'Use the exec form (`["app", "--flag"]`). The shell form runs the app under `/bin/sh -c`, which does not forward SIGTERM, so restarts and updates on the device wait out the stop timeout and then kill the app.',
    syntax: 'CMD ["executable", "arg"]  |  CMD command arg',
  },
  LABEL: {
    summary: 'Adds key/value metadata to the image.',
    edge: 'Labels cost no layer space; `org.opencontainers.image.source` and `.version` make it easy to tell which build is running on a device in the field.',
    syntax: 'LABEL <key>=<value> [<key>=<value> ...]',
  },
  MAINTAINER: {
    summary: 'Deprecated: sets the author field of the image.',
    edge: 'Use `LABEL org.opencontainers.image.authors="..."` instead; it carries the same information in the standard place.',
    syntax: 'MAINTAINER <name>',
  },
  EXPOSE: {
    summary: 'Documents the ports the app listens on; it publishes nothing by itself.',
    edge: 'Publishing happens at run time (`-p`, Compose `ports:`). Keep the list honest and avoid 22: an SSH daemon inside the container is a second door into the device.',
    syntax: 'EXPOSE <port>[/<protocol>] ...',
  },
  ENV: {
    summary: 'Sets environment variables for the following instructions and for the running container.',
    edge: 'Values are baked into the image and visible to anyone who can pull it. Never put keys or tokens here; devices get them at run time from a secret or an env file.',
    syntax: 'ENV <key>=<value> ...',
  },
  ADD: {
    summary: 'Copies files into the image; also fetches URLs and unpacks local tar archives.',
    edge: 'Prefer COPY for local files. A remote ADD stores the whole download in a layer; pin it with `--checksum=sha256:...` so a changed upstream file cannot slip into a device image.',
    syntax: 'ADD [--checksum=<hash>] [--chown=<user>] [--chmod=<mode>] [--link] <src>... <dest>',
  },
  COPY: {
    summary: 'Copies files from the build context or from another stage (`--from`) into the image.',
    edge: '`COPY --from=build /out/app /app` is how a multi-stage build ships only the binary. With a broad `COPY . .`, a `.dockerignore` keeps `.git` and `node_modules` off the device.',
    syntax: 'COPY [--from=<stage>] [--chown=<user>] [--chmod=<mode>] [--link] <src>... <dest>',
  },
  ENTRYPOINT: {
    summary: 'The executable the container runs; CMD supplies its default arguments.',
    edge: 'Use the exec form so the app is PID 1 and receives SIGTERM: the device can then stop and roll back containers promptly.',
    syntax: 'ENTRYPOINT ["executable", "arg"]  |  ENTRYPOINT command arg',
  },
  VOLUME: {
    summary: 'Marks a path as a mount point for data that outlives the container.',
    edge: 'On a device, data written inside the container layer is lost on update. Put databases and state on volumes, and know that anonymous volumes pile up on small disks.',
    syntax: 'VOLUME ["/path"]  |  VOLUME /path ...',
  },
  USER: {
    summary: 'Sets the user (and group) for the following instructions and for the running container.',
    edge: 'End on a non-root user. A compromised process on a device that sits on someone\'s network should not be root, even inside a container.',
    syntax: 'USER <user>[:<group>]  |  USER <uid>[:<gid>]',
  },
  WORKDIR: {
    summary: 'Sets the working directory for the following instructions, creating it if needed.',
    edge: 'Use absolute paths; a relative WORKDIR depends on the one before it and breaks silently when stages are reordered.',
    syntax: 'WORKDIR /path',
  },
  ARG: {
    summary: 'Declares a build argument, optionally with a default. Before the first FROM it can be used in FROM lines.',
    edge: 'The builder sets `TARGETARCH`, `TARGETOS`, `TARGETVARIANT` and `BUILDPLATFORM`: declare them to download the right binary for the device (`arm64`, `arm`) instead of hard-coding `amd64`. Build args are visible in the image history, so no secrets.',
    syntax: 'ARG <name>[=<default>]',
  },
  ONBUILD: {
    summary: 'Registers an instruction that runs when another image is built FROM this one.',
    edge: 'Hidden triggers make downstream builds surprising; prefer explicit steps in the Dockerfile that builds the device image.',
    syntax: 'ONBUILD <INSTRUCTION> ...',
  },
  STOPSIGNAL: {
    summary: 'The signal sent to stop the container (SIGTERM by default).',
    edge: 'Set it when the app shuts down cleanly on another signal (nginx: SIGQUIT). A clean stop matters on flash storage, where a killed database may need a long recovery.',
    syntax: 'STOPSIGNAL <signal>',
  },
  HEALTHCHECK: {
    summary: 'A command the engine runs periodically to tell whether the app is healthy.',
    edge: 'A device has no one watching it: a health check lets the engine, Compose and Pier\'s rollback notice a hung app. Use a tool that exists in the image (`wget -q --spider`, the app\'s own `--health` flag) and modest intervals to spare the CPU.',
    syntax: 'HEALTHCHECK [--interval=30s] [--timeout=5s] [--start-period=10s] [--retries=3] CMD <command>  |  HEALTHCHECK NONE',
  },
  SHELL: {
    summary: 'Changes the shell used by the shell form of RUN, CMD and ENTRYPOINT.',
    edge: '`SHELL ["/bin/sh", "-eo", "pipefail", "-c"]` makes a failing `curl | tar` fail the build instead of shipping a half-installed image to devices (ash and bash both support `-o pipefail`).',
    syntax: 'SHELL ["executable", "parameters"]',
  },
};
