import { render, type ComponentType } from 'preact';
import { AppStateContext, createAppState, type AppState, type AppStateOptions } from './app-state';

/** Creates the page's app state and renders its root component into #app. */
export function mountApp(options: AppStateOptions, Root: ComponentType, setup?: (state: AppState) => void): AppState {
  const state = createAppState(options);
  setup?.(state);
  const host = document.getElementById('app');
  if (!host) throw new Error('the page has no #app element');
  render(
    <AppStateContext.Provider value={state}>
      <Root />
    </AppStateContext.Provider>,
    host,
  );
  return state;
}

/**
 * Public touch screens: no text selection, no context menu, no pinch or ctrl+wheel zoom, no
 * dragging things out. (The viewport meta of the page does the rest.)
 */
export function lockDownTouchScreen(): void {
  const stop = (e: Event) => e.preventDefault();
  document.addEventListener('contextmenu', stop);
  document.addEventListener('dragstart', stop);
  document.addEventListener('selectstart', stop);
  document.addEventListener('gesturestart', stop);
  document.addEventListener('touchmove', (e) => e.touches.length > 1 && e.preventDefault(), { passive: false });
  document.addEventListener('wheel', (e) => e.ctrlKey && e.preventDefault(), { passive: false });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && ['+', '-', '=', '0', 'p', 's', 'o'].includes(e.key.toLowerCase())) e.preventDefault();
  });
  document.documentElement.classList.add('locked-down');
}
