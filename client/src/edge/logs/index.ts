// Device logs: the reconnecting log stream and its parts. No vscode import; the panel and the CLI
// build on this.

export { LogStream, followLogs } from './stream';
export type { LogStreamOptions } from './stream';
export { LogRing, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES, entrySize } from './ring';
export { ResumeTracker } from './resume';
export { TimeMerger } from './merge';
export { LineSplitter, DEFAULT_MAX_LINE } from './lines';
export type { RawLine } from './lines';
export { RemoteFollow } from './follow';
export type { FollowEnd, FollowOptions } from './follow';
export { resolveTarget, inspectContainers, projectContainers, listLogChoices } from './target';
export type { ResolvedTarget, LogChoices } from './target';
export { logsArgv, inspectArgv, projectPsArgv, parseInspect, checkLogRuntime, isNoSuchContainer, LOG_RUNTIMES } from './runtime';
export type { ContainerFacts, LogsQuery } from './runtime';
export { normalizeTimestamp, splitTimestamp, timestampMs, timestampMinus, timestampOf, clockTime, checkSince } from './timestamp';
export type { LogEntry, LogLine, LogState, LogStateKind, LogStreamEnd, LogStreamName, LogTarget } from './types';
