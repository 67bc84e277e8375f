/**
 * SCHEDULE_CRON moves a schedule without a release; a misspelt id must stop the start, not move nothing.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../services/errors.js';
import { allSchedules, withCronOverrides } from '../../workers/schedules/index.js';

describe('schedule overrides', () => {
  it('replaces the cron expression of the schedules named and leaves the others as they are', () => {
    const moved = withCronOverrides(allSchedules(), { 'reports-daily': '0 10 * * *' });
    expect(moved.find((s) => s.id === 'reports-daily')!.cron).toBe('0 10 * * *');
    const others = (list: typeof moved) =>
      list.filter((s) => s.id !== 'reports-daily').map((s) => [s.id, s.cron]);
    expect(others(moved)).toEqual(others(allSchedules()));
    expect(allSchedules().find((s) => s.id === 'reports-daily')!.cron).toBe('30 9 * * *');
  });

  it('refuses an id no schedule has, naming it', () => {
    expect(() => withCronOverrides(allSchedules(), { 'report-daily': '0 10 * * *' })).toThrow(ConfigError);
    expect(() => withCronOverrides(allSchedules(), { 'report-daily': '0 10 * * *' })).toThrow(
      /SCHEDULE_CRON: no schedule "report-daily"/,
    );
  });
});
