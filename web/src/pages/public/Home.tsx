import { t } from '../../i18n';
import { Link } from '../../router';

/** Home says what Vikalp does, what stays private, and what happens next. */
export function Home() {
  return (
    <>
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <p class="lead">{t('home.intro')}</p>
      <div class="actions">
        <Link href="/file" class="btn btn-primary btn-block" data-testid="cta-file">{t('home.fileCta')}</Link>
        <Link href="/track" class="btn btn-block" data-testid="cta-track">{t('home.trackCta')}</Link>
      </div>
      <section class="card" aria-labelledby="more-title">
        <h2 id="more-title">{t('home.moreTitle')}</h2>
        <p>{t('home.reportText')}</p>
        <Link href="/report" class="btn btn-block" data-testid="cta-report">{t('home.reportCta')}</Link>
        <Link href="/report/track" class="btn btn-block" data-testid="cta-report-track">{t('home.reportTrackCta')}</Link>
        <p>{t('home.tipText')}</p>
        <Link href="/tip" class="btn btn-block" data-testid="cta-tip">{t('home.tipCta')}</Link>
        <p>{t('home.mapText')}</p>
        <Link href="/map" class="btn btn-block" data-testid="cta-map">{t('home.mapCta')}</Link>
        <p>{t('home.outreachText')}</p>
        <Link href="/outreach" class="btn btn-block" data-testid="cta-outreach">{t('home.outreachCta')}</Link>
      </section>
      <section class="card">
        <h2>{t('home.anonTitle')}</h2>
        <ul class="plain">
          <li>{t('home.anon1')}</li>
          <li>{t('home.anon2')}</li>
          <li>{t('home.anon3')}</li>
        </ul>
      </section>
      <section class="card">
        <h2>{t('home.nextTitle')}</h2>
        <ol class="steps-list">
          <li>{t('home.next1')}</li>
          <li>{t('home.next2')}</li>
          <li>{t('home.next3')}</li>
          <li>{t('home.next4')}</li>
          <li>{t('home.next5')}</li>
        </ol>
      </section>
    </>
  );
}
