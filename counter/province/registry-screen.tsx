import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { RegistryCentreView } from '../../server/protocol/province-protocol';
import { formatDay, formatTime } from '../../server/ui/format';
import { Dialog } from './dialog';
import { api, lang, t } from './province-state';

/**
 * The province's centres and their hubs' link tokens (admins only): add a centre, issue a token
 * (shown once, to give to the centre's hub as LUOT_PROVINCE_TOKEN), revoke one (the hub using it is
 * stopped at its next message).
 */
export function RegistryScreen() {
  const centres = useSignal<RegistryCentreView[] | null>(null);
  const error = useSignal<string | null>(null);
  const issued = useSignal<{ centre: string; tokenId: string; token: string } | null>(null);
  const revoking = useSignal<{ centre: string; tokenId: string } | null>(null);

  const load = async () => {
    const answer = await api<RegistryCentreView[]>('GET', '/registry');
    if (answer.ok) centres.value = answer.data;
    else error.value = answer.message ?? t(`error.${answer.error}`);
  };
  useEffect(() => void load(), []);

  const issue = async (centreId: string) => {
    const answer = await api<{ tokenId: string; token: string }>('POST', `/registry/centres/${encodeURIComponent(centreId)}/tokens`);
    if (answer.ok) issued.value = { centre: centreId, ...answer.data };
    else error.value = answer.message ?? t(`error.${answer.error}`);
    await load();
  };
  const revoke = async () => {
    const target = revoking.value;
    if (!target) return;
    const answer = await api('POST', `/registry/tokens/${target.tokenId}/revoke`);
    revoking.value = null;
    if (!answer.ok) error.value = answer.message ?? t(`error.${answer.error}`);
    await load();
  };

  return (
    <div class="pv-registry">
      <AddCentre onAdded={() => void load()} />
      {error.value && (
        <p class="pv-error" role="alert">
          {error.value}
        </p>
      )}
      <section class="pv-card">
        <h2 class="pv-heading">{t('province.registry.title')}</h2>
        {centres.value === null ? (
          <p class="pv-muted">{t('province.loading')}</p>
        ) : centres.value.length === 0 ? (
          <p class="pv-muted">{t('province.registry.none')}</p>
        ) : (
          <div class="pv-table-wrap">
            <table class="pv-table" data-testid="pv-registry">
              <thead>
                <tr>
                  <th scope="col">{t('province.registry.centre')}</th>
                  <th scope="col">{t('province.registry.linked')}</th>
                  <th scope="col">{t('province.registry.tokens')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('province.registry.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {centres.value.map((c) => {
                  const live = c.tokens.filter((tk) => tk.revokedAt === null);
                  return (
                    <tr key={c.id} data-testid={`pv-registry-${c.id}`}>
                      <th scope="row" data-label={t('province.registry.centre')}>
                        <span class="pv-ov-centre__name">{c.name[lang.value]}</span>
                        <span class="pv-ov-centre__area">
                          <code>{c.id}</code> · {c.area}
                        </span>
                      </th>
                      <td data-label={t('province.registry.linked')}>{t(c.linked ? 'province.registry.yes' : 'province.registry.notYet')}</td>
                      <td data-label={t('province.registry.tokens')}>
                        {live.length === 0 ? (
                          <span class="pv-muted">{t('province.registry.noToken')}</span>
                        ) : (
                          <ul class="pv-plain-list">
                            {live.map((tk) => (
                              <li key={tk.id} class="pv-token">
                                <code>{tk.id}</code>
                                <span class="pv-muted">{t('province.registry.issued', { time: `${formatTime(tk.issuedAt)} ${formatDay(tk.issuedAt)}`, by: tk.issuedBy })}</span>
                                <button type="button" class="pv-button pv-button--small pv-button--danger" onClick={() => (revoking.value = { centre: c.id, tokenId: tk.id })}>
                                  {t('province.registry.revoke')}
                                </button>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td>
                        <button type="button" class="pv-button pv-button--small" data-testid={`pv-issue-${c.id}`} onClick={() => void issue(c.id)}>
                          {t('province.registry.issue')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {issued.value && (
        <Dialog title={t('province.registry.issuedTitle')} onClose={() => (issued.value = null)} testId="pv-token-dialog">
          <p>{t('province.registry.issuedIntro', { centre: issued.value.centre })}</p>
          <textarea class="pv-token-text" readOnly rows={3} aria-label={t('province.registry.tokenLabel')} value={issued.value.token} data-testid="pv-token" onFocus={(e) => e.currentTarget.select()} />
          <p class="pv-muted">{t('province.registry.issuedOnce')}</p>
          <div class="pv-dialog__actions">
            <button type="button" class="pv-button" onClick={() => void navigator.clipboard?.writeText(issued.value!.token)}>
              {t('province.registry.copy')}
            </button>
            <button type="button" class="pv-button pv-button--primary" onClick={() => (issued.value = null)}>
              {t('province.registry.done')}
            </button>
          </div>
        </Dialog>
      )}
      {revoking.value && (
        <Dialog title={t('province.registry.revokeTitle')} onClose={() => (revoking.value = null)}>
          <p>{t('province.registry.revokeSure', { token: revoking.value.tokenId, centre: revoking.value.centre })}</p>
          <div class="pv-dialog__actions">
            <button type="button" class="pv-button" onClick={() => (revoking.value = null)}>
              {t('province.cancel')}
            </button>
            <button type="button" class="pv-button pv-button--danger" onClick={() => void revoke()}>
              {t('province.registry.revoke')}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function AddCentre({ onAdded }: { onAdded: () => void }) {
  const id = useSignal('');
  const nameVi = useSignal('');
  const nameEn = useSignal('');
  const area = useSignal('');
  const error = useSignal<string | null>(null);
  const done = useSignal<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const answer = await api('POST', '/registry/centres', { id: id.value.trim(), name: { vi: nameVi.value, en: nameEn.value || nameVi.value }, area: area.value });
    if (!answer.ok) {
      error.value = answer.message ?? t(`error.${answer.error}`);
      done.value = null;
      return;
    }
    done.value = t('province.registry.added', { id: id.value.trim() });
    error.value = null;
    id.value = nameVi.value = nameEn.value = area.value = '';
    onAdded();
  };
  return (
    <section class="pv-card">
      <h2 class="pv-heading">{t('province.registry.add')}</h2>
      <form class="pv-form" onSubmit={(e) => void submit(e)}>
        <div class="pv-field">
          <label class="pv-field">
            <span>{t('province.registry.id')}</span>
            <input value={id.value} required pattern="[a-z0-9][a-z0-9\-]{1,39}" aria-describedby="pv-centre-id-hint" onInput={(e) => (id.value = e.currentTarget.value)} />
          </label>
          <small id="pv-centre-id-hint" class="pv-muted">
            {t('province.registry.idHint')}
          </small>
        </div>
        <label class="pv-field">
          <span>{t('province.registry.nameVi')}</span>
          <input value={nameVi.value} required lang="vi" onInput={(e) => (nameVi.value = e.currentTarget.value)} />
        </label>
        <label class="pv-field">
          <span>{t('province.registry.nameEn')}</span>
          <input value={nameEn.value} lang="en" onInput={(e) => (nameEn.value = e.currentTarget.value)} />
        </label>
        <label class="pv-field">
          <span>{t('province.registry.area')}</span>
          <input value={area.value} required onInput={(e) => (area.value = e.currentTarget.value)} />
        </label>
        <div class="pv-form__actions">
          <button type="submit" class="pv-button pv-button--primary">
            {t('province.registry.addSubmit')}
          </button>
        </div>
      </form>
      {error.value && (
        <p class="pv-error" role="alert">
          {error.value}
        </p>
      )}
      {done.value && (
        <p class="pv-ok" role="status">
          {done.value}
        </p>
      )}
    </section>
  );
}
