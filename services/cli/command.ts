import { userInfo } from 'node:os';
import type { Actor } from '../auth/audit-log.js';
import type { Config } from '../../config/env.js';

/** What every CLI command receives. `args` are the words after the command name. */
export interface CommandContext {
  config: Config;
  args: string[];
  out: (line: string) => void;
}

/** A command module under services/cli/commands/ exports `run`; it returns the exit code, or -1 to keep running. */
export type CommandRun = (ctx: CommandContext) => Promise<number>;

/** Who a change made from the command line is audited as: the operating-system user running it. */
export function cliActor(): Actor {
  return { id: null, name: `cli:${userInfo().username}`, via: 'cli' };
}
