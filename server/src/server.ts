// Connection and wiring only: every feature lives in features/. The transport (--stdio,
// --node-ipc, --socket) comes from the command line; nothing here writes to stdout.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './features/wiring';

const connection = createConnection(ProposedFeatures.all);

// Handlers are guarded one by one; this is the last net, so a stray bug in a timer or a
// library callback is logged to the client instead of ending every editor feature.
process.on('uncaughtException', (e) => connection.console.error(`uncaught exception: ${e?.stack ?? String(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));

// The first diagnostics of a Dockerfile go out before the shell parser has loaded (it is most of
// the start-up cost); the complete set follows.
startServer(connection, { deferShellParser: true });
