import { defineRule, type TextEdit } from '../../engine/types';
import type { ComposeContext, Service } from '../context';
import { insertIntoMap, type YamlLines } from '../edits';
import { absenceMatters, ownPair } from '../rule-helpers';

export default defineRule<ComposeContext>({
  id: 'service-logs-unbounded',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: "Docker's default json-file log driver keeps every line forever; on an SD card the logs of one chatty service fill the disk and wear out the flash.",
  },
  check(ctx) {
    for (const svc of ctx.services) {
      const logging = svc.get('logging');
      if (logging === undefined && !absenceMatters(ctx, svc)) continue;
      const driverNode = ctx.yaml.get(logging, 'driver');
      const driver = driverNode === undefined ? 'json-file' : ctx.str(driverNode);
      if (typeof driver !== 'string' && (!driver || !driver.complete)) continue;
      const name = typeof driver === 'string' ? driver : driver.value;
      // `local` rotates by default (100 MB per container); other drivers ship logs away.
      if (name !== 'json-file') continue;
      const options = ctx.yaml.get(logging, 'options');
      if (ctx.yaml.pair(options, 'max-size')) continue;
      const edit = rotationEdit(ctx, svc);
      ctx.report({
        range: logging === undefined ? svc.keyRange : ctx.keyRange(svc.pairOf('logging')!),
        message: `Service \`${svc.name}\` logs with json-file and no max-size${logging === undefined ? " (Docker's default, unless the device's daemon.json sets one)" : ''}: its logs grow until the SD card is full.`,
        fixes: edit ? [{ title: 'Rotate logs: max-size 10m, max-file 3', edits: [edit] }] : undefined,
      });
    }
  },
});

function rotationEdit(ctx: ComposeContext, svc: Service): TextEdit | undefined {
  const opts: YamlLines = [[0, 'max-size: "10m"'], [0, 'max-file: "3"']];
  const logging = ownPair(svc.map, 'logging');
  if (!logging) {
    return insertIntoMap(ctx, svc.map, [[0, 'logging:'], [1, 'driver: json-file'], [1, 'options:'], ...opts.map(([l, t]) => [l + 2, t] as [number, string])]);
  }
  const lmap = ctx.yaml.map(logging.value);
  const options = ownPair(lmap, 'options');
  if (!options) return insertIntoMap(ctx, lmap, [[0, 'options:'], ...opts.map(([l, t]) => [l + 1, t] as [number, string])]);
  const omap = ctx.yaml.map(options.value);
  const missing = opts.filter(([, t]) => !ctx.yaml.pair(omap, t.slice(0, t.indexOf(':'))));
  return insertIntoMap(ctx, omap, missing);
}
