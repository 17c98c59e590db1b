/**
 * entry is the link she arrived by. Outreach material (posters, stickers,
 * a SAATHI cadet's message) links to /?lang=hi&d=lucknow&src=poster: the
 * language opens in Hindi (i18n reads lang itself), the complaint form
 * pre-selects the district, and the filing carries the channel, which the
 * server counts per day and district, never with the complaint. Kept in
 * memory only: nothing of it is stored on the device.
 */
const params = new URLSearchParams(location.search);

export const entry = {
  /** district slug from the link, lower case ("" when none). */
  district: (params.get('d') ?? '').trim().toLowerCase(),
  /** channel (src tag) from the link ("" when none). */
  channel: (params.get('src') ?? '').trim().toLowerCase(),
};

/** CHANNELS are the src tags the server counts (cases.Channels). */
export const CHANNELS = ['poster', 'standee', 'sticker', 'handbill', 'saathi', 'newspaper', 'rubaru'] as const;
export type ChannelTag = (typeof CHANNELS)[number];

/** filingLink is the link outreach material prints and encodes in its QR code. */
export function filingLink(origin: string, district: string, channel: ChannelTag, lang: 'hi' | 'en'): string {
  const q = new URLSearchParams({ lang, d: district, src: channel });
  return `${origin}/?${q.toString()}`;
}
