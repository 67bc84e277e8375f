/**
 * The district headline's reference values by plan. They are the numbers the plans print, cited, so the
 * headline can be read against the plan even before the targets engine has evaluated anything (the
 * status column comes from the engine, these figures only frame the comparison).
 *
 * A year without a plan of its own (2022, 2023, 2025 …) is read against the latest earlier plan of the
 * district: the plans carry their targets forward until replaced (interpretation, docs/decisions.md).
 */
export interface HeadlineTargets {
  pm25Year: number | null;
  pm25Q1: number | null;
  heavyDaysYear: number | null;
  heavyDaysQ1: number | null;
  dustFall: number | null;
  source: string;
}

const PLANS: Readonly<Record<string, Readonly<Record<number, HeadlineTargets>>>> = {
  tongzhou: {
    // 通政办发〔2020〕7号: dust fall ≤ 6 t/km²·month (000:2224); PM2.5 only "decrease" (no number).
    2020: {
      pm25Year: null,
      pm25Q1: null,
      heavyDaysYear: null,
      heavyDaysQ1: null,
      dustFall: 6,
      source: '通政办发〔2020〕7号 000:2224',
    },
    // 通政发〔2021〕2号: dust fall ≤ 5.1 (001:408); PM2.5 and heavy days only "decrease" (001:27).
    2021: {
      pm25Year: null,
      pm25Q1: null,
      heavyDaysYear: null,
      heavyDaysQ1: null,
      dustFall: 5.1,
      source: '通政发〔2021〕2号 001:408',
    },
    // 通政发〔2024〕7号 air row 1 (002:2391-2393) and row 5 (002:2415).
    2024: {
      pm25Year: 35,
      pm25Q1: 51,
      heavyDaysYear: 4,
      heavyDaysQ1: 3,
      dustFall: 5,
      source: '通政发〔2024〕7号 002:2391-2393, 002:2415',
    },
  },
  // 京技管〔2020〕28号 sets PM2.5 to keep falling (004:17) and no numeric dust-fall target.
  bda: {
    2020: {
      pm25Year: null,
      pm25Q1: null,
      heavyDaysYear: null,
      heavyDaysQ1: null,
      dustFall: null,
      source: '京技管〔2020〕28号 004:17',
    },
  },
};

export function headlineTargetsFor(districtId: string, year: number): HeadlineTargets | null {
  const plans = PLANS[districtId];
  if (!plans) return null;
  const years = Object.keys(plans)
    .map(Number)
    .filter((y) => y <= year)
    .sort((a, b) => b - a);
  const y = years[0];
  return y === undefined ? null : plans[y]!;
}

/** The ranked metrics of the monthly bulletin (002:2971-2974, 2024 air row 40), in the plan's order. */
export const RANKING_METRICS: readonly { id: string; source: string }[] = [
  // "空气质量" ranked by monthly mean PM2.5 (action-plans.md §8 q.14; the city ranks streets by PM2.5 too).
  { id: 'pm25', source: '002:2972 空气质量' },
  { id: 'dust_fall', source: '002:2972 降尘量' },
  { id: 'tsp', source: '002:2972 粗颗粒物（TSP）浓度' },
  { id: 'road_dust_load', source: '002:2973 道路尘负荷' },
  { id: 'road_dust_residue', source: '002:2973 道路尘土残存量' },
];
