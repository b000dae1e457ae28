// The shapes the run step works with: the app's run options as read from pier.json, the health
// probe, what a deploy reports as it goes, and what it ends with.

/** A health probe for images without a HEALTHCHECK; it runs on the device. */
export type HealthProbe =
  | { kind: 'tcp'; port: number }
  | { kind: 'http'; path: string; port?: number; status?: number }
  | { kind: 'command'; argv: string[] }
  | { kind: 'running'; seconds: number };

/** How the running version gives way to the new one. */
export type ReplaceMode = 'auto' | 'parallel' | 'stop-first';

/** The run options of one app, with every default filled in. */
export interface RunConfig {
  name: string;
  ports: string[];
  /** Final environment values (after ${NAME} from env files was filled in). */
  env: Record<string, string>;
  volumes: string[];
  devices: string[];
  restart: string;
  memory?: string;
  cpus?: number;
  logs: { maxSize: string; maxFile: number };
  privileged: boolean;
  network?: string;
  user?: string;
  command?: string[];
  /** The configured probe; the image's HEALTHCHECK wins when it has one. */
  health: HealthProbe;
  /** Whether `health` was written in the file (rather than the default). */
  healthConfigured: boolean;
  healthTimeoutSec: number;
  replace: ReplaceMode;
  keepVersions: number;
  lockWaitSec: number;
  compose?: { files: string[]; envFile?: string };
  /** The pier.json this came from, when there was one. */
  source?: string;
}

/** Steps of the run step, in order. */
export type RunPhase = 'lock' | 'recover' | 'prepare' | 'start' | 'health' | 'rollback' | 'prune' | 'done';

/** One thing a person should hear about, as it happens. */
export interface RunEvent {
  phase: RunPhase;
  message: string;
  /** `warning` when something went wrong but was handled; `error` when it was not. */
  level?: 'info' | 'warning' | 'error';
}

/** Listener of run events; awaited, so a caller can act between steps. */
export type RunListener = (e: RunEvent) => void | Promise<void>;

/** What became of one deploy or rollback. */
export interface RunOutcome {
  /** `deployed`: the new version runs and passed; `unchanged`: it already ran; `rolled-back`: it failed and the previous one runs again. */
  status: 'deployed' | 'unchanged' | 'rolled-back' | 'failed';
  app: string;
  /** The version running now (undefined when nothing runs). */
  running?: string;
  /** The version that was tried. */
  tried: string;
  /** One paragraph for the person. */
  summary: string;
  /** When the new version failed: its exit code and its last log lines. */
  failure?: { reason: string; exitCode?: number; logs: string };
  /** Seconds per phase. */
  timings: Partial<Record<RunPhase, number>>;
}
