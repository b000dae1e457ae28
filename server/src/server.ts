// Connection and wiring only: every feature lives in features/.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './features/wiring';

startServer(createConnection(ProposedFeatures.all));
