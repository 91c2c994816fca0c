import { randomUUID } from 'node:crypto';
import type { ConfigSource } from '../config/centre-config';
import type { ErrorCode } from '../protocol/error-codes';
import type { RatingPrompt } from '../protocol/views';
import type { QueueService, Result } from './queue-service';

const PROMPT_SECONDS = 90;

/**
 * The satisfaction question at a counter. When an officer finishes a ticket, the rating screen
 * paired with that counter asks the visitor once; the prompt carries no ticket number (the answer
 * is anonymous on screen), is answered once, and lapses by itself. Prompts live in memory: a hub
 * restart only drops a question nobody answered yet.
 */
export class RatingPrompts {
  private readonly open = new Map<string, { ticketId: string; counterId: string; expiresAt: number }>();
  /** Prompts answered lately, with their answer: a retry of the same answer (a lost ack) is ok, another answer is refused. */
  private readonly answered = new Map<string, { counterId: string; level: 1 | 2 | 3; reason: string | null; outcome: Promise<Result<null>> }>();
  private readonly listeners = new Set<(event: { counterId: string; prompt: RatingPrompt | null }) => void>();

  constructor(
    private readonly queue: QueueService,
    private readonly config: ConfigSource,
    private readonly clock: () => number,
  ) {
    queue.onChange((change) => change.served.forEach((s) => this.ask(s.ticketId, s.counterId)));
  }

  /** Told when a counter's question opens (a prompt) or closes (null). */
  onPrompt(listener: (event: { counterId: string; prompt: RatingPrompt | null }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The question open at a counter now, if any. */
  current(counterId: string): RatingPrompt | null {
    const now = this.clock();
    for (const [promptId, p] of this.open) {
      if (p.counterId === counterId && p.expiresAt > now) return this.view(promptId, p);
    }
    return null;
  }

  /** The counter a prompt (open or answered lately) belongs to, or null. */
  counterOf(promptId: string): string | null {
    return this.open.get(promptId)?.counterId ?? this.answered.get(promptId)?.counterId ?? null;
  }

  async answer(promptId: string, level: 1 | 2 | 3, reason: string | null): Promise<Result<null>> {
    const first = this.answered.get(promptId);
    // The same answer again (a lost ack) gets the first one's outcome, once it is stored; another is refused.
    if (first) return first.level === level && first.reason === reason ? first.outcome : { ok: false, error: 'ALREADY_RATED' };
    const prompt = this.open.get(promptId);
    if (!prompt || prompt.expiresAt <= this.clock()) {
      this.open.delete(promptId);
      return { ok: false, error: 'RATING_EXPIRED' as ErrorCode };
    }
    // Off the open prompts before the write: a second answer while this one is stored is refused.
    this.open.delete(promptId);
    const outcome = this.queue.rate(prompt.ticketId, level, reason);
    this.answered.set(promptId, { counterId: prompt.counterId, level, reason, outcome });
    if (this.answered.size > 1_000) this.answered.delete(this.answered.keys().next().value!);
    const result = await outcome;
    if (!result.ok && result.error !== 'ALREADY_RATED') {
      // Not stored (a full disk): the question is open again.
      this.answered.delete(promptId);
      if (prompt.expiresAt > this.clock()) this.open.set(promptId, prompt);
      return result;
    }
    this.tell(prompt.counterId, null);
    return result;
  }

  private ask(ticketId: string, counterId: string): void {
    const now = this.clock();
    // One question per counter: a new visit replaces an unanswered one; lapsed ones go.
    for (const [id, p] of this.open) if (p.counterId === counterId || p.expiresAt <= now) this.open.delete(id);
    const promptId = randomUUID();
    const prompt = { ticketId, counterId, expiresAt: now + PROMPT_SECONDS * 1000 };
    this.open.set(promptId, prompt);
    this.tell(counterId, this.view(promptId, prompt));
  }

  private view(promptId: string, p: { counterId: string; expiresAt: number }): RatingPrompt {
    return {
      promptId,
      counterId: p.counterId,
      counterNumber: this.config.current.counters.find((c) => c.id === p.counterId)?.number ?? 0,
      expiresAt: p.expiresAt,
    };
  }

  private tell(counterId: string, prompt: RatingPrompt | null): void {
    for (const l of this.listeners) l({ counterId, prompt });
  }
}
