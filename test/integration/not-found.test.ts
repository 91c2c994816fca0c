import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../server/i18n/en';
import { vi } from '../../server/i18n/vi';
import { startTestHub, type TestHub } from '../helpers/hub-fixture';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => hub?.stop());

const get = (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
  fetch(`${hub.hub.url}${path}`, { headers, redirect: 'manual', ...init });

describe('unknown addresses (issue 11)', () => {
  it('an unknown API path: 404 NOT_FOUND, the message in Vietnamese, or English when asked', async () => {
    for (const [path, init] of [['/api/nope', {}], ['/api/nope/deeper?x=1', {}], ['/api', {}], ['/api/tickets/x', { method: 'POST' }]] as const) {
      const response = await get(path, {}, init);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(await response.json(), path).toEqual({ error: 'NOT_FOUND', message: vi['error.NOT_FOUND'] });
    }
    const english = await get('/api/nope', { 'Accept-Language': 'en-GB,en;q=0.9,vi;q=0.5' });
    expect(english.status).toBe(404);
    expect(await english.json()).toEqual({ error: 'NOT_FOUND', message: en['error.NOT_FOUND'] });
    const vietnameseFirst = await get('/api/nope', { 'Accept-Language': 'vi-VN,en;q=0.8' });
    expect(await vietnameseFirst.json()).toMatchObject({ message: vi['error.NOT_FOUND'] });
  });

  it('a voice clip that does not exist, or cannot: 404 NOT_FOUND', async () => {
    for (const name of ['nope.wav', 'CHIME.wav', 'chime.mp3', '..%2F..%2Fpackage.json']) {
      const response = await get(`/audio/clips/${name}`, { 'Accept-Language': 'en' });
      expect(response.status, name).toBe(404);
      expect(await response.json(), name).toEqual({ error: 'NOT_FOUND', message: en['error.NOT_FOUND'] });
    }
    expect((await get('/audio/clips/chime.wav')).status).toBe(200);
  });

  it("an unknown page: the hub's own 404 page, Vietnamese first, English when preferred", async () => {
    const page = async (path: string, headers: Record<string, string> = {}) => {
      const response = await get(path, headers);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      return response.text();
    };
    const vietnamese = await page('/nope');
    expect(vietnamese).toContain('<html lang="vi">');
    expect(vietnamese).toContain(`<title>${vi['notFound.title']}</title>`);
    expect(vietnamese).toContain(vi['notFound.body']);
    expect(vietnamese).toContain(`<a class="home" href="/">${vi['notFound.home']}</a>`);
    for (const href of ['/kiosk/', '/display/', '/counter/']) expect(vietnamese).toContain(`href="${href}"`);
    expect(vietnamese).not.toMatch(/<script|\son\w+=/i);

    const english = await page('/nope', { 'Accept-Language': 'en-US,en;q=0.9' });
    expect(english).toContain('<html lang="en">');
    expect(english).toContain(`<title>${en['notFound.title']}</title>`);
    // "centre's" is escaped in the page.
    expect(english).toContain(en['notFound.body'].replace("'", '&#39;'));
    expect(english).toContain(en['notFound.home']);
    expect(await page('/nope', { 'Accept-Language': 'vi,en;q=0.8' })).toContain('<html lang="vi">');

    // The address asked for is never echoed.
    const probe = await page('/%3Cscript%3Ealert(1)%3C%2Fscript%3E/marker-7f3a');
    expect(probe).not.toContain('marker-7f3a');
    expect(probe).not.toMatch(/<script|alert/i);
    expect(await page('/nope', {})).toBe(vietnamese);
  });

  it('a missing file under a screen gets the 404 page, not the screen', async () => {
    for (const path of ['/kiosk/nope.js', '/display/nope.html', '/counter/rate/nope', '/assets/nope.css']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toContain(`<title>${vi['notFound.title']}</title>`);
    }
  });

  it('the built screens and the start page still answer', async () => {
    for (const path of ['/', '/kiosk/', '/display/', '/counter/', '/display/follow.html', '/counter/rate/']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await response.text(), path).not.toContain(vi['notFound.title']);
    }
    // A screen without its slash is redirected to it, as before.
    const bare = await get('/kiosk');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/kiosk/');
    expect((await get('/api/health')).status).toBe(200);
  });
});
