/**
 * Preloaded into a qfh command line run (`node --import …/exit-usage.js bin/qfh.js …`):
 * at exit, writes `USAGE {"cpu", "maxRss"}` to stderr: the whole process's CPU seconds
 * and peak resident memory, as the kernel counts them. Works for any qfh tree.
 */
process.on('exit', () => {
  const cpu = process.cpuUsage();
  const usage = {
    cpu: (cpu.user + cpu.system) / 1e6,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
  process.stderr.write(`\nUSAGE ${JSON.stringify(usage)}\n`);
});
