import { clearDevice } from './outbox';

/** defaultExitURL is where quick exit goes unless <html data-exit-url> says otherwise. */
const defaultExitURL = 'https://www.google.com/search?q=weather+today';

/** clearWait caps how long quick exit waits for the browser to delete stored submissions. */
const clearWait = 500;

/** exitURL is the neutral page quick exit goes to. */
export function exitURL(): string {
  return document.documentElement.dataset.exitUrl || defaultExitURL;
}

/**
 * quickExit leaves the site at once: the page is blanked first (so nothing
 * stays on screen while the next one loads), stored state is dropped (the
 * session, and every draft, queued submission and receipt kept on the
 * device; only the language choice stays in localStorage), and location.replace swaps
 * this site's single history entry for a neutral page, so Back does not
 * return here.
 */
export function quickExit(): void {
  try {
    sessionStorage.clear();
  } catch {
    // storage may be disabled
  }
  document.title = '';
  document.body.replaceChildren();
  history.replaceState(null, '', '/');
  const capped = new Promise<void>((resolve) => window.setTimeout(resolve, clearWait));
  void Promise.race([clearDevice(), capped]).then(() => location.replace(exitURL()));
}
