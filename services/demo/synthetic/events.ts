/**
 * The year's events: heavy-pollution episodes, sand-dust events and the heavy-pollution warning. They are
 * placed from templates with seeded jitter, so the story of the year is always the same shape (a bad first
 * quarter, a clean summer, a smoggy December) and the exact days move with the seed.
 *
 * The replayed year has 8 heavy days (district daily PM2.5 > 150 µg/m³, i.e. AQI > 200, standards.md §4),
 * 4 of them in Q1 — so the 2024 targets "≤ 3 in Q1, ≤ 4 in the year" (002:2392-2393) are both broken, the
 * first in March and the second in December. The previous year has 6 (3 in Q1).
 */
import { HOUR } from '../../time/shanghai.js';
import { shanghaiInstant } from '../../time/shanghai.js';
import { streamFor } from './prng.js';

export interface Episode {
  /** Consecutive Shanghai days and the district daily mean PM2.5 (µg/m³) aimed at on each. */
  days: { day: string; pm25: number }[];
}

export interface SandDustEvent {
  startsAt: Date;
  endsAt: Date;
  /** Peak hourly PM10 at the stations, µg/m³. */
  peakPm10: number;
}

export interface WarningEvent {
  externalId: string;
  level: 'blue' | 'yellow' | 'orange' | 'red';
  issuedAt: Date;
  startsAt: Date;
  liftedAt: Date;
  issuer: string;
  measures: string;
}

export interface YearEvents {
  year: number;
  episodes: Episode[];
  sandDust: SandDustEvent[];
  warnings: WarningEvent[];
}

interface EpisodeTemplate {
  month: number;
  firstDay: [number, number];
  profile: number[];
}

// Profiles: build-up, the heavy day(s) (> 150), clean-out by a north wind.
const REPLAY_EPISODES: EpisodeTemplate[] = [
  { month: 1, firstDay: [9, 15], profile: [96, 172, 194, 118] },
  { month: 2, firstDay: [8, 14], profile: [108, 162, 84] }, // around the Spring Festival fireworks
  { month: 3, firstDay: [2, 6], profile: [112, 158, 80] },
  { month: 10, firstDay: [24, 28], profile: [102, 156, 74] },
  { month: 11, firstDay: [12, 18], profile: [110, 164, 92] },
  { month: 12, firstDay: [8, 16], profile: [118, 176, 168, 104] },
];

const HISTORY_EPISODES: EpisodeTemplate[] = [
  { month: 1, firstDay: [14, 20], profile: [104, 166, 170, 96] },
  { month: 2, firstDay: [3, 9], profile: [98, 159, 88] },
  { month: 11, firstDay: [20, 25], profile: [106, 163, 90] },
  { month: 12, firstDay: [10, 18], profile: [112, 171, 160, 100] },
];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function placeEpisodes(seed: number, year: number, templates: EpisodeTemplate[]): Episode[] {
  const rng = streamFor(seed, `episodes|${year}`);
  return templates.map((t) => {
    const first = rng.int(t.firstDay[0], t.firstDay[1]);
    return {
      days: t.profile.map((pm25, i) => {
        // Jitter the level but keep a heavy day heavy and a light day light: the counts are the story.
        const jittered = pm25 * rng.uniform(0.96, 1.04);
        const value = pm25 > 150 ? Math.max(153, jittered) : Math.min(145, jittered);
        return { day: `${year}-${pad(t.month)}-${pad(first + i)}`, pm25: value };
      }),
    };
  });
}

/** Two spring sand-dust events, the first in March (inside a one-quarter demo), the second in April. */
function placeSandDust(seed: number, year: number): SandDustEvent[] {
  const rng = streamFor(seed, `sand-dust|${year}`);
  const first = shanghaiInstant(`${year}-03-${pad(rng.int(19, 24))}`, rng.int(10, 16));
  const second = shanghaiInstant(`${year}-04-${pad(rng.int(10, 18))}`, rng.int(4, 12));
  return [
    {
      startsAt: first,
      endsAt: new Date(first.getTime() + rng.int(30, 40) * HOUR),
      peakPm10: rng.uniform(1600, 2400),
    },
    {
      startsAt: second,
      endsAt: new Date(second.getTime() + rng.int(22, 30) * HOUR),
      peakPm10: rng.uniform(800, 1200),
    },
  ];
}

/**
 * One orange warning during the January episode: issued at noon of the build-up day for the two heavy
 * days that follow (Beijing 2023 plan: orange = 2 days of heavy pollution forecast, standards.md §6),
 * lifted at noon of the clean-out day when the cold front arrives.
 */
function placeWarning(year: number, january: Episode): WarningEvent {
  const buildUp = january.days[0]!.day;
  const cleanOut = january.days[january.days.length - 1]!.day;
  return {
    externalId: `TZ-HPW-${year}-001`,
    level: 'orange',
    issuedAt: shanghaiInstant(buildUp, 12),
    startsAt: shanghaiInstant(buildUp, 20),
    liftedAt: shanghaiInstant(cleanOut, 12),
    issuer: '通州区空气重污染应急指挥部办公室',
    measures:
      '启动橙色预警（Ⅱ级）应急措施：工业企业落实“一厂一策”减排，施工工地停止土石方作业，全区禁止燃放烟花爆竹。',
  };
}

export function planYearEvents(seed: number, year: number, role: 'replay' | 'history'): YearEvents {
  if (role === 'history') {
    return { year, episodes: placeEpisodes(seed, year, HISTORY_EPISODES), sandDust: [], warnings: [] };
  }
  const episodes = placeEpisodes(seed, year, REPLAY_EPISODES);
  return {
    year,
    episodes,
    sandDust: placeSandDust(seed, year),
    warnings: [placeWarning(year, episodes[0]!)],
  };
}
