// The `pier` task type, so a deploy can be a preLaunchTask or a keybinding of people's own:
//
//   { "type": "pier", "command": "deploy", "file": "Dockerfile", "device": "pi-kitchen" }
//   { "type": "pier", "command": "build" }               // build for the target's platform only
//   { "type": "pier", "command": "logs", "app": "api" }  // follow the app's logs in the terminal
//
// Each runs in the task terminal through the same pipeline as the commands (CustomExecution), so
// host keys, kept secrets and the device list are the extension's, not a second configuration.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LogEntry } from '../edge/logs';
import type { Device } from '../edge/devices/list';
import { appName, isDeployable } from '../commands/deploy-files';
import type { DeviceService } from '../views/devices-service';

/** The task type id, as package.json's taskDefinitions declares it. */
export const TASK_TYPE = 'pier';

/** What a tasks.json entry of type `pier` may say. */
export interface PierTaskDefinition extends vscode.TaskDefinition {
  command: 'build' | 'deploy' | 'logs';
  /** Dockerfile or Compose file, relative to the workspace folder; default: the only one, or the active editor's. */
  file?: string;
  /** Device name; default: the deploy target. */
  device?: string;
  /** App (container or Compose project) for `logs`; default: named after the file's folder. */
  app?: string;
  /** Compose service to deploy or follow. */
  service?: string;
}

/** Register the provider (tasks for each Dockerfile/Compose file of the workspace). */
export function registerPierTasks(devices: DeviceService): vscode.Disposable {
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    async provideTasks() {
      const files = await vscode.workspace.findFiles('**/{Dockerfile,Containerfile,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml}', '**/node_modules/**', 20);
      return files.flatMap((u) => {
        const folder = vscode.workspace.getWorkspaceFolder(u);
        const rel = folder ? path.relative(folder.uri.fsPath, u.fsPath) : u.fsPath;
        return (['build', 'deploy', 'logs'] as const).map((command) => makeTask(devices, { type: TASK_TYPE, command, file: rel }, folder));
      });
    },
    resolveTask(task) {
      const def = task.definition as PierTaskDefinition;
      if (!['build', 'deploy', 'logs'].includes(def.command)) return undefined;
      const folder = typeof task.scope === 'object' ? (task.scope as vscode.WorkspaceFolder) : undefined;
      return makeTask(devices, def, folder);
    },
  });
}

function makeTask(devices: DeviceService, def: PierTaskDefinition, folder: vscode.WorkspaceFolder | undefined): vscode.Task {
  const name = `${def.command}${def.file ? ` ${def.file}` : ''}${def.device ? ` → ${def.device}` : ''}`;
  const task = new vscode.Task(
    def,
    folder ?? vscode.TaskScope.Workspace,
    name,
    TASK_TYPE,
    new vscode.CustomExecution(async (resolved) => taskTerminal(devices, resolved as PierTaskDefinition, folder)),
  );
  task.group = def.command === 'build' ? vscode.TaskGroup.Build : undefined;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  task.isBackground = def.command === 'logs';
  return task;
}

function taskTerminal(devices: DeviceService, def: PierTaskDefinition, folder: vscode.WorkspaceFolder | undefined): vscode.Pseudoterminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number>();
  const ac = new AbortController();
  const line = (s: string) => write.fire(`${s.replace(/\r?\n/g, '\r\n')}\r\n`);
  return {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      runTask(devices, def, folder, line, ac.signal).then(
        (code) => close.fire(code),
        (e: Error) => {
          line(`\x1b[31m${e.message}\x1b[0m`);
          close.fire(ac.signal.aborted ? 130 : 1);
        },
      );
    },
    close: () => ac.abort(),
    handleInput: (data) => {
      // Ctrl+C in the task terminal stops the task like the trash can does.
      if (data === '\x03') ac.abort();
    },
  };
}

async function runTask(devices: DeviceService, def: PierTaskDefinition, folder: vscode.WorkspaceFolder | undefined, line: (s: string) => void, signal: AbortSignal): Promise<number> {
  if (!vscode.workspace.isTrusted) throw new Error('Pier tasks reach devices, so they are off in Restricted Mode. Trust this workspace to run them.');
  await devices.reload();
  const device = pickDevice(devices, def.device);
  const file = resolveFile(def.file, folder);
  if (def.command === 'logs') return followInTerminal(devices, device, def.app ?? (file ? appName(vscode.Uri.file(file)) : undefined), line, signal);
  if (!file) throw new Error('No Dockerfile or Compose file: set "file" in the task, or open one.');
  const uri = vscode.Uri.file(file);
  // The pipeline (builders, shipping, the shell parser) loads when a task runs, not at activation.
  const { runDeployPipeline } = await import('../commands/deploy-pipeline.js');
  const outcome = await runDeployPipeline(
    { file, kind: /compose/i.test(path.basename(file)) ? 'compose' : 'dockerfile', app: appName(uri), device, service: def.service, workspaceFolder: folder?.uri.fsPath, until: def.command === 'build' ? 'build' : undefined },
    {
      devices,
      signal,
      report: (r) => {
        if (r.log) line(r.log);
        else if (r.message) line(`[${r.phase}] ${r.message}`);
      },
      log: line,
    },
  );
  line(`\x1b[32m${outcome.summary}\x1b[0m`);
  return 0;
}

function pickDevice(devices: DeviceService, name: string | undefined): Device {
  const d = name ? devices.find(name) : devices.target;
  if (!d) throw new Error(name ? `No device named ${name} (see the Edge Devices view).` : 'No deploy target: set "device" in the task, or pick one with Pier: Pick Deploy Target.');
  return d;
}

function resolveFile(file: string | undefined, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  if (file) return path.isAbsolute(file) ? file : path.join(folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', file);
  const active = vscode.window.activeTextEditor?.document.uri;
  return active?.scheme === 'file' && isDeployable(active.fsPath) ? active.fsPath : undefined;
}

async function followInTerminal(devices: DeviceService, device: Device, app: string | undefined, line: (s: string) => void, signal: AbortSignal): Promise<number> {
  if (!app) throw new Error('Which app? Set "app" (a container or Compose project name) in the task.');
  const probe = await devices.probe(device, signal);
  if (!probe.runtime) throw new Error(`${device.name} has no container runtime.`);
  line(`following ${app} on ${device.name} (close the terminal to stop)`);
  const { followLogs } = await import('../edge/logs/index.js');
  const { done } = followLogs({
    conn: devices.pool.get(device.target),
    runtime: probe.runtime,
    target: { kind: 'auto', ref: app },
    tail: 100,
    signal,
    onEntries: (entries: LogEntry[]) => {
      for (const e of entries) {
        if (e.kind === 'state') line(`\x1b[2m-- ${e.message}\x1b[0m`);
        else line(`${e.service ? `${e.service} | ` : ''}${e.stream === 'stderr' ? '\x1b[33m' : ''}${e.text}${e.stream === 'stderr' ? '\x1b[0m' : ''}`);
      }
    },
  });
  const end = await done;
  if (end.reason === 'failed') throw end.error ?? new Error('the log stream failed');
  return 0;
}
