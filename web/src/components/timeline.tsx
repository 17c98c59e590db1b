import { dateTime, duration as durationText } from '../format';
import { label, t } from '../i18n';

/** TimelineItem is one event as the timeline shows it. */
export interface TimelineItem {
  at: string;
  kind: string;
  reason?: string;
  who?: string;
}

/** Timeline lists events oldest first. */
export function Timeline({ items }: { items: TimelineItem[] }) {
  return (
    <ol class="timeline">
      {items.map((e, i) => (
        <li key={i} data-kind={e.kind}>
          <time dateTime={e.at}>{dateTime(e.at)}</time>
          <span class="timeline-what">{label('event.', e.kind, 'event.other')}</span>
          {e.who && <span class="timeline-who"> · {e.who}</span>}
          {e.reason && <p class="timeline-reason">{e.reason}</p>}
        </li>
      ))}
    </ol>
  );
}

/** Deadline shows a ticking countdown to iso; red once it has passed. */
export function Deadline({ iso, now }: { iso: string; now: number }) {
  const left = (new Date(iso).getTime() - now) / 1000;
  const overdue = left < 0;
  return (
    <span class={'deadline' + (overdue ? ' overdue' : '')} data-overdue={overdue ? 'true' : 'false'}>
      {t(overdue ? 'time.overdue' : 'time.left', { t: durationText(left) })}
    </span>
  );
}
