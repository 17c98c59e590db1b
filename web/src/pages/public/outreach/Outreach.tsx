import { useState } from 'preact/hooks';
import { Notice, Select } from '../../../components/form';
import { CHANNELS, filingLink } from '../../../entry';
import { useAsync } from '../../../hooks';
import { lang, t } from '../../../i18n';
import { loadDistricts, loadStations, name } from '../../../reference';
import { Link } from '../../../router';
import { FORMATS } from './formats';

/**
 * Outreach lets officers, SAATHI cadets and NGOs print VIKALP material for
 * a district or police station, and copy the counted links for channels
 * that are not printed here.
 */
export function Outreach() {
  const districts = useAsync(loadDistricts, []);
  const [districtId, setDistrictId] = useState('');
  const [stationId, setStationId] = useState('');
  const [format, setFormat] = useState<string>(FORMATS[0].id);
  const stations = useAsync(() => (districtId ? loadStations(Number(districtId)) : Promise.resolve([])), [districtId]);
  const district = districts.data?.find((d) => String(d.id) === districtId);

  const districtOptions = (districts.data ?? [])
    .map((d) => ({ value: String(d.id), label: name(d.name) }))
    .sort((a, b) => a.label.localeCompare(b.label, lang.get()));
  const stationOptions = (stations.data ?? []).map((s) => ({ value: String(s.id), label: name(s.name) }));
  const q = new URLSearchParams({ d: district?.slug ?? '', format, lang: 'hi' });
  if (stationId) q.set('station', stationId);

  return (
    <>
      <h1 tabIndex={-1}>{t('outreach.title')}</h1>
      <p class="lead">{t('outreach.intro')}</p>
      {districts.error && <Notice kind="error">{districts.error}</Notice>}
      <section class="card">
        <Select id="outreach-district" label={t('outreach.district')} value={districtId} placeholder={t('outreach.districtChoose')}
          options={districtOptions} onValue={(v) => { setDistrictId(v); setStationId(''); }} />
        {districtId && (
          <Select id="outreach-station" label={t('outreach.station')} value={stationId} placeholder={t('outreach.stationAny')}
            options={stationOptions} onValue={setStationId} />
        )}
        <Select id="outreach-format" label={t('outreach.format')} value={format}
          options={FORMATS.map((f) => ({ value: f.id, label: t(f.label) }))} onValue={setFormat} />
        {district && (
          <Link href={`/outreach/print?${q.toString()}`} class="btn btn-primary btn-block" data-testid="outreach-open">
            {t('outreach.open')}
          </Link>
        )}
      </section>
      {district && (
        <section class="card" aria-labelledby="outreach-links">
          <h2 id="outreach-links">{t('outreach.linksTitle')}</h2>
          <p>{t('outreach.linksIntro')}</p>
          <dl class="outreach-links">
            {CHANNELS.map((ch) => (
              <div key={ch}>
                <dt>{t(`outreach.channel.${ch}`)}</dt>
                <dd><code data-channel={ch}>{filingLink(location.origin, district.slug, ch, 'hi')}</code></dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </>
  );
}
