import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { reportOverridden } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'multiple-cmd',
  meta: {
    category: 'correctness',
    severity: 'warning',
    hadolint: 'DL4003',
    fixable: true,
    docs: 'Only the last CMD of a stage runs; an earlier one suggests a start command the device will never use.',
  },
  check(ctx) {
    reportOverridden(ctx, 'CMD');
  },
});
