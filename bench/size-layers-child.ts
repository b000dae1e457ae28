// One run of bench/size-layers.ts in its own process: `analyse IMAGE` breaks the image down
// through the streamed `docker save` reader; `floor` loads the same modules and reads nothing.
// Prints JSON: wall time, CPU time (user + system, module loading included), peak RSS (getrusage) and the JS heap's peak (sampled every 20 ms).
import { imageBreakdown } from '../client/src/edge/size/breakdown';

async function main(): Promise<void> {
  const [mode, image] = process.argv.slice(2);
  let heapPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
  const t0 = performance.now();
  let result: Record<string, number> = {};
  if (mode === 'analyse') {
    const b = await imageBreakdown(image);
    result = { totalBytes: b.totalBytes, wastedBytes: b.wastedBytes, efficiency: b.efficiency, streamBytes: b.streamBytes, layers: b.entries.filter((e) => e.hasLayer).length };
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  // ru_maxrss is in kilobytes on Linux.
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024, heapPeakBytes: heapPeak, ...result }));
}
void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
