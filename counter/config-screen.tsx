import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { ClientAck } from '../server/protocol/hub-client';
import { useAppState } from '../server/ui/app-state';
import { Connecting } from '../server/ui/components';
import { centreDay } from './dates';
import { ConfigSections, type Section, SECTIONS } from './config-sections';
import {
  describeProblem,
  discardChanges,
  draft,
  isDirty,
  loadConfig,
  loaded,
  outcome,
  payloadOf,
  texts,
} from './config-model';
import { ConfirmDialog } from './devices-screen';
import { saveBlob } from './downloads';
import { session, supervisorTab } from './session';

type Translate = ReturnType<typeof useAppState>['t'];

const section = signal<Section>('services');

/** Opens the configuration at one section (from another screen: "turn booking on"). */
export function openConfigSection(wanted: Section): void {
  section.value = wanted;
  supervisorTab.value = 'config';
}

/**
 * The centre's configuration, edited live: services, counters, officers, priority and the calling
 * order, holidays, online booking (rules and slot templates), the display's notice, alert thresholds, security (session length, allowed
 * origins, kiosk networks, take limits), and devices as raw JSON. Saving sends
 * the whole of it with the version it was loaded at; the hub validates it and says what is wrong.
 * The file can be exported and imported whole.
 */
export function ConfigScreen() {
  const state = useAppState();
  const { t } = state;
  const me = session.value!.officer.id;
  const busy = useSignal(false);
  const loadError = useSignal<string | null>(null);
  const confirm = useSignal<{ kind: 'reload' } | { kind: 'import'; name: string; config: Record<string, unknown> } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const reload = async () => {
    busy.value = true;
    const answer = await loadConfig(state.client, me);
    busy.value = false;
    loadError.value = answer.ok ? null : answer.message;
    return answer.ok;
  };

  // Editing again makes "saved as version N" old news.
  const editing = isDirty();
  useEffect(() => {
    if (editing && outcome.peek()?.kind === 'saved') outcome.value = null;
  }, [editing]);

  useEffect(() => {
    if (!loaded.value || loaded.value.officerId !== me) {
      outcome.value = null;
      void reload();
    }
  }, [me]);

  const base = loaded.value;
  const config = draft.value;
  if (!base || !config || base.officerId !== me)
    return loadError.value ? (
      <div class="pad-message" role="alert">
        <span>{loadError.value}</span>
        <button type="button" class="pad-button pad-button--small" onClick={() => void reload()}>
          {t('counter.retry')}
        </button>
      </div>
    ) : (
      <Connecting />
    );

  const dirty = isDirty();

  const replace = async (payload: Record<string, unknown>) => {
    busy.value = true;
    const answer: ClientAck<{ version: number }> = await state.client.command('config:replace', { baseVersion: base.version, config: payload });
    if (answer.ok) {
      await reload();
      outcome.value = { kind: 'saved', version: answer.data.version };
    } else if (answer.error === 'CONFIG_CONFLICT') outcome.value = { kind: 'conflict' };
    else if ((answer.error === 'INVALID_CONFIG' || answer.error === 'UNSAFE_CONFIG_CHANGE') && 'problems' in answer && answer.problems)
      outcome.value = { kind: 'refused', code: answer.error, problems: answer.problems, sent: payload };
    else outcome.value = { kind: 'error', message: answer.message };
    busy.value = false;
  };

  const save = async () => {
    if (busy.value) return;
    const payload = payloadOf(config, texts.value, base.config, t, state.lang.value);
    if (!payload.ok) {
      outcome.value = { kind: 'refused', code: 'LOCAL', problems: payload.problems, sent: null };
      return;
    }
    await replace(payload.config);
  };

  const exportFile = async () => {
    busy.value = true;
    const answer = await state.client.request('config:get', {});
    busy.value = false;
    if (!answer.ok) {
      outcome.value = { kind: 'error', message: answer.message };
      return;
    }
    const text = JSON.stringify(answer.data.config, null, 2) + '\n';
    saveBlob(new Blob([text], { type: 'application/json' }), `luot-config-v${answer.data.version}-${centreDay(state.now.value)}.json`);
  };

  const pickFile = async (file: File | undefined) => {
    if (!file) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (error) {
      outcome.value = { kind: 'refused', code: 'LOCAL', problems: [t('sup.cfg.fileBad', { error: (error as Error).message })], sent: null };
      return;
    }
    // An exported file is the configuration itself; a file wrapped as { version, config } works too.
    const candidate =
      parsed && typeof parsed === 'object' && !('services' in parsed) && 'config' in parsed ? (parsed as { config: unknown }).config : parsed;
    if (!candidate || typeof candidate !== 'object' || Array.isArray(candidate)) {
      outcome.value = { kind: 'refused', code: 'LOCAL', problems: [t('sup.cfg.fileNotConfig')], sent: null };
      return;
    }
    confirm.value = { kind: 'import', name: file.name, config: candidate as Record<string, unknown> };
  };

  const open = confirm.value;
  return (
    <div class="config">
      <div class="config-top">
        <div class="config-bar" data-testid="config-bar">
          <div class="config-bar__state">
            <span class="config-bar__version">{t('sup.cfg.version', { version: base.version })}</span>
            <span class={`config-bar__dirty ${dirty ? 'config-bar__dirty--on' : ''}`} data-testid="config-dirty">
              {t(dirty ? 'sup.cfg.unsaved' : 'sup.cfg.noChanges')}
            </span>
          </div>
          <div class="config-bar__actions">
            <button type="button" class="pad-button pad-button--small pad-button--quiet" disabled={!dirty || busy.value} onClick={() => discardChanges()}>
              {t('sup.cfg.discard')}
            </button>
            <button type="button" class="pad-button pad-button--small pad-button--primary" disabled={!dirty || busy.value} onClick={() => void save()}>
              {t(busy.value ? 'sup.cfg.saving' : 'sup.cfg.save')}
            </button>
            <span class="config-bar__gap" aria-hidden="true" />
            <button type="button" class="pad-button pad-button--small" disabled={busy.value} onClick={() => void exportFile()}>
              {t('sup.cfg.export')}
            </button>
            <button type="button" class="pad-button pad-button--small" disabled={busy.value} onClick={() => fileInput.current?.click()}>
              {t('sup.cfg.import')}
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              class="visually-hidden"
              aria-label={t('sup.cfg.importFile')}
              data-testid="config-import"
              tabIndex={-1}
              onChange={(e) => {
                const input = e.currentTarget;
                void pickFile(input.files?.[0]).finally(() => (input.value = ''));
              }}
            />
          </div>
        </div>
        {/* Up here, the outcome stays in sight however far down the form the save was pressed. */}
        <OutcomeBox onReload={() => (isDirty() ? (confirm.value = { kind: 'reload' }) : void reload().then(() => (outcome.value = null)))} />
      </div>

      <div class="config__body">
        <nav class="config-nav" aria-label={t('sup.tab.config')}>
          {SECTIONS.map((s) => (
            <button
              key={s.section}
              type="button"
              class={`config-nav__item ${section.value === s.section ? 'config-nav__item--on' : ''}`}
              aria-current={section.value === s.section ? 'true' : undefined}
              onClick={() => {
                section.value = s.section;
                document.querySelector('.sup-main')?.scrollTo({ top: 0 });
              }}
            >
              {t(s.label)}
            </button>
          ))}
        </nav>
        <div class="config__section" data-testid={`config-section-${section.value}`}>
          <ConfigSections section={section.value} config={config} base={base.config} />
        </div>
      </div>

      {open?.kind === 'reload' && (
        <ConfirmDialog
          title={t('sup.cfg.reloadTitle')}
          text={t('sup.cfg.reloadConfirm')}
          confirm={t('sup.cfg.reload')}
          danger
          busy={busy.value}
          onCancel={() => (confirm.value = null)}
          onConfirm={() => {
            confirm.value = null;
            void reload().then(() => (outcome.value = null));
          }}
        />
      )}
      {open?.kind === 'import' && (
        <ConfirmDialog
          title={t('sup.cfg.importTitle')}
          text={t('sup.cfg.importConfirm', { name: open.name })}
          confirm={t('sup.cfg.importDo')}
          busy={busy.value}
          onCancel={() => (confirm.value = null)}
          onConfirm={() => {
            confirm.value = null;
            void replace(open.config);
          }}
        />
      )}
    </div>
  );
}

const REFUSED_TITLE: Record<'INVALID_CONFIG' | 'UNSAFE_CONFIG_CHANGE' | 'LOCAL', MessageKey> = {
  INVALID_CONFIG: 'sup.cfg.refused.invalid',
  UNSAFE_CONFIG_CHANGE: 'sup.cfg.refused.unsafe',
  LOCAL: 'sup.cfg.refused.local',
};

function OutcomeBox({ onReload }: { onReload: () => void }) {
  const { t, lang } = useAppState();
  const current = outcome.value;
  if (!current) return null;
  const close = (
    <button type="button" class="pad-message__close" aria-label={t('counter.dismiss')} onClick={() => (outcome.value = null)}>
      ×
    </button>
  );
  if (current.kind === 'saved')
    return (
      <div class="config-outcome config-outcome--ok" role="status" data-testid="config-outcome">
        <span>{t('sup.cfg.saved', { version: current.version })}</span>
        {close}
      </div>
    );
  if (current.kind === 'conflict')
    return (
      <div class="config-outcome config-outcome--warn" role="alert" data-testid="config-outcome">
        <span>{t('sup.cfg.conflict')}</span>
        <button type="button" class="pad-button pad-button--small" onClick={onReload}>
          {t('sup.cfg.reload')}
        </button>
        {close}
      </div>
    );
  if (current.kind === 'error')
    return (
      <div class="config-outcome config-outcome--bad" role="alert" data-testid="config-outcome">
        <span>{current.message}</span>
        {close}
      </div>
    );
  return (
    <div class="config-outcome config-outcome--bad" role="alert" data-testid="config-outcome">
      <div class="config-outcome__body">
        <strong>{t(REFUSED_TITLE[current.code])}</strong>
        <ul class="config-outcome__problems" data-testid="config-problems">
          {current.problems.map((problem, i) => {
            const { where, text } = describeProblem(problem, current.sent, t as Translate, lang.value);
            return (
              <li key={i}>
                {where && <strong>{where}: </strong>}
                {text}
              </li>
            );
          })}
        </ul>
      </div>
      {close}
    </div>
  );
}

