import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { PASSWORD_MIN, PROVINCE_ROLES, type ProvinceAccountView, type ProvinceRole } from '../../server/protocol/province-protocol';
import { Dialog } from './dialog';
import { ROLE_LABEL } from './province-app';
import { api, lang, overview, t } from './province-state';

/**
 * Province accounts (admins only): who may sign in, with which role; a centre supervisor is bound
 * to one centre. Add one, or disable one (its sessions end at once). Passwords are set here when
 * the account is made, and later with `npm run province:admin -- set-password`.
 */
export function AccountsScreen({ self }: { self: string }) {
  const accounts = useSignal<ProvinceAccountView[] | null>(null);
  const error = useSignal<string | null>(null);
  const disabling = useSignal<ProvinceAccountView | null>(null);

  const load = async () => {
    const answer = await api<ProvinceAccountView[]>('GET', '/accounts');
    if (answer.ok) accounts.value = answer.data;
    else error.value = answer.message ?? t(`error.${answer.error}`);
  };
  useEffect(() => void load(), []);

  const disable = async () => {
    const target = disabling.value;
    if (!target) return;
    const answer = await api('POST', `/accounts/${encodeURIComponent(target.id)}/disable`);
    disabling.value = null;
    if (!answer.ok) error.value = answer.message ?? t(`error.${answer.error}`);
    await load();
  };

  return (
    <div class="pv-accounts">
      <AddAccount onAdded={() => void load()} />
      {error.value && (
        <p class="pv-error" role="alert">
          {error.value}
        </p>
      )}
      <section class="pv-card">
        <h2 class="pv-heading">{t('province.accounts.title')}</h2>
        {accounts.value === null ? (
          <p class="pv-muted">{t('province.loading')}</p>
        ) : (
          <div class="pv-table-wrap">
            <table class="pv-table" data-testid="pv-accounts">
              <thead>
                <tr>
                  <th scope="col">{t('province.accounts.user')}</th>
                  <th scope="col">{t('province.accounts.role')}</th>
                  <th scope="col">{t('province.accounts.status')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('province.registry.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {accounts.value.map((a) => (
                  <tr key={a.id} class={a.disabled ? 'pv-row--off' : ''} data-testid={`pv-account-${a.id}`}>
                    <th scope="row" data-label={t('province.accounts.user')}>
                      <span class="pv-ov-centre__name">{a.name}</span>
                      <code class="pv-ov-centre__area">{a.id}</code>
                    </th>
                    <td data-label={t('province.accounts.role')}>
                      {t(ROLE_LABEL[a.role])}
                      {a.centreId && <span class="pv-ov-sub">{overview.value.find((c) => c.id === a.centreId)?.name[lang.value] ?? a.centreId}</span>}
                    </td>
                    <td data-label={t('province.accounts.status')}>{t(a.disabled ? 'province.accounts.disabled' : 'province.accounts.active')}</td>
                    <td>
                      {!a.disabled && a.id !== self && (
                        <button type="button" class="pv-button pv-button--small pv-button--danger" onClick={() => (disabling.value = a)}>
                          {t('province.accounts.disable')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {disabling.value && (
        <Dialog title={t('province.accounts.disableTitle')} onClose={() => (disabling.value = null)}>
          <p>{t('province.accounts.disableSure', { name: disabling.value.name, user: disabling.value.id })}</p>
          <div class="pv-dialog__actions">
            <button type="button" class="pv-button" onClick={() => (disabling.value = null)}>
              {t('province.cancel')}
            </button>
            <button type="button" class="pv-button pv-button--danger" onClick={() => void disable()}>
              {t('province.accounts.disable')}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function AddAccount({ onAdded }: { onAdded: () => void }) {
  const id = useSignal('');
  const name = useSignal('');
  const role = useSignal<ProvinceRole>('supervisor');
  const centreId = useSignal('');
  const password = useSignal('');
  const again = useSignal('');
  const error = useSignal<string | null>(null);
  const done = useSignal<string | null>(null);
  const centres = [...overview.value].sort((a, b) => a.name[lang.value].localeCompare(b.name[lang.value], lang.value));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (password.value !== again.value) {
      error.value = t('province.accounts.mismatch');
      return;
    }
    const answer = await api('POST', '/accounts', {
      id: id.value.trim(),
      name: name.value,
      role: role.value,
      centreId: role.value === 'centre-supervisor' ? centreId.value || null : null,
      password: password.value,
    });
    if (!answer.ok) {
      error.value = answer.message ?? t(`error.${answer.error}`);
      done.value = null;
      return;
    }
    done.value = t('province.accounts.added', { user: id.value.trim() });
    error.value = null;
    id.value = name.value = password.value = again.value = '';
    onAdded();
  };

  return (
    <section class="pv-card">
      <h2 class="pv-heading">{t('province.accounts.add')}</h2>
      <form class="pv-form" onSubmit={(e) => void submit(e)}>
        <label class="pv-field">
          <span>{t('province.accounts.user')}</span>
          <input value={id.value} required autoComplete="off" autoCapitalize="none" onInput={(e) => (id.value = e.currentTarget.value)} />
        </label>
        <label class="pv-field">
          <span>{t('province.accounts.name')}</span>
          <input value={name.value} required onInput={(e) => (name.value = e.currentTarget.value)} />
        </label>
        <label class="pv-field">
          <span>{t('province.accounts.role')}</span>
          <select value={role.value} onChange={(e) => (role.value = e.currentTarget.value as ProvinceRole)}>
            {PROVINCE_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABEL[r])}
              </option>
            ))}
          </select>
        </label>
        {role.value === 'centre-supervisor' && (
          <label class="pv-field">
            <span>{t('province.accounts.centre')}</span>
            <select value={centreId.value} required onChange={(e) => (centreId.value = e.currentTarget.value)}>
              <option value="">{t('province.accounts.chooseCentre')}</option>
              {centres.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name[lang.value]}
                </option>
              ))}
            </select>
          </label>
        )}
        <div class="pv-field">
          <label class="pv-field">
            <span>{t('province.accounts.password')}</span>
            <input
              type="password"
              value={password.value}
              required
              minLength={PASSWORD_MIN}
              autoComplete="new-password"
              aria-describedby="pv-password-hint"
              onInput={(e) => (password.value = e.currentTarget.value)}
            />
          </label>
          <small id="pv-password-hint" class="pv-muted">
            {t('province.accounts.passwordHint', { min: PASSWORD_MIN })}
          </small>
        </div>
        <label class="pv-field">
          <span>{t('province.accounts.again')}</span>
          <input type="password" value={again.value} required autoComplete="new-password" onInput={(e) => (again.value = e.currentTarget.value)} />
        </label>
        <div class="pv-form__actions">
          <button type="submit" class="pv-button pv-button--primary">
            {t('province.accounts.addSubmit')}
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
