// What a failed Pier: Deploy says and offers next (commands/deploy-errors.ts is pure, so this
// runs in plain Node): every failure ends in a message with at least one action, and the action
// fits the failure.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { deployFailure, DEPLOY_PHASES } from '../../client/src/commands/deploy-errors';
import { DeviceError, deviceErrors } from '../../client/src/edge/ssh/errors';
import { RunFailedError } from '../../client/src/commands/deploy-pipeline';
import type { RunOutcome } from '../../client/src/edge/run/types';

const commands = (f: ReturnType<typeof deployFailure>) => f.actions.map((a) => a.command);

function runFailed(status: RunOutcome['status']): RunFailedError {
  return new RunFailedError({ status, app: 'sensor', tried: '20261126-1', running: status === 'rolled-back' ? '20261125-3' : undefined, summary: `sensor 20261126-1 failed its health check${status === 'rolled-back' ? '; the previous version 20261125-3 runs again' : ''}`, failure: { reason: 'unhealthy', exitCode: 1, logs: '' }, timings: {} });
}

test('every phase and kind of error ends in a message with an action', () => {
  const errors: unknown[] = [new Error('boom'), deviceErrors.connectionLost('pi'), deviceErrors.auth('pi', 'root', ['key']), new DeviceError('host-key-unknown', 'pi', 'unknown key'), runFailed('failed')];
  for (const phase of DEPLOY_PHASES) {
    for (const e of errors) {
      const f = deployFailure(e, phase, 'pi');
      assert.match(f.message, /pi/);
      assert.ok(f.actions.length >= 1, `${phase}: ${(e as Error).message}`);
    }
  }
});

test('a changed host key offers Fix Host Key; an unreachable device the doctor', () => {
  assert.deepEqual(commands(deployFailure(new DeviceError('host-key-changed', 'pi', 'changed'), 'probe', 'pi')), ['pier.fixHostKey', 'pier.showDeployLog']);
  const f = deployFailure(deviceErrors.unreachable('pi', '10.0.0.2:22', 'EHOSTUNREACH'), 'probe', 'pi');
  assert.ok(commands(f).includes('pier.runDeviceDoctor'));
  assert.deepEqual(f.actions.find((a) => a.command === 'pier.runDeviceDoctor')?.args, [{ kind: 'device', name: 'pi' }]);
});

test('a failed build offers its log under the build name', () => {
  const f = deployFailure(new Error('RUN make: exit 2'), 'build', 'pi');
  assert.deepEqual(f.actions, [{ title: 'View Build Log', command: 'pier.showDeployLog', args: [] }]);
});

test('a health failure with nothing put back offers Roll Back for that app on that device', () => {
  const f = deployFailure(runFailed('failed'), 'run', 'pi');
  const back = f.actions.find((a) => a.command === 'pier.rollback');
  assert.ok(back, commands(f).join());
  assert.deepEqual(back.args, [{ kind: 'device', name: 'pi' }, 'sensor']);
  // A link lost while starting: the app is not known from the error, so the command asks.
  const lost = deployFailure(deviceErrors.connectionLost('pi'), 'run', 'pi');
  assert.ok(!commands(lost).includes('pier.rollback'), 'a lost link goes to the doctor first');
  const other = deployFailure(new Error('container exited'), 'run', 'pi');
  assert.deepEqual(other.actions.find((a) => a.command === 'pier.rollback')?.args, [{ kind: 'device', name: 'pi' }]);
});

test('a failure the device already rolled back offers no second roll back', () => {
  const f = deployFailure(runFailed('rolled-back'), 'run', 'pi');
  assert.ok(!commands(f).includes('pier.rollback'), commands(f).join());
  assert.match(f.message, /previous version/);
});

test('a cancel is told as such, not as a failure', () => {
  const e = Object.assign(new Error('aborted'), { name: 'AbortError' });
  const f = deployFailure(e, 'ship', 'pi');
  assert.equal(f.cancelled, true);
  assert.match(f.message, /cancelled while sending the image/);
  assert.equal(deployFailure(deviceErrors.aborted('pi'), 'build', 'pi').cancelled, true);
});
