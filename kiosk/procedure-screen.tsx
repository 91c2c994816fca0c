import type { OfferedProcedure } from '../server/protocol/procedure-catalog';
import type { PublicView } from '../server/protocol/views';
import { useSignal } from '@preact/signals';
import { useAppState } from '../server/ui/app-state';
import { useCountdown } from '../server/ui/hooks';
import { checklistSections } from '../server/domain/procedure-checklist';
import { copiesText, fullyOnline, procedureName, timeText } from '../server/ui/procedure-text';
import { QrCode } from '../server/ui/qr-code';
import { useActivity } from './activity';
import { ENTRY_IDLE_MS } from './code-entry';
import { printerCondition } from './printing';

/**
 * One procedure, for an elderly visitor to read standing: what to bring as a checklist, how long
 * it takes, what it costs, how it can be done; "Lấy số cho thủ tục này" takes a number in its
 * field with the procedure on the ticket. A procedure done fully online says plainly that no visit
 * is needed, with a QR to its page on the national portal.
 */
export function ProcedureScreen(props: { view: PublicView; procedure: OfferedProcedure; onTake: (p: OfferedProcedure) => void; onBack: () => void }) {
  const state = useAppState();
  const { t, local, lang } = state;
  const printing = useSignal<'idle' | 'printing' | 'printed' | 'failed'>('idle');
  const hasPrinter = printerCondition.value !== null && printerCondition.value !== undefined;
  const print = async () => {
    if (printing.peek() === 'printing') return;
    printing.value = 'printing';
    const answer = await state.client.command('kiosk:print-checklist', { procedureCode: props.procedure.code });
    printing.value = answer.ok && answer.data.ok ? 'printed' : 'failed';
  };
  const activity = useActivity();
  useCountdown(ENTRY_IDLE_MS, props.onBack, activity);
  const p = props.procedure;
  const service = props.view.services.find((s) => s.id === p.serviceId);
  const online = fullyOnline(p);
  return (
    <section class="proc" data-testid="procedure" data-code={p.code}>
      <header class="proc__head">
        <h1 class="proc__title">{procedureName(p, lang.value)}</h1>
        <p class="proc__meta">
          {t('procedure.meta', { field: local(service?.name) || p.field, code: p.code })}
        </p>
      </header>
      {/* Long lists of papers scroll; the region can be reached and scrolled from a keyboard too. */}
      <div class="proc__body" tabIndex={0} role="region" aria-label={t('procedure.details')}>
        <div class="proc__facts">
          <Fact label={t('procedure.time')} testId="procedure-time">
            {timeText(p, t)}
          </Fact>
          <Fact label={t('procedure.fees')} testId="procedure-fees">
            {p.fees.length === 0 ? t('procedure.fees.none') : p.fees.map((f, i) => <span key={i} class="proc__fee">{f.text}</span>)}
          </Fact>
          <Fact label={t('procedure.ways')} testId="procedure-ways">
            {p.ways.map((w) => t(`procedure.way.${w}`)).join(' · ')}
          </Fact>
          {p.counterNumbers.length > 0 && (
            <Fact label={t('procedure.counters')} testId="procedure-counters">
              {p.counterNumbers.join(', ')}
            </Fact>
          )}
          {online && (
            <div class="proc__online" data-testid="procedure-online">
              <p class="proc__online-text">{t('procedure.online.noVisit')}</p>
              {p.portalUrl && (
                <div class="proc__online-qr">
                  <QrCode value={p.portalUrl} label={t('procedure.online.qr')} class="proc__qr" testId="procedure-portal-qr" />
                  <span>{t('procedure.online.qr')}</span>
                </div>
              )}
            </div>
          )}
        </div>
        <div class="proc__papers">
          <h2 class="proc__heading">{t('procedure.documents', { count: p.documents.length })}</h2>
          {p.documents.length === 0 ? (
            <p class="proc__none">{t('procedure.documents.none')}</p>
          ) : (
            <div class="proc__checklist" data-testid="procedure-documents">
              {checklistSections(p.documents).map((section, si) => (
                <div key={si} class="proc__section">
                  {section.heading && <h3 class="proc__section-title">{section.heading}</h3>}
                  <ul class="proc__docs">
                    {section.documents.map((d, i) => (
                      <li key={i} class="proc__doc">
                        <span class="proc__box" aria-hidden="true" />
                        <span class="proc__doc-text">
                          <span class="proc__doc-name">{d.name}</span>
                          {copiesText(d, t) && <span class="proc__doc-count">{copiesText(d, t)}</span>}
                          {d.form && <span class="proc__doc-form">{t('procedure.form', { form: d.form.name })}</span>}
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </div>
          )}
        </div>
      </div>
      <div class="proc__actions">
        {p.serviceId && (
          <button type="button" class="big-button big-button--primary" onClick={() => props.onTake(p)} data-testid="procedure-take">
            {t('procedure.take')}
          </button>
        )}
        {hasPrinter && (
          <button type="button" class="big-button" onClick={() => void print()} disabled={printing.value === 'printing'} data-testid="procedure-print">
            {t('procedure.print')}
          </button>
        )}
        <button type="button" class="big-button" onClick={props.onBack} data-testid="procedure-back">
          {t('kiosk.back')}
        </button>
      </div>
      {printing.value !== 'idle' && (
        <p class={`proc__print proc__print--${printing.value}`} role="status" data-testid="procedure-print-state">
          {t(printing.value === 'printing' ? 'procedure.printing' : printing.value === 'printed' ? 'procedure.printed' : 'procedure.printFailed')}
        </p>
      )}
      {!p.serviceId && <p class="proc__none">{t('procedure.noService')}</p>}
    </section>
  );
}

function Fact(props: { label: string; testId: string; children: preact.ComponentChildren }) {
  return (
    <div class="proc__fact" data-testid={props.testId}>
      <span class="proc__fact-label">{props.label}</span>
      <span class="proc__fact-value">{props.children}</span>
    </div>
  );
}

