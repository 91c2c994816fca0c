import { signal, type ReadonlySignal } from '@preact/signals';

export type Orientation = 'landscape' | 'portrait';

/**
 * The wall display's layout: `?orientation=portrait` or `?orientation=landscape` in the page's
 * address fixes it; otherwise it follows the screen's shape (taller than wide: portrait), also when
 * a TV is turned or the window resized.
 */
export function watchOrientation(search = location.search): ReadonlySignal<Orientation> {
  const asked = new URLSearchParams(search).get('orientation');
  if (asked === 'portrait' || asked === 'landscape') return signal<Orientation>(asked);
  const query = matchMedia('(orientation: portrait)');
  const orientation = signal<Orientation>(query.matches ? 'portrait' : 'landscape');
  query.addEventListener('change', (e) => (orientation.value = e.matches ? 'portrait' : 'landscape'));
  return orientation;
}
