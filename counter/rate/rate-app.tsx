import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { translate } from '../../server/i18n';
import type { RatingPrompt } from '../../server/protocol/views';
import { useAppState } from '../../server/ui/app-state';
import { OfflineBadge } from '../../server/ui/components';
import { RatingPanel } from '../rating-panel';

/** `?counter=<id>`, as the hub spells ids; anything else is no counter. */
function counterIdFromUrl(): string | null {
  const id = new URLSearchParams(location.search).get('counter');
  return id && /^[a-z0-9][a-z0-9-]{0,39}$/.test(id) ? id : null;
}

export function RateApp() {
  const state = useAppState();
  const counterId = counterIdFromUrl();
  const prompt = useSignal<RatingPrompt | null>(null);
  /** The hub refused to show this screen the counter's question: the supervisor has not paired it. */
  const notPaired = useSignal(false);

  useEffect(() => {
    if (!counterId) return;
    const off = state.client.onRatingPrompt((event) => {
      if (event.counterId === counterId) prompt.value = event.prompt;
    });
    const offWatch = state.client.onRatingWatch((answer) => {
      notPaired.value = !answer.ok && answer.error === 'FORBIDDEN';
    });
    void state.client.watchRating(counterId);
    return () => {
      off();
      offWatch();
      void state.client.watchRating(null);
    };
  }, [counterId]);

  const publicView = state.publicView.value?.view ?? null;
  const counter = counterId ? publicView?.counters.find((c) => c.id === counterId) : undefined;
  const unknown = !counterId || (publicView !== null && !counter);
  return (
    <div class="rate-app">
      {notPaired.value && !unknown ? (
        <div class="rating rating--idle" data-testid="rating-not-paired">
          <div class="rating__idle">
            <div class="rating__idle-thanks">{translate('vi', 'rate.notPaired')}</div>
            <div class="rating__idle-en" lang="en">
              {translate('en', 'rate.notPaired')}
            </div>
          </div>
        </div>
      ) : unknown ? (
        <div class="rating rating--idle" data-testid="rating-no-counter">
          <div class="rating__idle">
            <div class="rating__idle-thanks">{translate('vi', 'rate.noCounter')}</div>
            <div class="rating__idle-en" lang="en">
              {translate('en', 'rate.noCounter')}
            </div>
          </div>
        </div>
      ) : (
        <RatingPanel counterNumber={counter?.number ?? prompt.value?.counterNumber ?? null} prompt={prompt.value} />
      )}
      <OfflineBadge />
    </div>
  );
}
