import type { JSX } from 'preact';

/**
 * Simple line pictograms for service tiles and priority groups, chosen by the configured `icon`
 * name. They are drawn in currentColor, so they follow the tile's colours. Unknown names get a
 * plain document.
 */
const SHAPES: Record<string, () => JSX.Element> = {
  family: () => (
    <>
      <circle cx="22" cy="15" r="7" />
      <path d="M10 54V40a12 12 0 0 1 24 0v14" />
      <circle cx="45" cy="26" r="5.5" />
      <path d="M36 54v-9a9 9 0 0 1 18 0v9" />
    </>
  ),
  stamp: () => (
    <>
      <circle cx="32" cy="13" r="7" />
      <path d="M27 20h10v13H27z" />
      <rect x="11" y="33" width="42" height="11" rx="3" />
      <path d="M11 53h42" />
    </>
  ),
  land: () => (
    <>
      <path d="M6 15l16-7 20 7 16-7v41l-16 7-20-7-16 7z" />
      <path d="M22 8v41M42 15v41" />
    </>
  ),
  building: () => (
    <>
      <path d="M16 56V8h32v48M8 56h48" />
      <path d="M24 17h4M36 17h4M24 28h4M36 28h4M24 39h4M36 39h4M29 56v-8h6v8" />
    </>
  ),
  shop: () => (
    <>
      <path d="M8 24l5-14h38l5 14z" />
      <path d="M12 24v32h40V24M26 56V38h12v18M6 56h52" />
    </>
  ),
  hands: () => (
    <>
      <path d="M32 21c-4-8-16-8-16 2 0 8 16 17 16 17s16-9 16-17c0-10-12-10-16-2z" />
      <path d="M6 46h12l12 5h10l18-8" />
    </>
  ),
  health: () => (
    <>
      <path d="M32 6l20 8v16c0 13-9 21-20 27-11-6-20-14-20-27V14z" />
      <path d="M32 21v20M22 31h20" />
    </>
  ),
  scales: () => (
    <>
      <path d="M32 8v46M20 55h24M10 16h44" />
      <path d="M10 16L4 34M10 16l6 18M54 16l-6 18M54 16l6 18" />
      <path d="M3 34a7 5 0 0 0 14 0zM47 34a7 5 0 0 0 14 0z" />
    </>
  ),
  house: () => (
    <>
      <path d="M7 31L32 10l25 21" />
      <path d="M14 26v30h36V26M27 56V41h10v15" />
    </>
  ),
  elderly: () => (
    <>
      <circle cx="27" cy="11" r="6" />
      <path d="M27 20c-4 8-4 16-2 24l-5 12M25 44l6 12M26 27l12 8M42 31v25" />
    </>
  ),
  disabled: () => (
    <>
      <circle cx="26" cy="9" r="5" />
      <path d="M26 17v17h15l6 14h6M26 25h12" />
      <path d="M19 30a13 13 0 1 0 18 20" />
    </>
  ),
  pregnant: () => (
    <>
      <circle cx="30" cy="10" r="6" />
      <path d="M29 19l-3 13c9-3 16 2 14 9-1 4-5 6-9 6l-1 11M26 32l-2 26M29 22l-9 10" />
    </>
  ),
  person: () => (
    <>
      <circle cx="32" cy="14" r="8" />
      <path d="M16 56V42a16 16 0 0 1 32 0v14" />
    </>
  ),
  printer: () => (
    <>
      <path d="M18 24V8h28v16" />
      <rect x="7" y="24" width="50" height="20" rx="4" />
      <path d="M18 36h28v20H18z" />
      <path d="M24 44h16M24 50h10M48 31h2" />
    </>
  ),
  document: () => (
    <>
      <path d="M16 6h22l10 10v42H16z" />
      <path d="M38 6v10h10M23 28h18M23 37h18M23 46h12" />
    </>
  ),
  // kiosk and lookup
  touch: () => (
    <>
      <path d="M24 42V22a5 5 0 0 1 10 0v14" />
      <path d="M34 35v-2a5 5 0 0 1 10 0v4" />
      <path d="M44 37a5 5 0 0 1 10 0v6c0 9-6 16-16 16h-4c-5 0-9-2-12-6l-8-11a5 5 0 0 1 8-6l6 6" />
      <path d="M15 22a14 14 0 0 1 28 0" />
    </>
  ),
  ticket: () => (
    <>
      <path d="M6 18h52v9a5 5 0 0 0 0 10v9H6v-9a5 5 0 0 0 0-10z" />
      <path d="M22 18v4M22 29v6M22 42v4M30 28h18M30 37h12" />
    </>
  ),
  search: () => (
    <>
      <path d="M36 56H12V6h22l10 10v7" />
      <path d="M34 6v10h10M19 24h13M19 32h8" />
      <circle cx="41" cy="39" r="10" />
      <path d="M48.5 46.5l8 8" />
    </>
  ),
  qr: () => (
    <>
      <rect x="8" y="8" width="18" height="18" rx="2" />
      <rect x="38" y="8" width="18" height="18" rx="2" />
      <rect x="8" y="38" width="18" height="18" rx="2" />
      <path d="M15 15h4v4h-4zM45 15h4v4h-4zM15 45h4v4h-4zM38 38h6v6h-6zM50 38h6M38 50v6M50 50h6v6h-6zM44 44h6v6" />
    </>
  ),
  clock: () => (
    <>
      <circle cx="32" cy="32" r="24" />
      <path d="M32 18v14l10 7" />
    </>
  ),
  unlinked: () => (
    <>
      <path d="M28 20l6-6a9 9 0 0 1 13 13l-6 6" />
      <path d="M36 44l-6 6a9 9 0 0 1-13-13l6-6" />
      <path d="M10 10l6 6M54 54l-6-6M24 6v6M6 24h6M40 58v-6M58 40h-6" />
    </>
  ),
};

export function Pictogram({ name, class: className }: { name: string | null | undefined; class?: string }) {
  const shape = SHAPES[name ?? ''] ?? SHAPES.document!;
  return (
    <svg
      class={`pictogram ${className ?? ''}`}
      viewBox="0 0 64 64"
      fill="none"
      stroke="currentColor"
      stroke-width="4"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {shape()}
    </svg>
  );
}
