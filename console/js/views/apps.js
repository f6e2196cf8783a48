// @ts-check
// The apps an operator token may read, each with yesterday's headline numbers (getappinfo).
import { ApiFailure, getAppInfo, TOKEN_REFUSED } from '../api.js';
import { exportButton, formatCount, h } from '../dom.js';

const HEADLINE = ['ActiveUserNum', 'LoginUserNum', 'UpMsgNum', 'MaxOnlineNum', 'RegistUserNumOneDay', 'RegistUserNumTotal'];

/** @param {HTMLElement} root @param {import('../main.js').ConsoleApp[]} apps */
export async function renderApps(root, apps) {
  const latest = await Promise.all(apps.map(async (app) => {
    try {
      return (await getAppInfo(app.SDKAppID, { RequestField: HEADLINE }))[0];
    } catch (err) {
      if (err instanceof ApiFailure && !TOKEN_REFUSED.has(err.code)) return { error: err.info };
      throw err;
    }
  }));
  const rows = apps.map((app, i) => ({ SDKAppID: app.SDKAppID, AppName: app.AppName, Company: app.Company, TimeZone: app.TimeZone, ...(latest[i]?.error ? {} : latest[i]) }));
  root.replaceChildren(
    h('div', { class: 'section-head' }, h('h1', { tabindex: -1 }, 'Apps'),
      exportButton('imstats-apps.csv', () => ({ columns: ['SDKAppID', 'AppName', 'Company', 'TimeZone', 'Date', ...HEADLINE], rows }))),
    h('ul', { class: 'apps-list', id: 'apps' }, apps.map((app, i) => {
      const day = latest[i];
      return h('li', { class: 'app-card', 'data-sdkappid': app.SDKAppID },
        h('h2', {}, h('a', { href: `#/app/${app.SDKAppID}/overview` }, app.AppName)),
        h('p', { class: 'hint' }, `SDKAppID ${app.SDKAppID} · ${app.Company || 'no company'} · ${app.TimeZone}`),
        day?.error ? h('p', { class: 'notice info' }, day.error)
          : !day ? h('p', { class: 'hint' }, 'No complete day yet.')
          : h('dl', {}, h('dt', {}, 'Day'), h('dd', { 'data-field': 'Date' }, day.Date),
            HEADLINE.map((f) => [h('dt', {}, f), h('dd', { 'data-field': f, 'data-value': day[f] }, formatCount(day[f]))])));
    })),
  );
}
