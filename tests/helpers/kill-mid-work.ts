/**
 * A child process (a .ts script run through tsx) SIGKILLed in the middle of its work: started, awaited until it
 * prints "opened" (its batch row exists), then killed, and its exit awaited. A child that finishes or exits
 * before that fails the test, since the fault would not have been injected.
 */
import { spawn } from 'node:child_process';

export async function killWhenOpened(script: string, args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('opened')) resolve();
      if (d.toString().includes('finished')) reject(new Error('the work finished before the kill'));
    });
    child.on('exit', () => reject(new Error('the child ended before its batch opened')));
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}
