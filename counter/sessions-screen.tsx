import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { SessionView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { formatTime } from '../server/ui/format';
import { ConfirmDialog } from './devices-screen';
import { counterNames, momentText } from './security-words';

type Translate = ReturnType<typeof useAppState>['t'];

/** How often the list is asked for again while the screen is open. */
const REFRESH_MS = 15_000;

const APP_LABELS: Record<string, MessageKey> = {
  counter: 'sup.sessions.app.counter',
  display: 'sup.sessions.app.display',
  kiosk: 'sup.sessions.app.kiosk',
};

/** An IPv4 address as the hub saw it through an IPv6 socket (::ffff:192.168.1.20) reads as IPv4. */
export function addressText(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** This supervisor's session first, then by officer, then the oldest login first. */
function ordered(sessions: SessionView[]): SessionView[] {
  return [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || a.officer.name.localeCompare(b.officer.name, 'vi') || a.since - b.since,
  );
}

/**
 * The officers' open sessions: who is logged in, from which app and machine, at which counter,
 * since when and until when, on how many screens. The supervisor can end one (its screens go back
 * to the login at once). Asked for again every few seconds, after an end, and on demand.
 */
export function SessionsScreen() {
  const state = useAppState();
  const { t, now } = state;
  const sessions = useSignal<SessionView[] | null>(null);
  const loadedAt = useSignal<number | null>(null);
  const error = useSignal<string | null>(null);
  const loading = useSignal(false);
  const ending = useSignal<SessionView | null>(null);
  const busy = useSignal(false);
  // Worded when shown, so that it follows a change of language (a hub's message stays as it came).
  const outcome = useSignal<{ ok: boolean; text: (tr: Translate) => string } | null>(null);
  /** Only the newest answer counts (a timer's load may cross one asked for by a press). */
  const asked = useRef(0);

  const load = async () => {
    const mine = ++asked.current;
    loading.value = true;
    const answer = await state.client.request('session:list', {});
    if (mine !== asked.current) return;
    loading.value = false;
    if (answer.ok) {
      sessions.value = ordered(answer.data);
      loadedAt.value = state.client.serverNow();
      error.value = null;
    } else error.value = answer.message;
  };

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      clearInterval(timer);
      asked.current += 1; // an answer arriving after the screen closed changes nothing
    };
  }, []);

  const end = async (target: SessionView) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('session:end', { sessionId: target.sessionId });
    busy.value = false;
    ending.value = null;
    const name = target.officer.name;
    if (answer.ok) outcome.value = { ok: true, text: (tr) => tr('sup.sessions.ended', { name }) };
    else {
      const message = answer.message;
      outcome.value = { ok: false, text: () => message };
    }
    await load();
  };

  const list = sessions.value;
  const others = list?.filter((s) => !s.current).length ?? 0;
  const open = ending.value;
  return (
    <div class="sessions">
      <section class="sup-card">
        <div class="sup-card__head">
          <h2 class="sup-heading">{t('sup.sessions.title')}</h2>
          <div class="sup-card__tools">
            {loadedAt.value !== null && (
              <span class="sup-muted" data-testid="sessions-loaded-at">
                {t('sup.sessions.loadedAt', { time: formatTime(loadedAt.value) })}
              </span>
            )}
            <button type="button" class="pad-button pad-button--small" disabled={loading.value} onClick={() => void load()}>
              {t('sup.refresh')}
            </button>
          </div>
        </div>
        <p class="sup-intro">{t('sup.sessions.intro')}</p>
        {outcome.value && (
          <p class={`outcome ${outcome.value.ok ? 'outcome--ok' : 'outcome--bad'} sessions__outcome`} role={outcome.value.ok ? 'status' : 'alert'} data-testid="sessions-outcome">
            {outcome.value.text(t)}
          </p>
        )}
        {error.value && (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        )}
        {list === null ? (
          !error.value && <p class="sup-muted">{t('sup.loading')}</p>
        ) : list.length === 0 ? (
          <p class="sessions__empty" data-testid="sessions-empty">
            {t('sup.sessions.none')}
          </p>
        ) : (
          <>
            <p class="sessions__summary" data-testid="sessions-summary">
              {t('sup.sessions.count', { count: list.length })}
            </p>
            <div class="sessions__wrap">
              <table class="sup-table sessions-table" data-testid="sessions">
                <thead>
                  <tr>
                    <th scope="col">{t('sup.sessions.col.officer')}</th>
                    <th scope="col">{t('sup.sessions.col.from')}</th>
                    <th scope="col">{t('sup.sessions.col.counter')}</th>
                    <th scope="col">{t('sup.sessions.col.since')}</th>
                    <th scope="col">{t('sup.sessions.col.until')}</th>
                    <th scope="col" class="num">
                      {t('sup.sessions.col.screens')}
                    </th>
                    <th scope="col">
                      <span class="visually-hidden">{t('devices.col.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => {
                    const app = APP_LABELS[s.app];
                    const nameId = `session-${s.sessionId}-name`;
                    return (
                      <tr key={s.sessionId} class={s.current ? 'sessions-table__mine' : ''} data-testid={`session-${s.officer.id}`}>
                        <td>
                          <div class="sessions-table__name" id={nameId}>
                            {s.officer.name}
                          </div>
                          <div class="sup-muted">
                            {s.officer.id} · {t(s.officer.role === 'supervisor' ? 'sup.cfg.role.supervisor' : 'sup.cfg.role.officer')}
                          </div>
                          {s.current && <span class="sessions-table__badge">{t('sup.sessions.yours')}</span>}
                        </td>
                        <td>
                          <div>{app ? t(app) : s.app}</div>
                          <div class="sessions-table__address">{addressText(s.address)}</div>
                        </td>
                        <td>{s.counters.length > 0 ? counterNames(s.counters, state) : <span class="sup-muted">{t('sup.sessions.noCounter')}</span>}</td>
                        <td class="sessions-table__time">{momentText(s.since, now.value, t)}</td>
                        <td class="sessions-table__time">{momentText(s.expiresAt, now.value, t)}</td>
                        <td class="num">
                          {s.connections > 0 ? s.connections : <span class="sup-muted">{t('sup.sessions.noScreen')}</span>}
                        </td>
                        <td class="sessions-table__actions">
                          {s.current ? (
                            <span class="sup-muted">{t('sup.sessions.useLogout')}</span>
                          ) : (
                            <button
                              type="button"
                              class="pad-button pad-button--small pad-button--danger"
                              aria-describedby={nameId}
                              disabled={busy.value}
                              onClick={() => {
                                outcome.value = null;
                                ending.value = s;
                              }}
                            >
                              {t('sup.sessions.end')}
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {others === 0 && (
              <p class="sup-muted sessions__alone" data-testid="sessions-alone">
                {t('sup.sessions.onlyYou')}
              </p>
            )}
          </>
        )}
      </section>
      {open && (
        <ConfirmDialog
          title={t('sup.sessions.endTitle', { name: open.officer.name })}
          text={
            open.connections > 0
              ? t('sup.sessions.endConfirm', { name: open.officer.name, screens: open.connections })
              : t('sup.sessions.endConfirmIdle', { name: open.officer.name })
          }
          confirm={t('sup.sessions.end')}
          danger
          busy={busy.value}
          onConfirm={() => void end(open)}
          onCancel={() => (ending.value = null)}
        />
      )}
    </div>
  );
}
