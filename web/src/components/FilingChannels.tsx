import { api } from '../api';
import { useAsync } from '../hooks';
import { label, t } from '../i18n';
import { Notice } from './form';
import { TableWrap } from './TableWrap';

interface ChannelStats {
  days: number;
  total: number;
  channels: { channel: string; filings: number }[];
}

/**
 * FilingChannels shows how many complaints came through each outreach
 * channel (poster, sticker, SAATHI link, ...) in the reader's scope: counts
 * only, as the server keeps them, never linked to a complaint.
 */
export function FilingChannels({ days = 90 }: { days?: number }) {
  const st = useAsync(() => api<ChannelStats>('GET', `/dashboard/channels?days=${days}`), [days]);
  return (
    <section class="card" aria-labelledby="channels-title" data-testid="filing-channels">
      <h2 id="channels-title">{t('outreach.channelsTitle')}</h2>
      <p class="muted">{t('outreach.channelsIntro', { days })}</p>
      {st.error && <Notice kind="error">{st.error}</Notice>}
      {st.data && (
        <TableWrap label={t('outreach.channelsTitle')}>
        <table class="districts">
          <thead>
            <tr>
              <th scope="col">{t('outreach.format')}</th>
              <th scope="col" class="num">{t('outreach.channelsNone')}</th>
            </tr>
          </thead>
          <tbody>
            {st.data.channels.map((c) => (
              <tr key={c.channel} data-channel={c.channel}>
                <th scope="row">{label('outreach.channel.', c.channel)}</th>
                <td class="num">{c.filings}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('outreach.channelsTotal')}</th>
              <td class="num">{st.data.total}</td>
            </tr>
          </tfoot>
        </table>
        </TableWrap>
      )}
    </section>
  );
}
