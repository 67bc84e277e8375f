import { userInfo } from 'node:os';
import type { Actor } from '../auth/audit-log.js';
import type { Principal } from '../auth/principal.js';
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

/**
 * Whom a verb that checks access sees when run from the command line: the operator of the server (who holds
 * the database's credentials anyway) acts as an administrator — like a bureau keying in a paper return.
 */
export function cliPrincipal(actor: Actor): Principal {
  return {
    userId: 0,
    username: actor.name,
    displayName: actor.name,
    role: 'admin',
    areaId: null,
    districtId: null,
    unitId: null,
    locale: 'zh-CN',
    via: 'token',
    readOnly: false,
  };
}
