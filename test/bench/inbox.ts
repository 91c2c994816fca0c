/** Events pushed by a child process, kept until the driver asks for one that matches. */
export class Inbox<T> {
  private items: T[] = [];
  private waiters: { accept: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    const i = this.waiters.findIndex((w) => w.accept(item));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w!.resolve(item);
      return;
    }
    this.items.push(item);
    if (this.items.length > 10_000) this.items.shift();
  }

  /** The first item (kept or future) that matches; items before it that do not match stay. */
  take(accept: (item: T) => boolean, timeoutMs: number, what = 'event'): Promise<T> {
    const i = this.items.findIndex(accept);
    if (i >= 0) return Promise.resolve(this.items.splice(i, 1)[0]!);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        accept,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.items = [];
  }
}
