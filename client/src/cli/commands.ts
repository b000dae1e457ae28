// Every `pier` subcommand, one line each. Each lives in its own file.

import type { CliCommand } from './command';
import { lintCommand } from './lint';
import { labCommand } from './lab';
import { devicesCommand } from './devices';
import { deviceCommand } from './device';
import { sizeCommand } from './size';
import { buildCommand } from './build';
import { deployCommand } from './deploy';
import { psCommand } from './ps';
import { rollbackCommand } from './rollback';
import { execCommand } from './exec';
import { logsCommand } from './logs';

/** The command table. */
export const commands: CliCommand[] = [
  lintCommand,
  labCommand,
  devicesCommand,
  deviceCommand,
  sizeCommand,
  buildCommand,
  deployCommand,
  psCommand,
  rollbackCommand,
  execCommand,
  logsCommand,
];
