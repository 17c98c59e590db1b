import { useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { Notice } from '../../components/form';
import { errorText } from '../../hooks';
import { t } from '../../i18n';
import { type QueuedPhoto, type Rect, photoURL } from './moderation';

const clamp = (v: number) => Math.min(1, Math.max(0, v));
const round = (v: number) => Math.round(v * 10000) / 10000;

/** normalize turns two corners into a rectangle inside the photo. */
function normalize(a: { x: number; y: number }, b: { x: number; y: number }): Rect {
  const x = clamp(Math.min(a.x, b.x));
  const y = clamp(Math.min(a.y, b.y));
  return { x: round(x), y: round(y), w: round(clamp(Math.max(a.x, b.x)) - x), h: round(clamp(Math.max(a.y, b.y)) - y) };
}

/**
 * Redactor lets a moderator blur parts of a photo (faces, number plates):
 * drag rectangles on it with a mouse, a finger or a pen (pointer events),
 * or add one in the middle from the keyboard; then save, and the server
 * renders the blurred public copy, shown below as a preview.
 */
export function Redactor({ reportID, photo }: { reportID: number; photo: QueuedPhoto }) {
  const [rects, setRects] = useState<Rect[]>(photo.rects ?? []);
  const [draft, setDraft] = useState<Rect | null>(null);
  const [saved, setSaved] = useState(photo.redacted ? 1 : 0);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const start = useRef<{ x: number; y: number } | null>(null);
  const pad = useRef<HTMLDivElement>(null);

  const at = (e: PointerEvent) => {
    const b = pad.current!.getBoundingClientRect();
    return { x: clamp((e.clientX - b.left) / b.width), y: clamp((e.clientY - b.top) / b.height) };
  };
  const down = (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    start.current = at(e);
    setDraft(normalize(start.current, start.current));
  };
  const move = (e: PointerEvent) => {
    if (start.current) setDraft(normalize(start.current, at(e)));
  };
  const up = (e: PointerEvent) => {
    if (!start.current) return;
    const r = normalize(start.current, at(e));
    start.current = null;
    setDraft(null);
    if (r.w > 0.01 && r.h > 0.01) add(r);
  };
  const add = (r: Rect) => {
    setRects((rs) => [...rs, r]);
    setDirty(true);
  };
  const remove = (i: number) => {
    setRects((rs) => rs.filter((_, j) => j !== i));
    setDirty(true);
  };

  const save = async () => {
    setBusy(true);
    setError('');
    try {
      await api('POST', `/moderation/reports/${reportID}/photos/${photo.n}/redact`, { rects });
      setSaved(rects.length ? Date.now() : 0);
      setDirty(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const box = (r: Rect, cls: string, i?: number) => (
    <span key={i ?? 'draft'} class={cls} style={{ left: `${r.x * 100}%`, top: `${r.y * 100}%`, width: `${r.w * 100}%`, height: `${r.h * 100}%` }} />
  );
  const ratio = photo.width && photo.height ? `${photo.width} / ${photo.height}` : undefined;
  return (
    <section class="card redactor" aria-label={t('mod.photoN', { n: photo.n })} data-testid="redactor" data-photo={photo.n}>
      <h3>{t('mod.photoN', { n: photo.n })}</h3>
      <div class="redact-pad" ref={pad} style={{ aspectRatio: ratio }} data-testid="redact-pad"
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={() => {
          start.current = null;
          setDraft(null);
        }}>
        <img src={photoURL(reportID, photo.n, 'derivative')} alt={t('mod.photoAlt', { n: photo.n })} draggable={false} />
        {rects.map((r, i) => box(r, 'redact-rect', i))}
        {draft && box(draft, 'redact-rect draft')}
      </div>
      {rects.length > 0 && (
        <ol class="rect-list" data-testid="rect-list">
          {rects.map((r, i) => (
            <li key={i}>
              {t('mod.area', { n: i + 1 })}{' '}
              <button type="button" class="link-button" onClick={() => remove(i)} aria-label={t('mod.removeAreaN', { n: i + 1 })}>
                {t('photos.remove')}
              </button>
              <span class="sr-only">{Math.round(r.w * 100)} × {Math.round(r.h * 100)} %</span>
            </li>
          ))}
        </ol>
      )}
      <div class="actions">
        <button type="button" class="btn btn-small" onClick={() => add({ x: 0.35, y: 0.35, w: 0.3, h: 0.3 })}>
          {t('mod.addMiddle')}
        </button>
        <button type="button" class="btn btn-small btn-primary" disabled={busy || !dirty} onClick={() => void save()} data-testid="redact-save">
          {busy ? t('file.submitting') : t('mod.saveBlur')}
        </button>
      </div>
      <Notice kind="error">{error}</Notice>
      {dirty && <p class="hint">{t('mod.unsaved')}</p>}
      {saved > 0 && !dirty && (
        <figure class="preview">
          <figcaption>{t('mod.preview')}</figcaption>
          <img src={photoURL(reportID, photo.n, 'redacted', saved)} alt={t('mod.previewAlt', { n: photo.n })} data-testid="redact-preview" />
        </figure>
      )}
    </section>
  );
}
