// THE command table: every command Pier contributes is registered from here, with the title,
// icon and Command Palette when-clause package.json declares for it (a unit test keeps the two
// equal). Commands that touch a device, run a shell or start the lab are `trusted`: in a
// restricted workspace they are hidden from the palette and menus by their when-clauses and,
// if run anyway (a keybinding, another extension), refuse with a message instead of acting.

import * as vscode from 'vscode';
import { refreshDevices } from './device-refresh';
import { setDeployTarget } from './device-target';
import { openDeviceTerminal } from './device-terminal';
import { testDeviceConnection } from './device-test';
import { showLogs } from '../logs/logs-view';
import type { DeviceService } from '../views/devices-service';
import type { DevicesTree, DeviceNode } from '../views/devices-tree';

/** What commands may use: the extension's context and the window's shared services. */
export interface CommandEnv {
  context: vscode.ExtensionContext;
  devices: DeviceService;
  tree: DevicesTree;
}

/** One row of the table. */
export interface PierCommand {
  id: string;
  /** Title without the category; package.json shows it as "Pier: <title>". */
  title: string;
  /** A codicon, for menus and the editor title bar. */
  icon?: string;
  /** When the command shows in the Command Palette; absent means always. */
  palette?: string;
  /** Needs a trusted workspace: it reaches a device, runs a shell or a build, or starts the lab. */
  trusted: boolean;
  run(env: CommandEnv, ...args: unknown[]): unknown;
}

/** Palette clause of commands that need trust. */
export const TRUSTED = 'isWorkspaceTrusted';

const node = (a: unknown): DeviceNode | undefined => (a && typeof a === 'object' && 'kind' in a ? (a as DeviceNode) : undefined);

// Commands whose code is heavy (the deploy pipeline with its builders and the shell parser, the
// size breakdown, the lab, the doctor) are imported when first run: the bundler puts each in a
// chunk of its own, so activation loads only the table, the views and the SSH layer.
const deployCmd = () => import('./deploy.js');

/** Every command of the extension. */
export const commandTable: readonly PierCommand[] = [
  { id: 'pier.deploy', title: 'Deploy', icon: '$(rocket)', palette: TRUSTED, trusted: true, run: async (env, a) => (await deployCmd()).deploy(env, a) },
  { id: 'pier.showDeployLog', title: 'Show Deploy Log', icon: '$(output)', trusted: false, run: async () => (await deployCmd()).showDeployLog() },
  { id: 'pier.showLogs', title: 'Show Logs', icon: '$(list-flat)', trusted: false, run: (_env, a) => showLogs(a) },
  { id: 'pier.fixHostKey', title: 'Fix Host Key', palette: 'false', trusted: true, run: async (env, a) => (await deployCmd()).fixHostKey(env, a) },
  { id: 'pier.startLab', title: 'Start Device Lab', icon: '$(beaker)', palette: `${TRUSTED} && isLinux`, trusted: true, run: async (env) => (await import('./lab-start.js')).startLab(env) },
  { id: 'pier.openWalkthrough', title: 'Get Started with Pier', trusted: false, run: () => vscode.commands.executeCommand('workbench.action.openWalkthrough', 'pier-dev.pier#pier.gettingStarted', false) },
  {
    id: 'pier.showImageSizeBreakdown',
    title: 'Show Image Size Breakdown',
    icon: '$(graph)',
    trusted: false,
    run: async (env, image) => (await import('./show-image-size-breakdown.js')).showImageSizeBreakdown(env.context, typeof image === 'string' ? image : undefined),
  },
  { id: 'pier.addDevice', title: 'Add Device', icon: '$(add)', trusted: false, run: async (env) => (await import('./device-add.js')).addDevice(env.devices) },
  { id: 'pier.refreshDevices', title: 'Refresh Devices', icon: '$(refresh)', trusted: false, run: (env) => refreshDevices(env.devices, env.tree) },
  { id: 'pier.testDeviceConnection', title: 'Test Connection', icon: '$(plug)', palette: TRUSTED, trusted: true, run: (env, n) => testDeviceConnection(env.devices, node(n)) },
  { id: 'pier.setDeployTarget', title: 'Set as Deploy Target', icon: '$(target)', trusted: false, run: (env, n) => setDeployTarget(env.devices, node(n)) },
  { id: 'pier.pickDeployTarget', title: 'Pick Deploy Target', icon: '$(target)', palette: 'false', trusted: false, run: (env) => setDeployTarget(env.devices) },
  { id: 'pier.runDeviceDoctor', title: 'Run Device Doctor', icon: '$(heart)', palette: TRUSTED, trusted: true, run: async (env, n) => (await import('./device-doctor.js')).runDeviceDoctor(env.devices, node(n)) },
  { id: 'pier.openDeviceTerminal', title: 'Open SSH Terminal', icon: '$(terminal)', palette: TRUSTED, trusted: true, run: (env, n) => openDeviceTerminal(env.devices, node(n)) },
  { id: 'pier.containerStart', title: 'Start Container', icon: '$(debug-start)', palette: TRUSTED, trusted: true, run: async (env, n) => (await import('./container-actions.js')).runContainerAction(env.devices, 'start', node(n)) },
  { id: 'pier.containerStop', title: 'Stop Container', icon: '$(debug-stop)', palette: TRUSTED, trusted: true, run: async (env, n) => (await import('./container-actions.js')).runContainerAction(env.devices, 'stop', node(n)) },
  { id: 'pier.containerRestart', title: 'Restart Container', icon: '$(debug-restart)', palette: TRUSTED, trusted: true, run: async (env, n) => (await import('./container-actions.js')).runContainerAction(env.devices, 'restart', node(n)) },
  { id: 'pier.containerRemove', title: 'Remove Container', icon: '$(trash)', palette: TRUSTED, trusted: true, run: async (env, n) => (await import('./container-actions.js')).runContainerAction(env.devices, 'remove', node(n)) },
  { id: 'pier.containerInspect', title: 'Inspect Container', icon: '$(json)', palette: TRUSTED, trusted: true, run: async (env, n) => (await import('./container-actions.js')).inspectContainer(env.devices, node(n)) },
  { id: 'pier.containerShell', title: 'Open Shell in Container', icon: '$(terminal)', palette: TRUSTED, trusted: true, run: async (env, n) => (await import('./container-actions.js')).openContainerTerminal(env.devices, node(n)) },
  { id: 'pier.rollback', title: 'Roll Back to Previous Version', icon: '$(history)', palette: TRUSTED, trusted: true, run: async (env, n, app) => (await import('./rollback.js')).rollBack(env.devices, node(n), typeof app === 'string' ? app : undefined) },
];

/** Register every command of the table; trusted ones refuse in a restricted workspace. */
export function registerCommands(env: CommandEnv, table: readonly PierCommand[] = commandTable): vscode.Disposable[] {
  return table.map((c) =>
    vscode.commands.registerCommand(c.id, (...args: unknown[]) => {
      if (c.trusted && !vscode.workspace.isTrusted) {
        const manage = 'Manage Workspace Trust';
        void vscode.window
          .showWarningMessage(`Pier: "${c.title}" reaches devices or runs programs, so it is off in Restricted Mode. Trust this workspace to use it.`, manage)
          .then((a) => a === manage && vscode.commands.executeCommand('workbench.trust.manage'));
        return undefined;
      }
      return c.run(env, ...args);
    }),
  );
}
