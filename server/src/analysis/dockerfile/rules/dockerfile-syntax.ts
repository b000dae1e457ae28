import { ValidationCode, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { defineRule, type Range, type Severity } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { validateParsed } from '../syntax-validation';

// Checks other rules own (with ranges, fixes and hadolint codes) or that are style, not syntax.
const SETTINGS: ValidatorSettings = {
  instructionCmdMultiple: ValidationSeverity.IGNORE,
  instructionEntrypointMultiple: ValidationSeverity.IGNORE,
  instructionWorkdirRelative: ValidationSeverity.IGNORE,
  instructionCasing: ValidationSeverity.IGNORE,
  directiveCasing: ValidationSeverity.IGNORE,
  deprecatedMaintainer: ValidationSeverity.WARNING,
  emptyContinuationLine: ValidationSeverity.WARNING,
  instructionHealthcheckMultiple: ValidationSeverity.WARNING,
  instructionJSONInSingleQuotes: ValidationSeverity.WARNING,
};

// What the builder accepts although dockerfile-utils reports it: these become warnings.
const BUILDER_ACCEPTS = new Set<number>([
  ValidationCode.DEPRECATED_MAINTAINER,
  ValidationCode.EMPTY_CONTINUATION_LINE,
  ValidationCode.MULTIPLE_INSTRUCTIONS,
  ValidationCode.JSON_IN_SINGLE_QUOTES,
]);

// Flags newer than dockerfile-utils' lists, which BuildKit accepts.
const NEWER_FLAGS: Record<number, Set<string>> = {
  [ValidationCode.UNKNOWN_ADD_FLAG]: new Set(['unpack', 'exclude', 'link', 'keep-git-dir', 'checksum']),
  [ValidationCode.UNKNOWN_COPY_FLAG]: new Set(['exclude', 'parents', 'link']),
};

export default defineRule<DockerfileContext>({
  id: 'dockerfile-syntax',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'A file the builder rejects never produces an image, so nothing can be shipped to the device; find the error in the editor rather than in a failed build.',
  },
  check(ctx) {
    // dockerfile-utils' validator on the context's parse (see validateParsed); this rule is its only
    // caller, once per analysis.
    let diagnostics: ReturnType<typeof validateParsed>;
    try {
      diagnostics = validateParsed(ctx, SETTINGS);
    } catch {
      // dockerfile-ast recurses without end resolving variables of some instructions outside any
      // stage (found by the fuzz test); the file is broken anyway and other rules still report.
      return;
    }
    for (const d of diagnostics) {
      const code = typeof d.code === 'number' ? d.code : Number(d.code);
      const severity = severityOf(ctx, code, d.range);
      if (severity === null) continue;
      const message = typeof d.message === 'string' ? d.message : d.message.value;
      ctx.report({ range: d.range, message: sentence(message), severity });
    }
  },
});

/** The severity for one dockerfile-utils diagnostic, or null to drop it (another rule owns it, or the builder accepts it). */
function severityOf(ctx: DockerfileContext, code: number, range: Range): Severity | null {
  const text = ctx.textOf(range);
  switch (code) {
    case ValidationCode.DUPLICATE_BUILD_STAGE_NAME:
      return null; // duplicate-stage-name reports it once, pointing at the first definition
    case ValidationCode.FLAG_INVALID_FROM_VALUE:
      // `--from=$STAGE` is substituted before use; unknown-stage judges the substituted value.
      return text.includes('$') ? null : 'error';
    case ValidationCode.UNKNOWN_ADD_FLAG:
    case ValidationCode.UNKNOWN_COPY_FLAG:
      return NEWER_FLAGS[code].has(text.replace(/^--/, '').toLowerCase()) ? null : 'error';
    case ValidationCode.FLAG_AT_LEAST_ONE:
      // `--retries=0` is accepted by BuildKit (it means "use the default"); only negatives fail.
      return /^-/.test(text) ? 'error' : null;
    case ValidationCode.FLAG_MISSING_DURATION:
      // Go's time.ParseDuration accepts a bare "0".
      return text === '0' ? null : 'error';
    case ValidationCode.ARGUMENT_MISSING:
      // BuildKit accepts an ENTRYPOINT with no arguments (it clears the inherited one).
      return /^\s*ENTRYPOINT\b/i.test(ctx.lines.lineText(range.start.line).slice(range.start.character)) ? 'warning' : 'error';
    default:
      return BUILDER_ACCEPTS.has(code) ? 'warning' : 'error';
  }
}

/** dockerfile-utils messages are fragments; findings are sentences. */
function sentence(message: string): string {
  const m = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}
