import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import type { CatalogDiff } from '../server/domain/procedure-catalog-diff';
import type { Procedure, ProcedureCatalogView } from '../server/protocol/procedure-catalog';

type ProcedureField = keyof Procedure;
import { useAppState } from '../server/ui/app-state';
import { catalogInScreen } from '../server/ui/procedure-catalog';
import { currentToken } from './session';

type Problem = { row: number | null; column: string | null; message: string };
type Checked =
  | { kind: 'problems'; file: string; message: string; problems: Problem[] }
  | { kind: 'preview'; file: string; format: Format; bytes: ArrayBuffer; baseVersion: number; procedures: number; diff: CatalogDiff };
type Format = 'json' | 'csv' | 'xlsx';

/** The file's format, by its name. */
function formatOf(name: string): Format | null {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  return ext === 'json' ? 'json' : ext === 'csv' ? 'csv' : ext === 'xlsx' ? 'xlsx' : null;
}

async function upload(query: string, bytes: ArrayBuffer, lang: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = currentToken();
  const res = await fetch(`/api/procedures/import?${query}`, {
    method: 'POST',
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Accept-Language': lang, 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/**
 * The centre's procedure catalog for the supervisor (docs/procedures.md): what it holds and where it
 * comes from, and replacing it from a file (JSON, CSV, XLSX): the file is checked first, and either
 * every problem is listed (nothing changes) or what it would change is shown, to confirm.
 */
export function ProceduresScreen() {
  const { t, lang } = useAppState();
  const catalog = catalogInScreen.value;
  const checked = useSignal<Checked | null>(null);
  const message = useSignal<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const busy = useSignal(false);
  const input = useRef<HTMLInputElement>(null);

  const check = async (file: File) => {
    message.value = null;
    checked.value = null;
    const format = formatOf(file.name);
    if (!format) {
      message.value = { kind: 'error', text: t('supProc.badType') };
      return;
    }
    busy.value = true;
    const bytes = await file.arrayBuffer();
    const answer = await upload(`format=${format}&dryRun=1`, bytes, lang.value).catch(() => null);
    busy.value = false;
    if (!answer) message.value = { kind: 'error', text: t('supProc.offline') };
    else if (answer.status === 422) checked.value = { kind: 'problems', file: file.name, message: String(answer.body.message), problems: answer.body.problems as Problem[] };
    else if (answer.status === 200)
      checked.value = {
        kind: 'preview',
        file: file.name,
        format,
        bytes,
        baseVersion: answer.body.baseVersion as number,
        procedures: answer.body.procedures as number,
        diff: answer.body.diff as CatalogDiff,
      };
    else message.value = { kind: 'error', text: String(answer.body.message ?? t('supProc.offline')) };
  };

  const apply = async () => {
    const c = checked.peek();
    if (c?.kind !== 'preview' || busy.peek()) return;
    busy.value = true;
    const answer = await upload(`format=${c.format}&baseVersion=${c.baseVersion}`, c.bytes, lang.value).catch(() => null);
    busy.value = false;
    if (answer?.status === 200) {
      checked.value = null;
      message.value = { kind: 'ok', text: t('supProc.replaced', { version: answer.body.version as number, count: answer.body.procedures as number }) };
    } else message.value = { kind: 'error', text: String(answer?.body.message ?? t('supProc.offline')) };
  };

  return (
    <section class="sup-card sup-procs" data-testid="sup-procedures">
      <h2 class="sup-heading">{t('supProc.title')}</h2>
      <p class="sup-intro">{t('supProc.intro')}</p>
      {catalog ? <CatalogSummary view={catalog.view} /> : <p>{t('supProc.none')}</p>}
      <div class="sup-procs__import">
        <label class="sup-procs__file">
          <span>{t('supProc.file')}</span>
          <input
            ref={input}
            type="file"
            accept=".json,.csv,.xlsx"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void check(file);
            }}
            data-testid="sup-procedures-file"
          />
        </label>
        <p class="sup-muted">{t('supProc.fileHint')}</p>
      </div>
      {busy.value && <p role="status">{t('supProc.checking')}</p>}
      {message.value && (
        <p class={`outcome ${message.value.kind === 'ok' ? 'outcome--ok' : 'outcome--bad'}`} role={message.value.kind === 'ok' ? 'status' : 'alert'} data-testid="sup-procedures-message">
          {message.value.text}
        </p>
      )}
      {checked.value?.kind === 'problems' && (
        <div class="sup-procs__problems" role="alert" data-testid="sup-procedures-problems">
          <p class="outcome outcome--bad">{checked.value.message}</p>
          <table class="sup-table">
            <thead>
              <tr>
                <th scope="col">{t('supProc.row')}</th>
                <th scope="col">{t('supProc.column')}</th>
                <th scope="col">{t('supProc.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {checked.value.problems.map((p, i) => (
                <tr key={i}>
                  <td>{p.row ?? '—'}</td>
                  <td>{p.column ?? '—'}</td>
                  <td>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {checked.value?.kind === 'preview' && <Preview checked={checked.value} busy={busy.value} onApply={() => void apply()} onCancel={() => (checked.value = null)} />}
    </section>
  );
}

function CatalogSummary({ view }: { view: ProcedureCatalogView }) {
  const { t } = useAppState();
  const unmapped = view.procedures.filter((p) => p.serviceId === null).length;
  return (
    <dl class="sup-procs__summary" data-testid="sup-procedures-summary">
      <dt>{t('supProc.count')}</dt>
      <dd>{view.procedures.length}</dd>
      <dt>{t('supProc.version')}</dt>
      <dd>{view.version}</dd>
      <dt>{t('supProc.source')}</dt>
      <dd>
        {view.source.name} ({view.source.retrievedOn.split('-').reverse().join('/')})
      </dd>
      <dt>{t('supProc.unmapped')}</dt>
      <dd>{unmapped}</dd>
    </dl>
  );
}

function Preview(props: { checked: Extract<Checked, { kind: 'preview' }>; busy: boolean; onApply: () => void; onCancel: () => void }) {
  const { t } = useAppState();
  const { diff } = props.checked;
  const list = (title: string, items: { code: string; name: string; fields?: string[] }[], testId: string) =>
    items.length > 0 && (
      <details class="sup-procs__diff" data-testid={testId} open={items.length <= 10}>
        <summary>{title}</summary>
        <ul>
          {items.map((p) => (
            <li key={p.code}>
              {p.code} {p.name}
              {p.fields && <span class="sup-muted"> — {p.fields.map((f) => t(`supProc.field.${f as ProcedureField}`)).join(', ')}</span>}
            </li>
          ))}
        </ul>
      </details>
    );
  return (
    <div class="sup-procs__preview" data-testid="sup-procedures-preview">
      <p>{t('supProc.preview', { file: props.checked.file, count: props.checked.procedures })}</p>
      <p data-testid="sup-procedures-counts">
        {t('supProc.counts', { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, unchanged: diff.unchanged })}
      </p>
      {list(t('supProc.added', { count: diff.added.length }), diff.added, 'sup-procedures-added')}
      {list(t('supProc.removed', { count: diff.removed.length }), diff.removed, 'sup-procedures-removed')}
      {list(t('supProc.changed', { count: diff.changed.length }), diff.changed, 'sup-procedures-changed')}
      <div class="sup-procs__actions">
        <button type="button" class="pad-button pad-button--primary" disabled={props.busy} onClick={props.onApply} data-testid="sup-procedures-apply">
          {t('supProc.apply')}
        </button>
        <button type="button" class="pad-button" onClick={props.onCancel}>
          {t('supProc.cancel')}
        </button>
      </div>
    </div>
  );
}
