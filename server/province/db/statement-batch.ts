/**
 * Many small writes of the same kind as one statement (group commit): while one batch is in
 * flight, the next gathers; when it returns, all that gathered goes as one. There is no timer, so
 * a quiet process sends each item at once and a busy one sends fewer, larger statements (in a rush
 * of bookings every hold writes a limiter row and a stored answer; one statement for the items of
 * a millisecond saves a round trip and a commit for each of the others).
 *
 * Two items that touch the same row never go in one batch (a statement may not update a row
 * twice): the later waits for the next batch, in order. Each item's caller gets its own result, or
 * the batch's error.
 */
export class StatementBatch<I, O> {
  private queue: { item: I; keys: string[]; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    /** Runs the items as one statement (or a few); returns one result per item, in order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    /** The rows an item touches. */
    private readonly keysOf: (item: I) => string[],
    private readonly maxItems = 500,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, keys: this.keysOf(item), resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const taken = new Set<string>();
        const batch: typeof this.queue = [];
        const rest: typeof this.queue = [];
        for (const entry of this.queue) {
          if (batch.length < this.maxItems && entry.keys.every((k) => !taken.has(k))) {
            batch.push(entry);
            for (const k of entry.keys) taken.add(k);
          } else {
            rest.push(entry);
            // A later item must not overtake an earlier one on the same row.
            for (const k of entry.keys) taken.add(k);
          }
        }
        this.queue = rest;
        try {
          const results = await this.run(batch.map((e) => e.item));
          batch.forEach((e, i) => e.resolve(results[i]!));
        } catch (error) {
          for (const e of batch) e.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
