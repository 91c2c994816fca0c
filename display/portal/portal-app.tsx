import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PortalCentreView } from '../../server/protocol/portal-protocol';
import { useAppState } from '../../server/ui/app-state';
import { formatTime } from '../../server/ui/format';
import { PhoneHeader } from '../phone/phone-header';
import { findCentres, type PortalController } from './portal-state';

export const PortalContext = createContext<PortalController | null>(null);

function usePortal(): PortalController {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal() outside <PortalContext.Provider>');
  return portal;
}

/**
 * The province's portal on a phone: find a centre by name or area, see how many wait there now
 * and how long, and book. Numbers only: nothing about anyone is shown.
 */
export function PortalApp() {
  const { t, local } = useAppState();
  const portal = usePortal();
  const centres = portal.centres.value;
  const shown = centres ? findCentres(centres, portal.query.value, portal.order.value) : [];
  return (
    <div class="phone-page portal">
      <PhoneHeader />
      <main class="phone-main">
        <h1 class="portal-title">{t('portal.title')}</h1>
        <p class="portal-lead">{t('portal.lead')}</p>
        {portal.notice.value && (
          <p class="phone-card portal-notice" role="note" data-testid="portal-notice">
            {local(portal.notice.value)}
          </p>
        )}
        <label class="portal-search">
          <span class="portal-search__label">{t('portal.search')}</span>
          <input
            type="search"
            class="portal-search__input"
            value={portal.query.value}
            placeholder={t('portal.searchHint')}
            onInput={(e) => (portal.query.value = (e.target as HTMLInputElement).value)}
            data-testid="portal-search"
          />
        </label>
        <div class="portal-order" role="group" aria-label={t('portal.order')}>
          {(['name', 'waiting'] as const).map((order) => (
            <button
              type="button"
              class={`portal-order__button${portal.order.value === order ? ' portal-order__button--on' : ''}`}
              aria-pressed={portal.order.value === order}
              onClick={() => (portal.order.value = order)}
              data-testid={`portal-order-${order}`}
            >
              {t(order === 'name' ? 'portal.order.name' : 'portal.order.waiting')}
            </button>
          ))}
        </div>
        {portal.failed.value && (
          <p class="phone-card portal-problem" role="status">
            {t('portal.failed')}
          </p>
        )}
        {centres === null ? (
          !portal.failed.value && <p class="portal-loading">{t('conn.connecting')}</p>
        ) : shown.length === 0 ? (
          <p class="phone-card portal-none" role="status">
            {t('portal.none')}
          </p>
        ) : (
          <ul class="portal-list" aria-label={t('portal.listLabel', { count: shown.length })} data-testid="portal-list">
            {shown.map((c) => (
              <CentreCard key={c.id} centre={c} />
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}

function CentreCard({ centre }: { centre: PortalCentreView }) {
  const { t, local } = useAppState();
  const live = centre.live;
  const names = new Map(centre.services.map((s) => [s.id, s.name]));
  return (
    <li class="phone-card portal-centre" data-testid="portal-centre" data-centre={centre.id}>
      <h2 class="portal-centre__name">{local(centre.name)}</h2>
      <div class="portal-centre__area">{centre.area}</div>
      {live ? (
        <>
          <p class="portal-centre__now" data-testid="portal-waiting">
            {live.closing
              ? t('portal.closedToday')
              : t('portal.now', { waiting: live.waiting, counters: live.openCounters })}
          </p>
          {!live.closing && (
            <ul class="portal-fields">
              {live.services
                .filter((s) => names.has(s.id))
                .map((s) => (
                  <li class="portal-field">
                    <span class="portal-field__name">{local(names.get(s.id))}</span>
                    <span class="portal-field__wait">
                      {s.availability !== 'open'
                        ? t('portal.field.closed')
                        : s.waiting === 0
                          ? t('portal.field.noQueue')
                          : s.estimatedWaitMinutes === null
                            ? t('portal.field.waiting', { waiting: s.waiting })
                            : t('portal.field.wait', { waiting: s.waiting, minutes: s.estimatedWaitMinutes })}
                    </span>
                  </li>
                ))}
            </ul>
          )}
          <p class="portal-centre__asof">{t('portal.asOf', { time: formatTime(live.at) })}</p>
        </>
      ) : (
        <p class="portal-centre__unknown">{t('portal.noLive')}</p>
      )}
      {centre.bookable && (
        <a class="portal-centre__book" href={`/display/book.html?centre=${encodeURIComponent(centre.id)}`} data-testid="portal-book">
          {t('portal.book')}
        </a>
      )}
    </li>
  );
}
