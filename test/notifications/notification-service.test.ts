import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { memoryLogger } from '../helpers/hub-fixture';
import { notificationConfig, type NotificationConfigInput } from '../../server/notifications/notification-config';
import { createNotificationService, type NotificationService } from '../../server/notifications/notification-service';
import {
  dossierPush,
  FakeRegister,
  HOUR,
  sleep,
  startSmsGateway,
  startSmtpServer,
  T0,
  tempDir,
  waitFor,
} from './notification-fixtures';

const CODE = '000.00.15.H40-250312-0027';
const centre = {
  name: { vi: 'Trung tâm Phục vụ hành chính công phường Ba Đình', en: 'Ba Dinh Public Service Centre' },
  timeZone: 'Asia/Ho_Chi_Minh',
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function world(overrides: Partial<NotificationConfigInput> = {}) {
  const smtp = await startSmtpServer({ user: 'thongbao', password: 'mat-khau-smtp' });
  const gateway = await startSmsGateway();
  cleanups.push(smtp.close, gateway.close);
  const config = notificationConfig.parse({
    email: {
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'thongbao', password: 'mat-khau-smtp' },
      from: 'Trung tâm PVHCC <thongbao@ttpvhcc.example.vn>',
    },
    sms: {
      url: `${gateway.url}/api/send`,
      headers: { 'X-Api-Key': 'gateway-key-123' },
      bodyTemplate: '{"to":"{phone}","text":"{text}","requestId":"{id}"}',
    },
    retry: { initialMs: 10, maxMs: 40, maxAttempts: 100 },
    ...overrides,
  });
  const clock = { now: T0 };
  const dataDir = tempDir();
  const services: NotificationService[] = [];
  const logs: ReturnType<typeof memoryLogger>[] = [];
  /** A service on the data folder, like one hub run. */
  const start = async (register: FakeRegister, lateCheckEveryMs = 60_000) => {
    const log = memoryLogger();
    const service = createNotificationService({ config, centre, dataDir, clock: () => clock.now, log, dossiers: register, lateCheckEveryMs });
    await service.start();
    services.push(service);
    logs.push(log);
    cleanups.push(() => service.stop());
    return service;
  };
  return { smtp, gateway, config, clock, dataDir, start, logs };
}

const smsBodies = (gateway: { accepted(): { body: string }[] }) =>
  gateway.accepted().map((r) => JSON.parse(r.body) as { to: string; text: string; requestId: string });

describe('notification service', () => {
  it('sends the received notice by e-mail through a real SMTP server and by SMS through the gateway', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const service = await w.start(register);
    register.push(dossierPush());
    await waitFor(() => w.smtp.received.length === 1 && w.gateway.accepted().length === 1, 'both messages');
    await waitFor(() => service.counts().sent === 2, 'both recorded');

    const byChannel = Object.fromEntries(service.messages().map((m) => [m.channel, m]));
    const mail = w.smtp.received[0]!;
    expect(mail.user).toBe('thongbao');
    expect(mail.to).toEqual(['an.nguyen@example.vn']);
    expect(mail.from).toBe('thongbao@ttpvhcc.example.vn');
    expect(mail.mail.subject).toBe(
      `Hồ sơ ${CODE}: đã được tiếp nhận - Trung tâm Phục vụ hành chính công phường Ba Đình`,
    );
    expect(mail.mail.text).toBe(
      'Kính gửi ông/bà,\n\n' +
        `Hồ sơ mã số ${CODE} đã được tiếp nhận. Ngày hẹn trả kết quả: 10:00 ngày 15/03/2025.\n\n` +
        'Thủ tục: Đăng ký khai sinh\n\n' +
        'Trung tâm Phục vụ hành chính công phường Ba Đình\n' +
        'Thư này được gửi tự động, xin vui lòng không trả lời.\n',
    );
    expect(mail.mail.messageId).toBe(`<${byChannel.email!.id}@ttpvhcc.example.vn>`);

    const request = w.gateway.accepted()[0]!;
    expect(request.url).toBe('/api/send');
    expect(request.headers['x-api-key']).toBe('gateway-key-123');
    expect(JSON.parse(request.body)).toEqual({
      to: '0912345678',
      text: `Ho so ma so ${CODE} da duoc tiep nhan. Ngay hen tra ket qua: 10:00 ngay 15/03/2025.`,
      requestId: byChannel.sms!.id,
    });

    // Nothing personal and no key in the log.
    const logged = JSON.stringify(w.logs.flatMap((l) => l.lines));
    for (const secret of ['0912345678', 'an.nguyen', 'gateway-key-123', 'mat-khau-smtp', 'Nguyễn', CODE]) expect(logged).not.toContain(secret);
  });

  it('writes to English-speaking applicants in English, with diacritics in SMS when so configured', async () => {
    const w = await world({ smsWithoutDiacritics: false });
    const register = new FakeRegister(w.clock);
    await w.start(register);
    register.push(dossierPush({ status: 9, delivery: 'post', applicant: { lang: 'en' } }));
    register.push(dossierPush({ code: '000.00.15.H40-250312-0028', status: 9, applicant: { phone: '0987654321', email: null } }));
    await waitFor(() => w.smtp.received.length === 1 && w.gateway.accepted().length === 2, 'the messages');
    expect(w.smtp.received[0]!.mail.subject).toBe(`Application ${CODE}: result ready - Ba Dinh Public Service Centre`);
    expect(smsBodies(w.gateway).map((b) => b.text).sort()).toEqual([
      'Hồ sơ mã số 000.00.15.H40-250312-0028 đã có kết quả. Mời ông/bà đến nhận tại Quầy 3, Trung tâm Phục vụ hành chính công phường Ba Đình.',
      `The result of your application ${CODE} is ready and is being sent to you by public postal service.`,
    ]);
  });

  it('retries while the SMS gateway answers 500, then sends exactly once when it recovers', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const service = await w.start(register);
    w.gateway.failing = true;
    register.push(dossierPush({ status: 9, applicant: { email: null } }));
    await waitFor(() => w.gateway.requests.length >= 3, 'several failed attempts');
    w.gateway.failing = false;
    await waitFor(() => service.counts().sent === 1, 'the send');
    await sleep(100); // would show a stray extra send
    const ids = new Set(w.gateway.requests.map((r) => (JSON.parse(r.body) as { requestId: string }).requestId));
    expect(ids.size).toBe(1); // every attempt carried the same id
    expect(w.gateway.accepted()).toHaveLength(1);
    expect(service.counts()).toEqual({ pending: 0, sent: 1, failed: 0 });
    expect(service.messages()[0]!.attempts).toBe(w.gateway.requests.length);
  });

  it('retries a temporary SMTP failure (451) and delivers the mail once', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const service = await w.start(register);
    w.smtp.failNext = 2;
    register.push(dossierPush({ status: 5, applicant: { phone: null } }));
    await waitFor(() => service.counts().sent === 1, 'the mail');
    expect(w.smtp.received).toHaveLength(1);
    expect(service.messages()[0]!.attempts).toBe(3);
    expect(w.smtp.received[0]!.mail.subject).toContain('cần bổ sung giấy tờ');
  });

  it('messages pending when the hub stops are sent after the restart, once', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const first = await w.start(register);
    w.gateway.failing = true;
    w.smtp.failNext = 1_000_000;
    register.push(dossierPush({ status: 6 }));
    await waitFor(() => w.gateway.requests.length >= 1 && first.messages().every((m) => m.attempts >= 1), 'first attempts');
    await first.stop();
    expect(first.counts()).toEqual({ pending: 0, sent: 0, failed: 0 }); // stopped: holds nothing
    expect(existsSync(join(w.dataDir, 'notifications', 'outbox.jsonl'))).toBe(true);

    w.gateway.failing = false;
    w.smtp.failNext = 0;
    const second = await w.start(new FakeRegister(w.clock)); // the register itself is not needed for that
    await waitFor(() => second.counts().sent === 2, 'the sends after the restart');
    await second.stop();

    const third = await w.start(new FakeRegister(w.clock));
    await sleep(100);
    expect(third.counts()).toEqual({ pending: 0, sent: 2, failed: 0 });
    expect(w.gateway.accepted()).toHaveLength(1);
    expect(w.smtp.received).toHaveLength(1);
    expect(smsBodies(w.gateway)[0]!.text).toBe(
      `Ho so ma so ${CODE} can thuc hien nghia vu tai chinh. Moi ong/ba lien he Trung tam Phuc vu hanh chinh cong phuong Ba Dinh de duoc huong dan.`,
    );
  });

  it('a change the register stored but whose messages never reached the outbox (a crash between the two) is sent at the next start, once', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const first = await w.start(register);
    await first.stop();
    // The register takes the change while no outbox listens: as if the hub died before storing the message.
    w.clock.now = T0 + HOUR;
    register.push(dossierPush({ status: 2, receivedAt: '2025-03-12T09:00:00+07:00' }));
    const second = await w.start(register);
    await waitFor(() => second.counts().sent === 2, 'the caught-up SMS and e-mail');
    await second.stop();
    const third = await w.start(register);
    await sleep(100);
    expect(third.counts()).toEqual({ pending: 0, sent: 2, failed: 0 });
    expect(w.gateway.accepted()).toHaveLength(1);
    expect(w.smtp.received).toHaveLength(1);
    expect(w.logs[1]!.lines.some((l) => l.msg === 'notifications caught up at start')).toBe(true);
  });

  it('the start-up catch-up leaves alone what came before notifications began, and bulk loads', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    // Pushed before notifications were switched on: not news to send when they are.
    w.clock.now = T0 - HOUR;
    register.push(dossierPush({ code: '000.00.15.H40-250312-0001', receivedAt: '2025-03-12T06:00:00+07:00', status: 2 }));
    w.clock.now = T0;
    const first = await w.start(register);
    // A bulk load after they began, then the same dossier pushed again with other fields: still quiet.
    register.push(dossierPush({ code: '000.00.15.H40-250312-0002', receivedAt: '2025-03-12T08:00:00+07:00', status: 9 }), { quiet: true });
    register.push(dossierPush({ code: '000.00.15.H40-250312-0002', receivedAt: '2025-03-12T08:00:00+07:00', status: 9, collectAt: 'Quầy 5' }));
    await first.settled();
    await first.stop();
    const second = await w.start(register);
    await second.settled();
    await sleep(100);
    expect(second.counts()).toEqual({ pending: 0, sent: 0, failed: 0 });
    expect(w.gateway.requests).toHaveLength(0);
    expect(w.smtp.received).toHaveLength(0);
  });

  it('a repeated push, a repeated notice or an unrelated change does not notify twice', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const notices: Parameters<Parameters<FakeRegister['onChange']>[0]>[0][] = [];
    register.onChange((n) => notices.push(n));
    const service = await w.start(register);
    expect(register.push(dossierPush({ status: 9 }))).toBe(true);
    expect(register.push(dossierPush({ status: 9 }))).toBe(false); // the same push: no change at all
    register.replay(notices[0]!); // a listener called twice for one change
    w.clock.now += HOUR;
    expect(register.push(dossierPush({ status: 9, collectAt: 'Quầy 4' }))).toBe(true); // another field changed
    await service.settled();
    await waitFor(() => service.counts().sent === 2, 'the first two');
    await sleep(100);
    expect(w.gateway.accepted()).toHaveLength(1);
    expect(w.smtp.received).toHaveLength(1);

    // A new status is a new event.
    w.clock.now += HOUR;
    register.push(dossierPush({ status: 10 }));
    register.push(dossierPush({ status: 9 }));
    await service.settled();
    await waitFor(() => service.counts().sent === 4, 'the second ready notice');
    expect(w.gateway.accepted()).toHaveLength(2);
  });

  it('the late check notifies once per due date; a new due date brings the apology with that date', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const service = await w.start(register);
    register.push(dossierPush({ status: 4, dueAt: '2025-03-12T10:00:00+07:00', applicant: { email: null } }), { quiet: true });
    register.push(
      dossierPush({ code: '000.00.15.H40-250312-0031', status: 5, dueAt: '2025-03-12T10:00:00+07:00', applicant: { phone: '0900000031', email: null } }),
      { quiet: true },
    );
    await service.settled();
    expect(await service.checkLate()).toBe(0); // not due yet
    w.clock.now = Date.parse('2025-03-12T10:01:00+07:00');
    expect(await service.checkLate()).toBe(1); // the one waiting for documents (5) gets no apology
    expect(await service.checkLate()).toBe(0);
    await waitFor(() => w.gateway.accepted().length === 1, 'the late notice');
    expect(smsBodies(w.gateway)[0]).toMatchObject({
      to: '0912345678',
      text: `Chung toi xin loi ong/ba: ho so ma so ${CODE} chua the tra ket qua dung hen. Ngay hen tra ket qua moi se duoc thong bao sau.`,
    });

    // The one-stop software pushes the new date: the apology with it follows, once.
    w.clock.now += HOUR;
    register.push(dossierPush({ status: 4, dueAt: '2025-03-14T16:30:00+07:00', applicant: { email: null } }));
    register.push(dossierPush({ status: 4, dueAt: '2025-03-14T16:30:00+07:00', applicant: { email: null } }));
    await service.settled();
    expect(await service.checkLate()).toBe(0);
    await waitFor(() => w.gateway.accepted().length === 2, 'the new date');
    expect(smsBodies(w.gateway)[1]!.text).toBe(
      `Chung toi xin loi ong/ba: ho so ma so ${CODE} chua the tra ket qua dung hen. Ngay hen tra ket qua moi: 16:30 ngay 14/03/2025.`,
    );

    // Missing the new date too is a new late notice; finishing ends them.
    w.clock.now = Date.parse('2025-03-14T17:00:00+07:00');
    expect(await service.checkLate()).toBe(1);
    register.push(dossierPush({ status: 9, dueAt: '2025-03-14T16:30:00+07:00', applicant: { email: null } }));
    await service.settled();
    w.clock.now += HOUR;
    expect(await service.checkLate()).toBe(0);
    // The outbox records "sent" after the gateway's answer reaches it: wait for the record.
    await waitFor(() => service.counts().sent === 4, 'late and ready');
    expect(service.counts()).toEqual({ pending: 0, sent: 4, failed: 0 });
    expect(w.gateway.accepted()).toHaveLength(4);
  });

  it('runs the late check by itself every interval, and remembers across a restart what it sent', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    register.push(dossierPush({ status: 2, dueAt: '2025-03-12T09:00:00+07:00', applicant: { email: null } }), { quiet: true });
    w.clock.now = Date.parse('2025-03-12T09:30:00+07:00');
    const first = await w.start(register, 20);
    await waitFor(() => first.counts().sent === 1, 'the late notice');
    await sleep(100); // several more checks
    await first.stop();
    const second = await w.start(register, 20);
    await sleep(100);
    expect(await second.checkLate()).toBe(0);
    expect(w.gateway.accepted()).toHaveLength(1);
  });

  it('does not notify quiet changes (bulk imports) or stale events', async () => {
    const w = await world();
    const register = new FakeRegister(w.clock);
    const service = await w.start(register);
    register.push(dossierPush({ status: 9 }), { quiet: true });
    // Received a month ago: a first load of an old register, not news.
    register.push(dossierPush({ code: '000.00.15.H40-250210-0001', receivedAt: '2025-02-10T08:00:00+07:00', dueAt: '2025-02-20T08:00:00+07:00', status: 2 }));
    // Missed its due date weeks ago.
    register.push(dossierPush({ code: '000.00.15.H40-250210-0002', receivedAt: '2025-02-10T08:00:00+07:00', dueAt: '2025-02-20T08:00:00+07:00', status: 4 }));
    await service.settled();
    expect(await service.checkLate()).toBe(0);
    await sleep(100);
    expect(service.counts()).toEqual({ pending: 0, sent: 0, failed: 0 });
    expect(w.gateway.requests).toHaveLength(0);
    expect(w.smtp.received).toHaveLength(0);
  });

  it('only the configured kinds and channels', async () => {
    const w = await world({ kinds: ['result-ready'], email: null });
    const register = new FakeRegister(w.clock);
    const service = await w.start(register);
    register.push(dossierPush({ status: 2 }));
    w.clock.now += HOUR;
    register.push(dossierPush({ status: 9 }));
    await service.settled();
    await waitFor(() => service.counts().sent === 1, 'the ready SMS');
    expect(service.messages().map((m) => `${m.channel}:${m.kind}`)).toEqual(['sms:result-ready']);
    expect(w.smtp.received).toHaveLength(0);
  });

  it('is off without configuration: starts nothing and writes nothing', async () => {
    const dataDir = tempDir();
    const register = new FakeRegister({ now: T0 });
    const service = createNotificationService({
      config: notificationConfig.parse(undefined),
      centre,
      dataDir,
      clock: () => T0,
      log: memoryLogger(),
      dossiers: register,
    });
    expect(service.enabled).toBe(false);
    await service.start();
    register.push(dossierPush());
    expect(await service.checkLate()).toBe(0);
    await service.stop();
    expect(existsSync(join(dataDir, 'notifications'))).toBe(false);
  });
});
