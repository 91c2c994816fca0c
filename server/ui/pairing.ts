/**
 * A kiosk or rating screen paired by the supervisor is opened once with `?pair=<secret>` (the URL
 * the supervisor's screen shows, e.g. in the kiosk PC's start-up command). The secret is kept in
 * this browser's storage and taken out of the address bar, so it is not shown or bookmarked; the
 * page sends it to the hub at every connection.
 */
export function pairingSecret(storageKey: string): string | null {
  const params = new URLSearchParams(location.search);
  const given = params.get('pair');
  if (given && /^[A-Za-z0-9._-]{10,200}$/.test(given)) {
    try {
      localStorage.setItem(storageKey, given);
    } catch {
      // Storage may be off (a kiosk policy): the secret then lasts as long as the page.
    }
    params.delete('pair');
    const query = params.toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    return given;
  }
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}
