// @ts-check
// The console's router: sign-in, the app list, and an app's views (#/app/<id>/<view>?range=…).

import { ApiFailure, forgetToken, getToken, listApps, setToken, TOKEN_REFUSED } from './api.js';
import { releaseCharts } from './charts.js';
import { h, notice } from './dom.js';
import { renderApps } from './views/apps.js';
import { renderBreakdowns } from './views/breakdowns.js';
import { renderOverview } from './views/overview.js';
import { renderRetention } from './views/retention.js';
import { renderToday } from './views/today.js';

/** @typedef {{SDKAppID: string, AppName: string, Company: string, TimeZone: string, Enabled: string}} ConsoleApp */
/** @typedef {{ app: ConsoleApp, params: URLSearchParams, go: (params: Record<string, string>) => void, onLeave: (stop: () => void) => void, fields: any }} ViewContext */

const VIEWS = /** @type {const} */ ([
  ['overview', 'Overview', renderOverview],
  ['today', 'Today', renderToday],
  ['breakdowns', 'Breakdowns', renderBreakdowns],
  ['retention', 'Retention', renderRetention],
]);

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const session = /** @type {HTMLElement} */ (document.getElementById('session'));
const sessionScope = /** @type {HTMLElement} */ (document.getElementById('session-scope'));
const announce = /** @type {HTMLElement} */ (document.getElementById('announce'));

/** @type {ConsoleApp[] | undefined} */
let apps;
/** @type {Promise<any> | undefined} */
let fieldsDoc;
/** @type {(() => void)[]} */
let leaving = [];
let generation = 0;

function fields() {
  fieldsDoc ??= fetch('fields.json').then((r) => r.json());
  return fieldsDoc;
}

/** @param {string} hash */
function parseHash(hash) {
  const [path, query] = hash.replace(/^#/, '').split('?', 2);
  const parts = (path ?? '').split('/').filter(Boolean);
  const params = new URLSearchParams(query ?? '');
  if (parts[0] === 'app' && parts[1]) return { name: 'app', sdkappid: parts[1], view: parts[2] ?? 'overview', params };
  return { name: 'apps', sdkappid: undefined, view: '', params };
}

/** @param {string | undefined} message */
function signOut(message) {
  forgetToken();
  apps = undefined;
  if (location.hash !== '' && location.hash !== '#/') history.replaceState(null, '', '#/');
  void render(message);
}

document.getElementById('sign-out')?.addEventListener('click', () => signOut('Signed out. The token is forgotten by this browser.'));
window.addEventListener('hashchange', () => void render());

/** @param {string | undefined} message */
function showSignIn(message) {
  session.hidden = true;
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-hint' });
  const form = h(
    'form',
    { onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault();
      const value = /** @type {HTMLInputElement} */ (input).value.trim();
      if (!value) return;
      setToken(value);
      apps = undefined;
      void render();
    } },
    h('label', { for: 'token' }, 'Token'),
    input,
    h('p', { id: 'token-hint', class: 'hint' }, 'A read-only console token from ', h('code', {}, 'imstats token create'), '. It is kept for this browser session only.'),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  main.replaceChildren(h('section', { class: 'signin', 'aria-labelledby': 'signin-title' }, h('h1', { id: 'signin-title' }, 'Sign in'), message ? notice(message.startsWith('Signed out') ? 'info' : 'error', message) : null, form));
  input.focus();
}

/** @param {string} [message] */
async function render(message) {
  const mine = ++generation;
  for (const stop of leaving) stop();
  leaving = [];
  if (!getToken()) {
    showSignIn(message);
    main.dataset.rendered = String(mine);
    return;
  }
  const route = parseHash(location.hash);
  main.setAttribute('aria-busy', 'true');
  try {
    apps ??= await listApps();
    const [doc] = await Promise.all([fields()]);
    if (mine !== generation) return;
    session.hidden = false;
    sessionScope.textContent = apps.length === 1 ? `Token for app ${apps[0].SDKAppID}` : `Token for ${apps.length} apps`;
    if (route.name === 'apps') {
      if (apps.length === 1) {
        location.replace(`#/app/${apps[0].SDKAppID}/overview`);
        return;
      }
      const view = h('div');
      main.replaceChildren(view);
      await renderApps(view, apps);
    } else {
      const app = apps.find((a) => a.SDKAppID === route.sdkappid);
      if (!app) {
        main.replaceChildren(h('h1', { tabindex: -1 }, 'App not available'), notice('error', `This token cannot read app ${route.sdkappid}.`), h('p', {}, h('a', { href: '#/' }, 'Back to the apps')));
        return;
      }
      await renderApp(app, route.view, route.params, doc, mine);
    }
    releaseCharts();
    if (mine === generation) /** @type {HTMLElement | null} */ (main.querySelector('h1'))?.focus();
  } catch (err) {
    if (mine !== generation) return;
    if (err instanceof ApiFailure && TOKEN_REFUSED.has(err.code)) return signOut(`The token was refused: ${err.info}`);
    main.replaceChildren(h('h1', { tabindex: -1 }, 'Something went wrong'), notice('error', err instanceof Error ? err.message : String(err)));
  } finally {
    main.removeAttribute('aria-busy');
    // Lets tests (and anyone scripting the page) tell one finished render from the next.
    if (mine === generation) main.dataset.rendered = String(mine);
  }
}

/**
 * @param {ConsoleApp} app @param {string} viewName @param {URLSearchParams} params @param {any} doc @param {number} mine
 */
async function renderApp(app, viewName, params, doc, mine) {
  const view = VIEWS.find((v) => v[0] === viewName) ?? VIEWS[0];
  const keep = new URLSearchParams();
  if (params.get('range')) keep.set('range', /** @type {string} */ (params.get('range')));
  const suffix = keep.size ? `?${keep}` : '';
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Views' }, h('ul', {}, VIEWS.map(([name, label]) =>
    h('li', {}, h('a', { href: `#/app/${app.SDKAppID}/${name}${suffix}`, 'aria-current': name === view[0] ? 'page' : undefined }, label)))));
  const body = h('div', { id: 'view' });
  main.replaceChildren(
    h('div', { class: 'app-head' },
      h('h1', { tabindex: -1 }, `${app.AppName} · ${view[1]}`),
      h('span', { class: 'meta' }, `SDKAppID ${app.SDKAppID}`),
      h('span', { class: 'meta' }, app.Company),
      h('span', { class: 'meta', id: 'timezone' }, `Time zone: ${app.TimeZone}`),
      (apps?.length ?? 0) > 1 ? h('a', { href: '#/' }, 'All apps') : null),
    tabs,
    body,
  );
  /** @type {ViewContext} */
  const ctx = {
    app,
    params,
    fields: doc,
    go: (next) => {
      const q = new URLSearchParams(params);
      for (const [k, v] of Object.entries(next)) q.set(k, v);
      location.hash = `#/app/${app.SDKAppID}/${view[0]}?${q}`;
    },
    onLeave: (stop) => {
      if (mine === generation) leaving.push(stop);
      else stop();
    },
  };
  try {
    await view[2](body, ctx);
    announce.textContent = `${view[1]} of ${app.AppName} loaded`;
  } catch (err) {
    // The token being refused signs out (render's handler); anything else stays inside the view.
    if (!(err instanceof ApiFailure) || TOKEN_REFUSED.has(err.code)) throw err;
    body.replaceChildren(notice('error', explain(err)));
    announce.textContent = `${view[1]} of ${app.AppName} failed: ${err.info}`;
  }
}

/** @param {ApiFailure} err */
function explain(err) {
  if (err.code === 60009) return `This server does not offer that API yet: ${err.info} (ErrorCode ${err.code}).`;
  return err.message;
}

void render();
