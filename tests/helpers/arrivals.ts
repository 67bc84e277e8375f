/**
 * What a fake server received, in order, with a wait for the n-th arrival: the SMTP catcher and the SMS
 * gateway both count what reached them this way.
 */
export class Arrivals<T> {
  readonly items: T[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly noun: string) {}

  push(item: T): void {
    this.items.push(item);
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Resolves with every item once `count` have arrived; rejects after `timeoutMs` saying how many did. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} ${this.noun}, got ${this.items.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.items;
  }
}
