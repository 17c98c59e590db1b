import { api, ApiError, postForm } from './api';
import { intakeError } from './intake';
import { createStore } from './store';

/**
 * outbox keeps, on this device and only when she chooses it, submissions
 * that could not be sent (the phone was offline), and sends them when the
 * connection returns: on the "online" event, when the app starts, when the
 * page becomes visible again, every retryMs while something waits, and when
 * she taps "send now". Also here: a complaint draft, kept only when she
 * ticks "keep a draft on this phone".
 *
 * Storage is one IndexedDB database (dbName) with two stores: outbox (one
 * Item per submission, keyed by its Idempotency-Key) and drafts (keyed by
 * kind). The database exists only while it holds something: it is deleted
 * when both stores are empty, and quick exit deletes it (clearDevice).
 *
 * Exactly once: each submission has one Idempotency-Key, made when the form
 * was sent and stored with it; every attempt sends that key, and the server
 * answers a repeat with the first answer instead of storing it again. An
 * item's body (text, photos) is removed only after a 2xx answer, when the
 * item becomes its receipt; a network failure or a 5xx/429 leaves it
 * waiting. Tabs take the Web Lock lockName before sending and re-read the
 * queue inside it, so two tabs never send the same item at the same time.
 */

/** Kind is what was submitted. */
export type Kind = 'complaint' | 'report' | 'tip';

/** Part is one field of a multipart submission: text, or a photo (Blob). */
export type Part = { name: string; value: string } | { name: string; blob: Blob; filename: string };

/** Receipt is what she needs to keep once the submission is stored. */
export interface Receipt {
  code: string;
  secret?: string;
}

/** Item is one queued submission. */
export interface Item {
  key: string; // the Idempotency-Key
  kind: Kind;
  path: '/complaints' | '/reports' | '/tips';
  json?: unknown; // a complaint's JSON body
  parts?: Part[]; // a report's or tip's multipart form
  queuedAt: number;
  state: 'waiting' | 'sent' | 'refused';
  receipt?: Receipt; // once sent
  error?: string; // once refused, the server's message
}

const dbName = 'vikalp';
const lockName = 'vikalp-outbox';
const retryMs = 30_000;

/** items is the outbox as last read, for the app's "waiting to send" panel. */
export const items = createStore<Item[]>([]);

let conn: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  conn ??= new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(dbName, 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore('outbox', { keyPath: 'key' });
      r.result.createObjectStore('drafts', { keyPath: 'kind' });
    };
    r.onsuccess = () => {
      const db = r.result;
      // Another tab deleting the database (quick exit, tidy) must not wait for us.
      db.onversionchange = () => {
        db.close();
        conn = null;
      };
      resolve(db);
    };
    r.onerror = () => reject(r.error);
  });
  conn.catch(() => (conn = null));
  return conn;
}

/** exists reports whether the database is there, without creating it. */
async function exists(): Promise<boolean> {
  if (!('indexedDB' in window)) return false;
  if (typeof indexedDB.databases !== 'function') return true; // cannot tell: open it
  return (await indexedDB.databases()).some((d) => d.name === dbName);
}

/** run runs fn on store in one transaction and resolves with its last request's result. */
async function run<T>(store: 'outbox' | 'drafts', mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const channel = 'BroadcastChannel' in window ? new BroadcastChannel('vikalp-outbox') : null;

/** changed re-reads the outbox here and tells the other tabs to. */
async function changed(): Promise<void> {
  await reload();
  channel?.postMessage('changed');
}

/** reload reads the outbox into items. */
async function reload(): Promise<void> {
  if (!(await exists())) {
    items.set([]);
    return;
  }
  const all = await run<Item[]>('outbox', 'readonly', (s) => s.getAll());
  items.set(all.sort((a, b) => a.queuedAt - b.queuedAt));
}

/** queue keeps a submission on this device; she chose to. It is sent when the phone is online. */
export async function queue(it: Omit<Item, 'queuedAt' | 'state'>): Promise<void> {
  await run('outbox', 'readwrite', (s) => s.put({ ...it, queuedAt: Date.now(), state: 'waiting' }));
  await changed();
  void flush().catch(() => undefined);
}

/** dismiss removes an item: a receipt she has noted, or a submission she no longer wants sent. */
export async function dismiss(key: string): Promise<void> {
  await run('outbox', 'readwrite', (s) => s.delete(key));
  await tidy();
  await changed();
}

/** partsOf turns a form into storable parts (photos stay Blobs). */
export function partsOf(form: FormData): Part[] {
  const parts: Part[] = [];
  form.forEach((v, name) => {
    if (typeof v === 'string') parts.push({ name, value: v });
    else parts.push({ name, blob: v, filename: v.name || 'photo.jpg' });
  });
  return parts;
}

function formOf(parts: Part[]): FormData {
  const form = new FormData();
  for (const p of parts) {
    if ('blob' in p) form.append(p.name, p.blob, p.filename);
    else form.append(p.name, p.value);
  }
  return form;
}

let retry = 0;

/**
 * flush sends every waiting item, one tab at a time. It stops at the first
 * network failure (still offline) and tries again after retryMs.
 */
export async function flush(): Promise<void> {
  if (!navigator.onLine || !(await exists())) return;
  const locks = navigator.locks;
  const again = locks ? await locks.request(lockName, sendWaiting) : await sendWaiting();
  await changed();
  window.clearTimeout(retry);
  if (again) retry = window.setTimeout(() => void flush(), retryMs);
}

/** sendWaiting sends the waiting items in order; true when some are still waiting. */
async function sendWaiting(): Promise<boolean> {
  // Read inside the lock: another tab may have sent some meanwhile.
  const waiting = (await run<Item[]>('outbox', 'readonly', (s) => s.getAll())).filter((i) => i.state === 'waiting');
  for (const it of waiting.sort((a, b) => a.queuedAt - b.queuedAt)) {
    const headers = { 'Idempotency-Key': it.key };
    let receipt: Receipt;
    try {
      const r = it.parts
        ? await postForm<Receipt>(it.path, formOf(it.parts), { headers })
        : await api<Receipt>('POST', it.path, it.json, { headers });
      receipt = r.secret ? { code: r.code, secret: r.secret } : { code: r.code };
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 0 || err.status === 429 || err.status >= 500) return true;
      // Refused (invalid, or the key reused with other content): keep her
      // message and drop the body; she can send it again from the form.
      await run('outbox', 'readwrite', (s) => s.put({ key: it.key, kind: it.kind, path: it.path, queuedAt: it.queuedAt,
        state: 'refused', error: it.parts ? intakeError(err).message : err.message } satisfies Item));
      continue;
    }
    // Stored: the body (text, photos) leaves the device, the receipt stays until she has seen it.
    await run('outbox', 'readwrite', (s) => s.put({ key: it.key, kind: it.kind, path: it.path, queuedAt: it.queuedAt,
      state: 'sent', receipt } satisfies Item));
  }
  return false;
}

/** saveDraft keeps a draft on this device (she ticked "keep a draft"). */
export async function saveDraft(kind: Kind, data: unknown): Promise<void> {
  await run('drafts', 'readwrite', (s) => s.put({ kind, data }));
}

/** loadDraft returns the draft kept on this device, if any. */
export async function loadDraft<T>(kind: Kind): Promise<T | undefined> {
  if (!(await exists())) return undefined;
  const r = await run<{ kind: Kind; data: T } | undefined>('drafts', 'readonly', (s) => s.get(kind));
  return r?.data;
}

/** dropDraft deletes the draft of kind from this device. */
export async function dropDraft(kind: Kind): Promise<void> {
  if (!(await exists())) return;
  await run('drafts', 'readwrite', (s) => s.delete(kind));
  await tidy();
}

/** tidy deletes the database once nothing is kept in it, so no trace of it stays. */
async function tidy(): Promise<void> {
  const [queued, drafts] = await Promise.all([
    run<number>('outbox', 'readonly', (s) => s.count()),
    run<number>('drafts', 'readonly', (s) => s.count()),
  ]);
  if (queued === 0 && drafts === 0) await clearDevice();
}

/**
 * clearDevice deletes every queued submission, receipt and draft (the whole
 * database). Quick exit calls it; it resolves once the browser has deleted
 * it, or failed to.
 */
export function clearDevice(): Promise<void> {
  const pending = conn;
  conn = null;
  return new Promise<void>((resolve) => {
    const del = () => {
      try {
        const r = indexedDB.deleteDatabase(dbName);
        r.onsuccess = r.onerror = () => resolve();
      } catch {
        resolve();
      }
    };
    if (!pending) return del();
    pending.then((db) => db.close(), () => undefined).then(del);
  });
}

/** startOutbox loads the outbox and sends what waits now and whenever the phone comes online. */
export function startOutbox(): void {
  const go = () => void flush().catch(() => undefined);
  window.addEventListener('online', go);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') go();
  });
  channel?.addEventListener('message', () => void reload().catch(() => undefined));
  void reload().then(go, () => undefined);
}
