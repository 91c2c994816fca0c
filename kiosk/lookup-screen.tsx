import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { DossierLookupView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import {
  CodeEntryScreen,
  CodeField,
  EntryProblem,
  ScanHint,
  useCaretInFields,
  useTriesWait,
  type EntryProblemState,
  type ProblemTexts,
} from './code-entry';

/** What a receipt held to the scanner gave: its code (and key), or nothing readable. */
export type LookupScan = { kind: 'read'; code: string; key: string } | { kind: 'unreadable' };

/** The hub's limits (longer is refused as a bad payload). */
const MAX_CODE = 60;
const MAX_KEY = 20;

type Problem = EntryProblemState<'missing-code' | 'missing-key' | 'not-found' | 'unreadable' | 'need-key'>;

const PROBLEMS: ProblemTexts<'missing-code' | 'missing-key' | 'not-found' | 'unreadable' | 'need-key'> = {
  'missing-code': { title: null, body: 'lookup.missing.code', gentle: true },
  'missing-key': { title: null, body: 'lookup.missing.key', gentle: true },
  'need-key': { title: null, body: 'lookup.scan.needKey', gentle: true },
  unreadable: { title: null, body: 'lookup.scan.unreadable' },
  'not-found': { title: 'lookup.notFound.title', body: 'lookup.notFound.body' },
};

/**
 * Looking a dossier up: the code and the lookup key from the receipt, typed on the on-screen
 * keyboard, or read from the receipt's QR code by the scanner (then it looks up at once). A wrong
 * code or key gets one friendly message that tells nothing about which was wrong; too many tries
 * get "please wait n seconds", counted down.
 */
export function LookupScreen(props: { scan: LookupScan | null; onBack: () => void; onFound: (result: DossierLookupView) => void }) {
  const state = useAppState();
  const { t } = state;
  const scanned = props.scan?.kind === 'read' ? props.scan : null;
  const code = useSignal(scanned?.code ?? '');
  const key = useSignal(scanned?.key ?? '');
  const problem = useSignal<Problem | null>(
    props.scan?.kind === 'unreadable' ? { kind: 'unreadable' } : scanned && !scanned.key ? { kind: 'need-key' } : null,
  );
  const busy = useSignal(false);
  const codeField = useRef<HTMLInputElement>(null);
  const keyField = useRef<HTMLInputElement>(null);
  const wait = useTriesWait();
  const waiting = wait.seconds > 0;

  const submit = async () => {
    if (busy.peek()) return;
    const wantedCode = code.peek().trim().toUpperCase();
    const wantedKey = key.peek().trim().toUpperCase();
    if (!wantedCode) {
      problem.value = { kind: 'missing-code' };
      codeField.current?.focus();
      return;
    }
    if (!wantedKey) {
      problem.value = { kind: 'missing-key' };
      keyField.current?.focus();
      return;
    }
    if (wait.blocked()) return;
    busy.value = true;
    problem.value = null;
    const answer = await state.client.request('dossier:lookup', { code: wantedCode, key: wantedKey });
    busy.value = false;
    if (answer.ok) return props.onFound(answer.data);
    if (answer.error === 'RATE_LIMITED') {
      wait.start(answer.retryAfterSeconds);
      problem.value = { kind: 'wait' };
    } else if (answer.error === 'DOSSIER_NOT_FOUND' || answer.error === 'INVALID_PAYLOAD') problem.value = { kind: 'not-found' };
    else problem.value = { kind: 'failed', message: answer.message };
  };

  useCaretInFields([codeField, keyField]);

  useEffect(() => {
    // A scanned receipt with both codes is looked up at once; with the code only, the key is asked for.
    if (scanned?.code && scanned.key) void submit();
    else if (scanned?.code) keyField.current?.focus();
    else codeField.current?.focus();
  }, []);

  const shownProblem = problem.value?.kind === 'wait' && !waiting ? null : problem.value;
  const edited = () => {
    if (problem.peek()?.kind !== 'wait') problem.value = null;
  };

  return (
    <CodeEntryScreen
      testId="lookup"
      title={t('lookup.title')}
      intro={t('lookup.intro')}
      busyText={busy.value ? t('lookup.searching') : null}
      problem={shownProblem && <EntryProblem testId="lookup-problem" problem={shownProblem} texts={PROBLEMS} failedTitle="lookup.failed.title" waitSeconds={wait.seconds} />}
      submitLabel={t('lookup.submit')}
      submitDisabled={busy.value || waiting}
      onSubmit={() => void submit()}
      onBack={props.onBack}
      after={<ScanHint text={t('lookup.scanHint')} />}
    >
      <CodeField label={t('lookup.code')} name="dossier-code" hint={t('lookup.code.example')} value={code} maxLength={MAX_CODE} inputRef={codeField} onEdit={edited} />
      <CodeField label={t('lookup.key')} name="lookup-key" hint={t('lookup.key.hint')} value={key} maxLength={MAX_KEY} inputRef={keyField} onEdit={edited} wide={false} />
    </CodeEntryScreen>
  );
}
