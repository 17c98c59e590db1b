import { lang, t } from '../../i18n';

/** Landmark is a public place near a described point (api/place_dto.go). */
export interface Landmark {
  name_en: string;
  name_hi: string;
  distance_m: number;
  /** direction from the landmark to the place: N, NE … NW; "" when at it. */
  direction: string;
  direction_hi: string;
}

/**
 * PlaceDescription ("where" in alerts, leads, hotspots and priority
 * places) says where something is in words: nearest police and railway
 * station with distance and direction, and the district, in both
 * languages, with a geo: URI that opens the phone's map app.
 */
export interface PlaceDescription {
  text_en: string;
  text_hi: string;
  /** geo_uri is "geo:lat,lon" (RFC 5870): the place's only coordinates. */
  geo_uri: string;
  district_id?: number;
  police_station: Landmark | null;
  railway_station: Landmark | null;
}

/**
 * Where shows a place description in the reader's language and a
 * "navigate" link (geo: URI; Android and iOS open their map app with it).
 * Railway names the data has only in English keep lang="en" inside the
 * Hindi text, so screen readers pronounce them right.
 */
export function Where({ where, compact }: { where?: PlaceDescription | null; compact?: boolean }) {
  if (!where) return null;
  const text = lang.get() === 'hi' ? where.text_hi : where.text_en;
  return (
    <p class={'where' + (compact ? ' small' : '')} data-testid="where" data-geo={where.geo_uri}>
      <span data-testid="where-text">{lang.get() === 'hi' ? markLatin(text) : text}</span>
      {' '}
      <a href={where.geo_uri} class="btn btn-small" data-testid="navigate" aria-label={t('where.navigateTo', { place: text })}>
        {t('where.navigate')}
      </a>
    </p>
  );
}

/**
 * markLatin wraps the Latin-script runs of a Hindi text (names the data has
 * only in English, e.g. railway stations) in lang="en", so a screen reader
 * reads them as English.
 */
function markLatin(text: string) {
  return text.split(/([A-Za-z][A-Za-z .'()-]*[A-Za-z)]|[A-Za-z])/).map((part, i) =>
    i % 2 === 1 ? <span key={i} lang="en">{part}</span> : part);
}
