/**
 * Split uploads (PNUM/PNO, shared/domain/hj212.md §2.7). Every part is a whole packet with its own QN and the
 * same DataTime, so each is stored as it arrives (and acknowledged on its own, as the standard's C.50 shows);
 * what is tracked here is whether a record became complete: parts are grouped on (MN, CN, DataTime, PNUM),
 * and a group that has not seen all its PNOs within `timeoutMs` is reported as incomplete.
 */
export interface SplitOutcome {
  complete: boolean;
}

interface Group {
  seen: Set<number>;
  pnum: number;
  firstAt: number;
}

export class SplitTracker {
  private readonly groups = new Map<string, Group>();
  completed = 0;
  incomplete = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly onIncomplete: (key: string, missing: number[]) => void = () => undefined,
  ) {}

  add(mn: string, cn: string, dataTime: string, pnum: number, pno: number, now: number): SplitOutcome {
    this.expire(now);
    const key = `${mn}|${cn}|${dataTime}|${pnum}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { seen: new Set(), pnum, firstAt: now }));
    g.seen.add(pno);
    if (g.seen.size < g.pnum) return { complete: false };
    this.groups.delete(key);
    this.completed += 1;
    return { complete: true };
  }

  get open(): number {
    return this.groups.size;
  }

  expire(now: number): void {
    for (const [key, g] of this.groups) {
      if (now - g.firstAt < this.timeoutMs) continue;
      this.groups.delete(key);
      this.incomplete += 1;
      const missing = [];
      for (let i = 1; i <= g.pnum; i++) if (!g.seen.has(i)) missing.push(i);
      this.onIncomplete(key, missing);
    }
  }
}
