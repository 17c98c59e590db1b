import type { ComponentChildren } from 'preact';
import { t } from '../i18n';

/**
 * TableWrap lets a wide table scroll sideways on a narrow screen. The
 * scrolling region is focusable and named "<label> (table)", so a keyboard
 * user can reach and scroll it (WCAG 2.1.1; axe's scrollable-region-focusable
 * flagged the MSP dashboard's district table at 360 px) and its name differs
 * from the section around it (landmark-unique).
 */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={t('common.table', { name: label })}>
      {children}
    </div>
  );
}
