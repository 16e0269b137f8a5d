/**
 * Every `runmeta` command, declared once. The program, `--help` and the docs
 * site's CLI reference are all generated from this list.
 */
import { migrate, rollback, status } from './database.js';
import { demo } from './demo.js';
import { budget, exportCommand, inspect, report, runs } from './runs.js';
import type { CommandSpec } from './types.js';
import { complete, record, start } from './write.js';

export type { ArgumentSpec, CommandSpec, ExampleSpec, OptionSpec } from './types.js';

export const COMMANDS: readonly CommandSpec[] = [
  demo,
  status,
  migrate,
  runs,
  inspect,
  report,
  exportCommand,
  rollback,
  start,
  record,
  complete,
  budget,
];
