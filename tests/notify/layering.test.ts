/**
 * Notify is a provider layer below alerts (docs/decisions.md, "Notify is a provider layer below alerts"):
 * no file under services/notify imports services/alerts, not even for a type, so the seams in
 * notify/message.ts stay the only way the two talk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const NOTIFY = join(import.meta.dirname, '../../services/notify');

function importsOf(file: string): string[] {
  const src = readFileSync(join(NOTIFY, file), 'utf8');
  return [...src.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
}

describe('services/notify', () => {
  it('imports nothing from services/alerts', () => {
    const files = readdirSync(NOTIFY).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const upward = files.flatMap((f) =>
      importsOf(f)
        .filter((spec) => /(^|\/)alerts\//.test(spec))
        .map((spec) => `${f} → ${spec}`),
    );
    expect(upward).toEqual([]);
  });
});
