import { useEffect, useState } from 'preact/hooks';
import { filingLink } from '../../../entry';
import { useAsync } from '../../../hooks';
import { type Key, t, tIn } from '../../../i18n';
import { loadDistricts, loadStations, name } from '../../../reference';
import { Link } from '../../../router';
import { formatOf } from './formats';
import './print.css';

/** Both is a line in Hindi with its English beside it: posters speak both. */
function Both({ k, class: cls }: { k: Key; class?: string }) {
  return (
    <p class={cls}>
      <span lang="hi">{tIn('hi', k)}</span> <span lang="en" class="poster-en">{tIn('en', k)}</span>
    </p>
  );
}

/** qrSVG renders link as an SVG QR code (medium error correction, which survives a worn sticker). */
async function qrSVG(link: string): Promise<string> {
  const { default: qrcode } = await import('qrcode-generator');
  const qr = qrcode(0, 'M');
  qr.addData(link);
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}

const helplines: { number: string; label: Key }[] = [
  { number: '112', label: 'emergency.112' },
  { number: '1090', label: 'emergency.1090' },
  { number: '181', label: 'emergency.181' },
  { number: '1098', label: 'poster.1098' },
];

/**
 * OutreachPrint is one piece of print material (/outreach/print?d=lucknow
 * &format=a4&lang=hi&station=12), laid out for its paper by print CSS: the
 * page is exactly the sheet, so printing or saving as PDF gives one page.
 * Its QR code opens the complaint form in the link's language with the
 * district chosen, counted as the format's channel.
 */
export function OutreachPrint() {
  const params = new URLSearchParams(location.search);
  const format = formatOf(params.get('format'));
  const linkLang = params.get('lang') === 'en' ? 'en' : 'hi';
  const slug = (params.get('d') ?? '').toLowerCase();
  const stationId = Number(params.get('station') ?? '');
  const districts = useAsync(loadDistricts, []);
  const district = districts.data?.find((d) => d.slug === slug);
  const stations = useAsync(() => (district && stationId ? loadStations(district.id) : Promise.resolve([])), [district?.id, stationId]);
  const station = stations.data?.find((s) => s.id === stationId);
  const link = district ? filingLink(location.origin, district.slug, format.channel, linkLang) : '';
  const [svg, setSvg] = useState('');

  useEffect(() => {
    if (!link) return;
    let live = true;
    qrSVG(link).then((s) => live && setSvg(s));
    return () => {
      live = false;
    };
  }, [link]);

  // The sheet's size for the printer: one @page rule for this format.
  useEffect(() => {
    const style = document.createElement('style');
    style.textContent = `@page { size: ${format.page}; margin: 0; }`;
    document.head.appendChild(style);
    return () => style.remove();
  }, [format.page]);

  if (districts.loading) return <p>{t('common.loading')}</p>;
  if (!district) {
    return (
      <main class="print-page">
        <h1>{t('outreach.title')}</h1>
        <p role="alert">{t('outreach.unknownDistrict')}</p>
        <Link href="/outreach">{t('outreach.back')}</Link>
      </main>
    );
  }
  const ready = svg !== '' && (!stationId || !stations.loading);
  return (
    <main class="print-page">
      <div class="print-controls">
        <h1 class="print-title">{t(format.label)}: {name(district.name)}</h1>
        <button type="button" class="btn btn-primary" onClick={() => window.print()} data-testid="outreach-print">
          {t('outreach.print')}
        </button>{' '}
        <Link href="/outreach">{t('outreach.back')}</Link>
      </div>
      {/* On a phone the sheet scrolls sideways: the frame takes the focus so keys can scroll it. */}
      <div class="sheet-frame" tabIndex={0} role="region" aria-label={t('outreach.sheet')}>
      <article class={`poster fmt-${format.id}${format.compact ? ' compact' : ''}`} data-testid="poster"
        data-ready={ready ? 'true' : 'false'} data-link={link}>
        <header class="poster-brand">
          <strong lang="hi">{tIn('hi', 'poster.brand')}</strong> <span lang="en">{tIn('en', 'poster.brand')}</span>
        </header>
        <p class="poster-place">
          <span lang="hi">{tIn('hi', 'poster.district')} {district.name.hi || district.name.en}</span>
          {' · '}
          <span lang="en">{district.name.en} {tIn('en', 'poster.district')}</span>
          {station && (
            <>
              <br />
              <span lang="hi">{tIn('hi', 'poster.station')} {station.name.hi || station.name.en}</span>
              {' · '}
              <span lang="en">{station.name.en} {tIn('en', 'poster.station')}</span>
            </>
          )}
        </p>
        <Both k="poster.headline" class="poster-headline" />
        {!format.compact && <Both k="poster.private" class="poster-private" />}
        <figure class="poster-qr">
          <div class="qr" data-testid="poster-qr" role="img" aria-label={link} dangerouslySetInnerHTML={{ __html: svg }} />
          <figcaption>
            <Both k="poster.scan" class="poster-scan" />
            <p class="poster-link">{link}</p>
          </figcaption>
        </figure>
        {!format.compact && (
          <ol class="poster-steps">
            {(['poster.step1', 'poster.step2', 'poster.step3', 'poster.step4'] as const).map((k) => (
              <li key={k}>
                <Both k={k} />
              </li>
            ))}
          </ol>
        )}
        <section class="poster-help" aria-label={tIn('en', 'poster.helplines')}>
          {(format.compact ? helplines.slice(0, 2) : helplines).map((h) => (
            <p key={h.number}>
              <strong>{h.number}</strong> <span lang="hi">{tIn('hi', h.label)}</span> <span lang="en">{tIn('en', h.label)}</span>
            </p>
          ))}
        </section>
      </article>
      </div>
    </main>
  );
}
