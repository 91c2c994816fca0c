import type { PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';

/** "Do you belong to a priority group?": one big button per group, and "No". */
export function PriorityScreen(props: {
  view: PublicView;
  serviceId: string;
  onChoose: (group: string | null) => void;
  onBack: () => void;
  idleMs: number;
}) {
  const { t, local } = useAppState();
  useCountdown(props.idleMs, props.onBack);
  const service = props.view.services.find((s) => s.id === props.serviceId);
  return (
    <section class="priority">
      {service && (
        <div class="chosen">
          <span class="chosen__icon">
            <Pictogram name={service.icon} />
          </span>
          <span class="chosen__name">{local(service.name)}</span>
        </div>
      )}
      <h1 class="priority__title">{t('kiosk.priority.title')}</h1>
      <div class="priority__groups">
        {props.view.priorityGroups.map((group) => (
          <button key={group.id} type="button" class="choice" onClick={() => props.onChoose(group.id)}>
            <span class="choice__icon">
              <Pictogram name={group.icon} />
            </span>
            <span class="choice__name">{local(group.name)}</span>
          </button>
        ))}
      </div>
      <button type="button" class="choice choice--none" onClick={() => props.onChoose(null)}>
        {t('kiosk.priority.none')}
      </button>
      <p class="priority__note">{t('kiosk.priority.note')}</p>
      <button type="button" class="big-button back-button" onClick={props.onBack}>
        {t('kiosk.back')}
      </button>
    </section>
  );
}
