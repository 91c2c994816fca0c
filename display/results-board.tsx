import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { DossierBoard, PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';

/** How long one page of the results list stays before the next one. */
export const RESULTS_PAGE_MS = 8_000;

export type BoardSettings = NonNullable<PublicView['dossiers']>;

/**
 * Whether the board has anything to say: results ready, or a month with dossiers counted. A centre
 * whose one-stop software sends nothing (yet) keeps the plain queue instead of a board of zeros.
 */
export function hasBoardContent(dossiers: PublicView['dossiers']): dossiers is BoardSettings {
  if (dossiers === null) return false;
  const c = dossiers.counts;
  return dossiers.resultsReady.length > 0 || (c !== null && c.early + c.onTime + c.late + c.overdue > 0);
}

/** Where the list goes on to when the board is shown again (rotate: each turn shows the next page). */
export interface PageCursor {
  next: number;
}

/**
 * "Hồ sơ đã có kết quả": dossiers whose result is ready, with the applicant's name masked by the hub
 * and where to collect, a page at a time (as many as fit, the pages take turns); and this month's
 * early / on-time / late counts with those overdue now. Nothing here is scrolled: a TV is read, not
 * touched.
 */
export function ResultsBoard({ board, cursor }: { board: DossierBoard; cursor?: PageCursor }) {
  const { t } = useAppState();
  // Two grid items: the list in the 'results' area, the counts in 'counts' (beside the strips).
  return (
    <>
      <section class="results" data-testid="results-board" aria-label={t('display.board.title')}>
        <ReadyList items={board.resultsReady} cursor={cursor} />
      </section>
      {board.counts && <MonthCounts counts={board.counts} />}
    </>
  );
}

function MonthCounts({ counts }: { counts: NonNullable<DossierBoard['counts']> }) {
  const { t } = useAppState();
  const [year, month] = counts.month.split('-');
  const tiles = [
    { kind: 'early', label: t('display.board.early'), value: counts.early },
    { kind: 'on-time', label: t('display.board.onTime'), value: counts.onTime },
    { kind: 'late', label: t('display.board.late'), value: counts.late },
    { kind: 'overdue', label: t('display.board.overdue'), value: counts.overdue },
  ];
  return (
    <section class="results-counts" data-testid="board-counts">
      <h2 class="results__label">{t('display.board.month', { month: month ?? '', year: year ?? '' })}</h2>
      <ul class="results-counts__tiles">
        {tiles.map((tile) => (
          <li key={tile.kind} class={`results-count results-count--${tile.kind}`} data-testid={`board-count-${tile.kind}`}>
            <span class="results-count__value">{tile.value}</span>
            <span class="results-count__label">{tile.label}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReadyList({ items, cursor }: { items: DossierBoard['resultsReady']; cursor: PageCursor | undefined }) {
  const { t } = useAppState();
  const list = useRef<HTMLOListElement>(null);
  const [perPage, setPerPage] = useState(0);
  const [page, setPage] = useState(() => cursor?.next ?? 0);
  const pages = perPage > 0 ? Math.max(1, Math.ceil(items.length / perPage)) : 1;
  const current = page % pages;

  // As many items as the space holds: items have a fixed height (CSS), the list takes what is left.
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    const measure = () => {
      const style = getComputedStyle(element);
      const columns = Math.max(1, style.gridTemplateColumns.split(' ').filter(Boolean).length);
      const first = element.firstElementChild as HTMLElement | null;
      const rowGap = parseFloat(style.rowGap) || 0;
      const inner = element.clientHeight - (parseFloat(style.paddingTop) || 0) - (parseFloat(style.paddingBottom) || 0);
      const itemHeight = first?.offsetHeight ?? 0;
      if (itemHeight <= 0) return;
      const rows = Math.max(1, Math.floor((inner + rowGap) / (itemHeight + rowGap)));
      setPerPage(rows * columns);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [items.length > 0]);

  useEffect(() => {
    if (pages <= 1) return;
    const timer = setInterval(() => setPage((p) => p + 1), RESULTS_PAGE_MS);
    return () => clearInterval(timer);
  }, [pages]);

  useEffect(() => {
    if (cursor) cursor.next = current + 1;
  }, [current, cursor]);

  // Before the first measure, one item is rendered to measure it.
  const shown = perPage > 0 ? items.slice(current * perPage, current * perPage + perPage) : items.slice(0, 1);
  return (
    <div class="results-ready">
      <div class="results-ready__head">
        <h2 class="results__title">{t('display.board.title')}</h2>
        {pages > 1 && (
          <span class="results-ready__page" data-testid="board-page">
            {t('display.board.page', { page: current + 1, pages })}
          </span>
        )}
      </div>
      {items.length === 0 ? (
        <div class="results-ready__empty">{t('display.board.empty')}</div>
      ) : (
        <ol class="results-ready__list" ref={list} data-testid="board-list">
          {shown.map((item) => (
            <li key={item.code} class="ready-item" data-testid="board-item">
              <span class="ready-item__name">{item.applicantMasked}</span>
              <span class="ready-item__code">
                <DossierCode code={item.code} />
              </span>
              <span class="ready-item__where">
                <span class="ready-item__where-label">{t('display.board.collectAt')}</span>{' '}
                {item.collectAt ?? t('display.board.collectDefault')}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** "000.00.15.H29-261120-0001" with its last part stressed: the part people compare first. */
function DossierCode({ code }: { code: string }) {
  const match = /^(.*?[^A-Za-z0-9])?([A-Za-z0-9]+)$/.exec(code);
  if (!match?.[1]) return <span class="dossier-code">{code}</span>;
  return (
    <span class="dossier-code">
      {match[1]}
      <b class="dossier-code__tail">{match[2]}</b>
    </span>
  );
}
