import type { MessageKey } from '../server/i18n';
import type { DeviceView, ProvinceLinkView, PublicView, StaffAlert, StaffView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Connecting } from '../server/ui/components';
import { formatTime, minutesBetween } from '../server/ui/format';
import { CONDITION_LABELS, conditionTone, KIND_LABELS } from './device-words';
import { PAUSE_REASONS } from './dialogs';
import { devicesOpen } from './session';
import { useState } from 'preact/hooks';
import { ConfirmDialog } from './devices-screen';

type Translate = ReturnType<typeof useAppState>['t'];
type StaffCounter = StaffView['counters'][number];

/**
 * The supervisor's live overview: what needs looking at now (in plain words, on top), every
 * counter as a card, the queue of each service with its longest wait, and the devices in short.
 * It re-renders from every staff view the hub sends (on each change, and every 30 s).
 */
export function OverviewScreen() {
  const state = useAppState();
  const { t, local, now } = state;
  const staff = state.staffView.value?.view ?? null;
  const publicView = state.publicView.value?.view ?? null;
  if (!staff || !publicView) return <Connecting />;

  const serviceName = (id: string) => local(publicView.services.find((s) => s.id === id)?.name) || id;
  const idle = new Map(staff.alerts.flatMap((a) => (a.kind === 'idle-counter' ? [[a.counterId, a] as const] : [])));
  const longWait = new Set(staff.alerts.flatMap((a) => (a.kind === 'long-wait' ? [a.serviceId] : [])));
  const waitingTotal = staff.services.reduce((n, s) => n + s.waiting, 0);
  const openCounters = staff.counters.filter((c) => c.status !== 'closed').length;

  return (
    <div class="overview">
      <section class="overview__alerts" aria-label={t('sup.ov.alerts')} data-testid="overview-alerts">
        {staff.alerts.length === 0 ? (
          <div class="ov-alert ov-alert--calm" role="status">
            {t('sup.ov.allWell')}
          </div>
        ) : (
          staff.alerts.map((alert, i) => (
            <div key={i} class={`ov-alert ov-alert--${alertTone(alert)}`} role="alert" data-testid={`alert-${alert.kind}`}>
              <span class="ov-alert__mark" aria-hidden="true">
                !
              </span>
              <span>{alertText(alert, staff, publicView, t, local)}</span>
            </div>
          ))
        )}
      </section>

      <p class="overview__summary">
        {t('sup.ov.summary', { waiting: waitingTotal, open: openCounters, counters: staff.counters.length })}
      </p>

      <div class="overview__columns">
        <section class="overview__counters" aria-label={t('sup.ov.counters')}>
          <h2 class="sup-heading">{t('sup.ov.counters')}</h2>
          <div class="ov-counter-grid">
            {staff.counters.map((counter) => (
              <CounterCard
                key={counter.id}
                counter={counter}
                now={now.value}
                idleWaiting={idle.get(counter.id)?.waiting ?? null}
                serviceName={serviceName}
              />
            ))}
          </div>
        </section>

        <aside class="overview__side">
          <section class="sup-card">
            <h2 class="sup-heading">{t('sup.ov.queues')}</h2>
            <table class="ov-queues">
              <thead>
                <tr>
                  <th scope="col">{t('report.by.service')}</th>
                  <th scope="col" class="num">
                    {t('sup.ov.waiting')}
                  </th>
                  <th scope="col">{t('sup.ov.longest')}</th>
                </tr>
              </thead>
              <tbody>
                {staff.services.map((service) => {
                  const pub = publicView.services.find((s) => s.id === service.id);
                  return (
                    <tr key={service.id} class={longWait.has(service.id) ? 'ov-queues__row--late' : ''} data-testid={`ov-service-${service.id}`}>
                      <th scope="row">
                        {serviceName(service.id)}
                        {pub && pub.availability !== 'open' && (
                          <span class="ov-queues__closed">
                            {t(pub.availability === 'SERVICE_CLOSED' ? 'kiosk.closed' : 'kiosk.full')}
                          </span>
                        )}
                      </th>
                      <td class="num ov-queues__count">{service.waiting}</td>
                      <td class="ov-queues__wait">
                        {service.longestWaitSince === null
                          ? '—'
                          : t('sup.ov.longestSince', {
                              minutes: minutesBetween(service.longestWaitSince, now.value),
                              time: formatTime(service.longestWaitSince),
                            })}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>

          <section class="sup-card">
            <div class="sup-card__head">
              <h2 class="sup-heading">{t('devices.title')}</h2>
              <button type="button" class="pad-button pad-button--small" onClick={() => (devicesOpen.value = true)}>
                {t('devices.warn.see')}
              </button>
            </div>
            <DevicesInShort devices={staff.devices} />
          </section>

          {staff.provinceLink && <ProvinceLinkCard link={staff.provinceLink} now={now.value} />}

          <CloseDayCard closed={publicView.closing} />
        </aside>
      </div>
    </div>
  );
}

function CounterCard(props: { counter: StaffCounter; now: number; idleWaiting: number | null; serviceName: (id: string) => string }) {
  const { t } = useAppState();
  const { counter, now } = props;
  const current = counter.current;
  const kind = current ? current.status : counter.status === 'open' ? 'idle' : counter.status;
  const stateKey: Record<typeof kind, MessageKey> = {
    serving: 'sup.ov.state.serving',
    called: 'sup.ov.state.called',
    idle: 'sup.ov.state.idle',
    paused: 'sup.ov.state.paused',
    closed: 'sup.ov.state.closed',
  };
  const alarmed = props.idleWaiting !== null;
  return (
    <article class={`ov-counter ov-counter--${kind} ${alarmed ? 'ov-counter--alarm' : ''}`} data-testid={`ov-counter-${counter.id}`}>
      <header class="ov-counter__head">
        <span class="ov-counter__name">{t('counter.counterN', { number: counter.number })}</span>
        <span class={`ov-state ov-state--${kind}`}>{t(stateKey[kind])}</span>
      </header>
      <div class="ov-counter__officer">{counter.officer ? counter.officer.name : t('sup.ov.noOfficer')}</div>
      {current ? (
        <div class="ov-counter__ticket">
          <span class="ov-counter__number">{current.number}</span>
          <span class="ov-counter__detail">
            <span class="ov-counter__service">{props.serviceName(current.serviceId)}</span>
            <span class="ov-counter__time">
              {t('counter.since', { time: formatTime(current.since) })} · {t('counter.elapsed', { minutes: minutesBetween(current.since, now) })}
            </span>
          </span>
        </div>
      ) : counter.status === 'paused' ? (
        <div class="ov-counter__line">
          <strong>{pauseReasonText(counter.pauseReason, t)}</strong>
          {counter.since !== null && <span class="ov-counter__time">{sinceAndFor(counter.since, now, t)}</span>}
        </div>
      ) : counter.status === 'open' ? (
        <div class="ov-counter__line">
          {counter.since !== null && <span class="ov-counter__time">{sinceAndFor(counter.since, now, t)}</span>}
          {alarmed && <strong class="ov-counter__alarm">{t('sup.ov.peopleWaiting', { count: props.idleWaiting ?? 0 })}</strong>}
        </div>
      ) : (
        <div class="ov-counter__line ov-counter__line--quiet">{t('sup.ov.closedNote')}</div>
      )}
      <div class="ov-counter__services">{counter.services.map(props.serviceName).join(', ')}</div>
    </article>
  );
}

function DevicesInShort({ devices }: { devices: DeviceView[] }) {
  const { t } = useAppState();
  if (devices.length === 0) return <p class="sup-muted">{t('devices.none')}</p>;
  const good = devices.filter((d) => d.condition === 'ok').length;
  return (
    <>
      <p class="sup-muted">{t('sup.ov.devicesOk', { ok: good, total: devices.length })}</p>
      <ul class="ov-devices">
        {devices.map((device) => {
          const tone = device.bridge !== 'hub' && !device.bridgeOnline ? 'bad' : conditionTone(device.condition);
          return (
            <li key={device.id} class="ov-devices__item" data-testid={`ov-device-${device.id}`}>
              <span class="ov-devices__name">
                {t(KIND_LABELS[device.kind])} <span class="ov-devices__id">{device.id}</span>
              </span>
              <span class={`state-badge state-badge--${tone}`}>{t(CONDITION_LABELS[device.condition])}</span>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function alertTone(alert: StaffAlert): 'bad' | 'warn' {
  if (alert.kind === 'device-down' || alert.kind === 'login-guessing') return 'bad';
  if (alert.kind === 'printer-paper') return alert.condition === 'paper-out' ? 'bad' : 'warn';
  return 'warn';
}

/** An alert in a sentence, in the reader's language. */
export function alertText(
  alert: StaffAlert,
  staff: StaffView,
  publicView: PublicView,
  t: Translate,
  local: ReturnType<typeof useAppState>['local'],
): string {
  switch (alert.kind) {
    case 'printer-paper':
      return t(alert.condition === 'paper-out' ? 'devices.warn.paperOut' : 'devices.warn.nearEnd', { id: alert.deviceId });
    case 'device-down': {
      const device = staff.devices.find((d) => d.id === alert.deviceId);
      return t('sup.alert.deviceDown', {
        device: device ? t(KIND_LABELS[device.kind]) : '',
        id: alert.deviceId,
        condition: t(CONDITION_LABELS[alert.condition]),
      });
    }
    case 'long-wait':
      return t('sup.alert.longWait', {
        service: local(publicView.services.find((s) => s.id === alert.serviceId)?.name) || alert.serviceId,
        minutes: alert.minutes,
      });
    case 'idle-counter':
      return t('sup.alert.idleCounter', {
        number: staff.counters.find((c) => c.id === alert.counterId)?.number ?? alert.counterId,
        minutes: alert.minutes,
        waiting: alert.waiting,
      });
    case 'login-guessing':
      return t('sup.alert.loginGuessing', { user: alert.username, failures: alert.failures, addresses: alert.addresses });
  }
}

/**
 * The centre's link to its province: whether it is up, and what is still on its way each way
 * (bookings made at the province not yet here; check-ins and closed days not yet there). The
 * centre works the same with it down; this says what the province does not know yet.
 */
function ProvinceLinkCard({ link, now }: { link: ProvinceLinkView; now: number }) {
  const { t } = useAppState();
  const toHere = Math.max(0, link.provinceLast - link.provinceSeq);
  const toThere = Math.max(0, link.outSeq - link.outAcked);
  return (
    <section class="sup-card" data-testid="province-link">
      <h2 class="sup-heading">{t('sup.link.title')}</h2>
      <p class={`ov-link ov-link--${link.connected ? 'up' : 'down'}`} data-testid="province-link-state">
        <span class="ov-link__dot" aria-hidden="true" />
        {link.connected
          ? t('sup.link.up')
          : link.lastContactAt === null
            ? t('sup.link.never')
            : t('sup.link.down', { time: formatTime(link.lastContactAt), minutes: minutesBetween(link.lastContactAt, now) })}
      </p>
      <p class="sup-muted" data-testid="province-link-lag">
        {toHere === 0 && toThere === 0 ? t('sup.link.inSync') : t('sup.link.pending', { toHere, toThere })}
      </p>
    </section>
  );
}

function sinceAndFor(since: number, now: number, t: Translate): string {
  return `${t('counter.since', { time: formatTime(since) })} · ${t('counter.elapsed', { minutes: minutesBetween(since, now) })}`;
}

function pauseReasonText(reason: string | null, t: Translate): string {
  const known = PAUSE_REASONS.find((r) => r.code === reason);
  return known ? t(known.label) : (reason ?? t('sup.ov.state.paused'));
}

type CloseMode = 'serve' | 'cancel' | 'carry-over';
const CLOSE_MODES: { mode: CloseMode; label: MessageKey; explain: MessageKey }[] = [
  { mode: 'serve', label: 'sup.close.serve', explain: 'sup.close.serveExplain' },
  { mode: 'carry-over', label: 'sup.close.carry', explain: 'sup.close.carryExplain' },
  { mode: 'cancel', label: 'sup.close.cancel', explain: 'sup.close.cancelExplain' },
];

/** Closing time: no more numbers; the supervisor decides what happens to those still waiting. */
function CloseDayCard(props: { closed: PublicView['closing'] }) {
  const state = useAppState();
  const { t } = state;
  const [asking, setAsking] = useState<CloseMode | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const choice = CLOSE_MODES.find((m) => m.mode === asking);
  const close = async (mode: CloseMode) => {
    setBusy(true);
    const answer = await state.client.command('day:close', { mode });
    setBusy(false);
    setAsking(null);
    setMessage(answer.ok ? null : answer.message);
  };
  return (
    <section class="sup-card" data-testid="close-day">
      <div class="sup-card__head">
        <h2 class="sup-heading">{t('sup.close.title')}</h2>
      </div>
      {props.closed ? (
        <p class="ov-counter__line" role="status">
          {t('sup.close.done', { mode: t(CLOSE_MODES.find((m) => m.mode === props.closed!.mode)!.label) })}
        </p>
      ) : (
        <>
          <p class="ov-counter__line ov-counter__line--quiet">{t('sup.close.intro')}</p>
          {CLOSE_MODES.map((m) => (
            <button key={m.mode} type="button" class="pad-button pad-button--small" onClick={() => setAsking(m.mode)}>
              {t(m.label)}
            </button>
          ))}
        </>
      )}
      {message && <p role="alert">{message}</p>}
      {choice && (
        <ConfirmDialog
          title={t('sup.close.confirmTitle')}
          text={t(choice.explain)}
          confirm={t(choice.label)}
          danger={choice.mode === 'cancel'}
          busy={busy}
          onConfirm={() => void close(choice.mode)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
