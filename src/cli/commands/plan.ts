/**
 * `qfh plan PACKAGE`: the checked plan from the package alone, with every finding; exit 3
 * when qfh would refuse it with the flags given (the same gates `qfh flash` applies).
 *
 * @module
 */
import { readPackage } from '../../package/open-package.js';
import { planPackage, standingRefusals } from '../../plan/gates.js';
import { planToJson, renderPlan } from '../../plan/render-plan.js';
import { checkProgrammerFile } from '../../sahara/programmer-file.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { jsonLine } from '../events.js';
import { acceptedFlags, withAccept, withJson } from '../options.js';

export const planCommand = defineCommand({
  syntax: ['plan [package]'],
  describe:
    'Show the checked plan for a firmware package: every erase, program and patch in order, with the findings; exits 3 if qfh would refuse it',
  examples: [
    ['qfh plan ./EG25GGBR07A08M2G_30.006.30.006', 'the plan and its findings'],
    ['qfh plan ./fw --modem-revision EG25GGBR07A08M2G', 'also check variant and version'],
    ['qfh plan ./fw --json | jq .ops', 'the plan as JSON (schema qfh-plan/2)'],
  ],
  options: (y) =>
    withAccept(
      withJson(
        y
          .positional('package', {
            type: 'string',
            default: '.',
            describe: 'the firmware package: its folder, or the zip as downloaded',
          })
          .option('modem-revision', {
            type: 'string',
            describe: "the modem's revision (ATI), to check variant and version",
          })
          .option('programmer', {
            type: 'string',
            describe: "a programmer file to use instead of the package's",
          }),
      ),
    ),
  run: async (argv, ctx) => {
    const pkg = await readPackage(argv.package);
    if (argv.programmer !== undefined) await checkProgrammerFile(argv.programmer);
    const request = {
      accept: acceptedFlags(argv),
      modemRevision: argv.modemRevision,
      programmer: argv.programmer,
    };
    const plan = planPackage(pkg, request);
    ctx.out.stdout(
      argv.json ? jsonLine(planToJson(plan)) : `${renderPlan(plan, request).join('\n')}\n`,
    );
    return standingRefusals(plan.findings, request).length > 0 ? ExitCode.REFUSED : ExitCode.OK;
  },
});
