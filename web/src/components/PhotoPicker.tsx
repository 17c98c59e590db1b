import { useEffect, useMemo } from 'preact/hooks';
import { t } from '../i18n';
import { photoTypes } from '../photo';
import { type Message, messageText } from '../hooks';

interface Props {
  id: string;
  label: string;
  hint?: string;
  files: File[];
  max: number;
  onFiles: (files: File[]) => void;
  error?: Message;
}

/**
 * PhotoPicker takes photos from the camera or the gallery, shows them as
 * thumbnails (object URLs, never uploaded until the form is sent) and lets
 * each be removed. Two buttons: "take a photo" opens the camera on phones
 * (capture), "choose" opens the gallery.
 */
export function PhotoPicker({ id, label, hint, files, max, onFiles, error }: Props) {
  const urls = useMemo(() => files.map((f) => URL.createObjectURL(f)), [files]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  const add = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const picked = Array.from(input.files ?? []);
    input.value = '';
    if (picked.length) onFiles([...files, ...picked].slice(0, max));
  };
  const full = files.length >= max;
  return (
    <fieldset class={'field photos' + (error ? ' has-error' : '')} id={id}
      aria-describedby={[hint ? id + '-hint' : '', error ? id + '-error' : ''].filter(Boolean).join(' ') || undefined}>
      <legend>{label}</legend>
      {hint && <p class="hint" id={id + '-hint'}>{hint}</p>}
      {files.length > 0 && (
        <ul class="thumbs" data-testid={id + '-list'}>
          {files.map((_f, i) => (
            <li key={urls[i]}>
              <img src={urls[i]} alt={t('photos.thumbAlt', { n: i + 1 })} />
              <button type="button" class="btn btn-small" onClick={() => onFiles(files.filter((_, j) => j !== i))}
                aria-label={t('photos.removeN', { n: i + 1 })}>
                {t('photos.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="hint">{t('photos.count', { n: files.length, max })}</p>
      {!full && (
        <div class="actions">
          <label class="btn btn-small file-btn">
            <input type="file" accept={photoTypes} capture="environment" onChange={add} data-testid={id + '-camera'} />
            {t('photos.take')}
          </label>
          <label class="btn btn-small file-btn">
            <input type="file" accept={photoTypes} multiple onChange={add} data-testid={id + '-input'} />
            {t('photos.choose')}
          </label>
        </div>
      )}
      {error && <p class="field-error" id={id + '-error'} data-field-error={id} role="alert">{messageText(error)}</p>}
    </fieldset>
  );
}
