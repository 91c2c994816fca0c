import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notificationConfig, notificationsEnabled, smsConfig } from '../../server/notifications/notification-config';
import {
  createHttpSmsTransport,
  DeliveryError,
  describeFailure,
  escaperFor,
  fillTemplate,
  formatPhone,
  messageIdHeader,
  senderDomain,
} from '../../server/notifications/transports';
import { startSmsGateway } from './notification-fixtures';

describe('notification configuration', () => {
  it('absent means off, with every default filled in', () => {
    const config = notificationConfig.parse(undefined);
    expect(config).toEqual({
      email: null,
      sms: null,
      smsWithoutDiacritics: true,
      kinds: ['received', 'more-documents', 'payment', 'result-ready', 'late'],
      retry: { initialMs: 30_000, maxMs: 3_600_000, maxAttempts: 10 },
      staleAfterHours: 168,
      lateGraceMinutes: 0,
      keepDays: 30,
    });
    expect(notificationsEnabled(config)).toBe(false);
  });

  it('takes the documented SMTP and SMS gateway examples', () => {
    const config = notificationConfig.parse({
      email: {
        smtp: { host: 'smtp.example.gov.vn', port: 587, secure: false, user: 'thongbao', password: 'secret' },
        from: 'Trung tâm PVHCC <thongbao@example.gov.vn>',
      },
      sms: {
        url: 'https://sms.example.vn/api/send',
        headers: { Authorization: 'Bearer KEY' },
        bodyTemplate: '{"to":"{phone}","message":"{text}","requestId":"{id}","brandname":"TTPVHCC"}',
      },
    });
    expect(notificationsEnabled(config)).toBe(true);
    expect(config.sms).toMatchObject({ method: 'POST', contentType: 'application/json', phoneFormat: 'as-given', timeoutMs: 10_000 });
  });

  it('names the fields that are wrong', () => {
    const result = notificationConfig.safeParse({
      email: { smtp: { host: 'x', user: 'only-user' }, from: 'not an address' },
      sms: { url: 'ftp://x', method: 'PUT' },
      retry: { initialMs: 5000, maxMs: 1000 },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['email.from', 'email.smtp.password', 'retry.maxMs', 'sms.method', 'sms.url']);
  });

  it('refuses a stale window longer than the outbox remembers', () => {
    expect(notificationConfig.safeParse({ staleAfterHours: 48, keepDays: 1 }).success).toBe(false);
  });
});

describe('SMS gateway requests', () => {
  it('escapes values for the body type', () => {
    const values = { phone: '0912345678', text: 'Hồ sơ "A&B" <1>\n', id: 'abc' };
    expect(fillTemplate('{"to":"{phone}","text":"{text}","id":"{id}"}', values, escaperFor('application/json'))).toBe(
      '{"to":"0912345678","text":"Hồ sơ \\"A&B\\" <1>\\n","id":"abc"}',
    );
    expect(fillTemplate('to={phone}&msg={text}&ref={id}', values, escaperFor('application/x-www-form-urlencoded'))).toBe(
      'to=0912345678&msg=H%E1%BB%93%20s%C6%A1%20%22A%26B%22%20%3C1%3E%0A&ref=abc',
    );
    expect(fillTemplate('<sms><to>{phone}</to><text>{text}</text></sms>', values, escaperFor('text/xml'))).toBe(
      '<sms><to>0912345678</to><text>Hồ sơ &quot;A&amp;B&quot; &lt;1&gt;\n</text></sms>',
    );
    expect(fillTemplate('{unknown} {phone}', values, (v) => v)).toBe('{unknown} 0912345678');
  });

  it('formats phone numbers as the gateway wants', () => {
    expect(formatPhone('0912 345 678', 'as-given')).toBe('0912345678');
    expect(formatPhone('0912345678', 'international')).toBe('84912345678');
    expect(formatPhone('+84912345678', 'international')).toBe('84912345678');
    expect(formatPhone('+84912345678', 'national')).toBe('0912345678');
    expect(formatPhone('84912345678', 'national')).toBe('0912345678');
    expect(formatPhone('0912345678', 'national')).toBe('0912345678');
  });

  it('Message-IDs use the sender domain', () => {
    expect(senderDomain('Trung tâm <thongbao@Example.gov.vn>')).toBe('example.gov.vn');
    expect(senderDomain('thongbao@example.gov.vn')).toBe('example.gov.vn');
    expect(messageIdHeader('id-1', 'a@b.vn')).toBe('<id-1@b.vn>');
  });

  it('describes failures without their message text', () => {
    const smtp = Object.assign(new Error('550 5.1.1 <an.nguyen@example.vn>: Recipient address rejected'), {
      code: 'EENVELOPE',
      responseCode: 550,
      command: 'RCPT TO',
    });
    expect(describeFailure(smtp)).toBe('EENVELOPE SMTP 550 at RCPT TO');
    expect(describeFailure(new Error('could not reach 0912345678'))).toBe('Error');
    expect(describeFailure(new DeliveryError('sms: HTTP 500'))).toBe('sms: HTTP 500');
    expect(describeFailure('0912345678')).toBe('unknown error');
  });

  let closeAfter: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await closeAfter?.();
    closeAfter = null;
  });

  it('POSTs the filled body with the configured headers; a 500 is a failure', async () => {
    const gateway = await startSmsGateway();
    closeAfter = gateway.close;
    const config = smsConfig.parse({
      url: `${gateway.url}/send`,
      headers: { 'X-Api-Key': 'k-123' },
      bodyTemplate: '{"to":"{phone}","text":"{text}","id":"{id}"}',
      phoneFormat: 'international',
    });
    const sms = createHttpSmsTransport(config);
    await sms.send({ id: 'm-1', to: '0912345678', text: 'Ho so "X" da co ket qua.' });
    expect(gateway.requests).toHaveLength(1);
    const request = gateway.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/send');
    expect(request.headers['x-api-key']).toBe('k-123');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ to: '84912345678', text: 'Ho so "X" da co ket qua.', id: 'm-1' });
    gateway.failing = true;
    await expect(sms.send({ id: 'm-2', to: '0912345678', text: 'x' })).rejects.toThrow('sms: HTTP 500');
  });

  it('GET gateways get the values in the URL, URL-encoded', async () => {
    const gateway = await startSmsGateway();
    closeAfter = gateway.close;
    const sms = createHttpSmsTransport(
      smsConfig.parse({ url: `${gateway.url}/api?phone={phone}&text={text}&ref={id}&key=K`, method: 'GET' }),
    );
    await sms.send({ id: 'm-1', to: '+84912345678', text: 'Ho so A&B da co ket qua.' });
    expect(gateway.requests[0]).toMatchObject({ method: 'GET', body: '' });
    const url = new URL(gateway.requests[0]!.url, 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({ phone: '+84912345678', text: 'Ho so A&B da co ket qua.', ref: 'm-1', key: 'K' });
  });

  it('a gateway that does not answer in time is a failure', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closeAfter = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    const port = (server.address() as AddressInfo).port;
    const sms = createHttpSmsTransport(smsConfig.parse({ url: `http://127.0.0.1:${port}/send`, timeoutMs: 200 }));
    await expect(sms.send({ id: 'm', to: '0912345678', text: 'x' })).rejects.toThrow('sms: timeout');
  });

  it('an unreachable gateway is a failure naming the network error only', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const sms = createHttpSmsTransport(smsConfig.parse({ url: `http://127.0.0.1:${port}/send` }));
    await expect(sms.send({ id: 'm', to: '0912345678', text: 'x' })).rejects.toThrow('sms: ECONNREFUSED');
  });
});
