/**
 * Runs periodic work one run at a time, every `every` ms, and sooner when
 * woken (a timer created in this process that is due before the next run).
 */
export class Ticker {
  private due = Infinity;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly every: number,
    private readonly work: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.wake(0);
  }

  /** Runs the work in `delay` ms, unless a run is already due sooner.
   * A few ms late: setTimeout may fire a millisecond before the due time. */
  wake(delay: number): void {
    const at = Date.now() + Math.max(0, delay) + (delay > 0 ? 5 : 0);
    if (at >= this.due) return;
    this.due = at;
    if (!this.running) this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), Math.max(0, this.due - Date.now()));
  }

  private run(): void {
    this.due = Date.now() + this.every;
    this.running = this.work()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        this.arm();
      });
  }
}
