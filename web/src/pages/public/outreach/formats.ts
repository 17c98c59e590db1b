import type { ChannelTag } from '../../../entry';
import type { Key } from '../../../i18n';

/** Format is one kind of print material: its paper and the channel its QR code counts as. */
export interface Format {
  id: 'a4' | 'a3' | 'standee' | 'sticker' | 'handbill';
  label: Key;
  channel: ChannelTag;
  /** page size for CSS @page, width then height. */
  page: string;
  /** compact material carries only the brand, headline, code and two helplines. */
  compact: boolean;
}

/** FORMATS lists the material in the order the picker offers it. */
export const FORMATS: readonly Format[] = [
  { id: 'a4', label: 'outreach.format.a4', channel: 'poster', page: '210mm 297mm', compact: false },
  { id: 'a3', label: 'outreach.format.a3', channel: 'poster', page: '297mm 420mm', compact: false },
  { id: 'handbill', label: 'outreach.format.handbill', channel: 'handbill', page: '148mm 210mm', compact: false },
  { id: 'standee', label: 'outreach.format.standee', channel: 'standee', page: '800mm 2000mm', compact: false },
  { id: 'sticker', label: 'outreach.format.sticker', channel: 'sticker', page: '100mm 100mm', compact: true },
];

/** formatOf finds a format by id, A4 when unknown. */
export function formatOf(id: string | null): Format {
  return FORMATS.find((f) => f.id === id) ?? FORMATS[0];
}
