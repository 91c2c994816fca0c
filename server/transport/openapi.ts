import { z } from 'zod';
import { ERROR_CODES } from '../protocol/error-codes';
import { dossierInputSchema, statusChangeSchema } from '../domain/dossier-register';
import { bookingAccessSchema, bookingCancelSchema, bookingConfirmSchema, bookingHoldSchema, bookingMoveSchema } from '../protocol/booking-protocol';

/**
 * The OpenAPI 3 description of the REST API, served at /api/openapi.json. docs/protocol.md
 * (section 8) describes the same routes for people; keep the two together.
 */

const restTakeBody = z.strictObject({
  serviceId: z.string().min(1).max(40),
  priorityGroup: z.string().min(1).max(40).nullable().optional(),
});
export { restTakeBody };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const time = { type: 'integer', description: 'milliseconds since 1970-01-01 UTC, by the hub clock' };
const day = { type: 'string', format: 'date', description: "a day of the centre's time zone, YYYY-MM-DD" };
const nullable = (schema: Record<string, unknown>) => ({ oneOf: [schema, { type: 'null' }] });

const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', enum: [...ERROR_CODES], description: 'For programs: docs/protocol.md, section 9' },
    message: { type: 'string', description: 'For people: in Vietnamese, or English with Accept-Language: en' },
    details: { type: 'object', description: 'Facts a booking refusal carries: nextSlots, until, opensAt, ... (docs/protocol.md 13.6)' },
    retryAfterSeconds: { type: 'integer', minimum: 1, description: 'With RATE_LIMITED: when to try again (also the Retry-After header)' },
    issues: {
      type: 'array',
      description: 'When a body failed its schema: which field, and why (never the value)',
      items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string' }, reason: { type: 'string' } } },
    },
  },
};

const localized = {
  type: 'object',
  required: ['vi', 'en'],
  properties: { vi: { type: 'string' }, en: { type: 'string' } },
};

const ticketStatus = { type: 'string', enum: ['waiting', 'called', 'serving', 'done', 'no-show', 'cancelled'] };

const ticketIssued = {
  type: 'object',
  required: ['ticketId', 'number', 'serviceId', 'priorityGroup', 'peopleAhead', 'estimatedWaitMinutes', 'takenAt', 'day'],
  properties: {
    ticketId: { type: 'string', description: 'Stable and opaque; for the follow page (ticket:status)' },
    number: { type: 'string', example: 'A025' },
    serviceId: { type: 'string', example: 'ho-tich' },
    priorityGroup: { type: ['string', 'null'] },
    peopleAhead: { type: 'integer', minimum: 0, description: 'Tickets waiting in its service queue when it was taken' },
    estimatedWaitMinutes: { type: ['integer', 'null'], description: 'null when no counter for the service is open' },
    takenAt: time,
    day: { ...day, description: "the centre's local service day" },
  },
};

const dayTicket = {
  type: 'object',
  description: 'A ticket of the day as stored.',
  required: [
    'ticketId', 'number', 'serviceId', 'priorityGroup', 'status', 'source', 'carriedFrom', 'takenAt', 'calledAt', 'servingAt',
    'finishedAt', 'counterId', 'officerId', 'recalls', 'postponements', 'transfers', 'estimatedWaitMinutes',
  ],
  properties: {
    ticketId: { type: 'string' },
    number: { type: 'string', example: 'A025' },
    serviceId: { type: 'string', description: 'The service it is in now (a transfer changes it)' },
    priorityGroup: { type: ['string', 'null'] },
    status: ticketStatus,
    source: { type: 'string', enum: ['kiosk', 'api', 'counter', 'carry-over', 'booking'] },
    carriedFrom: { type: ['string', 'null'], description: 'Its number on the last working day, when carried over' },
    takenAt: time,
    calledAt: { type: ['integer', 'null'], description: 'Of the call it is at or that finished it; null while waiting' },
    servingAt: { type: ['integer', 'null'] },
    finishedAt: { type: ['integer', 'null'], description: 'When it was done, a no-show or cancelled' },
    counterId: { type: ['string', 'null'], description: 'The counter it is at or that finished it; null while waiting' },
    officerId: { type: ['string', 'null'] },
    recalls: { type: 'integer', minimum: 0 },
    postponements: { type: 'integer', minimum: 0 },
    transfers: { type: 'integer', minimum: 0 },
    estimatedWaitMinutes: { type: ['integer', 'null'], description: 'The estimate given when it was taken' },
  },
};

/** Versioned<T>: every message that carries state. */
const versioned = (view: unknown, description: string) => ({
  type: 'object',
  description,
  required: ['bootId', 'seq', 'serverTime', 'view'],
  properties: {
    bootId: { type: 'string', description: 'New at every start of the hub' },
    seq: { type: 'integer', description: 'Version of the stored state; never goes back within one boot' },
    serverTime: time,
    view,
  },
});

const publicView = versioned(
  {
    type: 'object',
    required: ['day', 'centre', 'services', 'counters', 'recentCalls', 'priorityGroups', 'closing', 'carriedOver', 'dossiers', 'display'],
    properties: {
      day,
      centre: {
        type: 'object',
        required: ['name', 'authority', 'timeZone'],
        properties: { name: localized, authority: nullable(localized), timeZone: { type: 'string', example: 'Asia/Ho_Chi_Minh' } },
      },
      services: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'name', 'icon', 'waiting', 'availability', 'estimatedWaitMinutes'],
          properties: {
            id: { type: 'string' },
            name: localized,
            icon: { type: ['string', 'null'] },
            waiting: { type: 'integer' },
            availability: { type: 'string', enum: ['open', 'SERVICE_CLOSED', 'DAILY_LIMIT_REACHED', 'NUMBERS_EXHAUSTED'] },
            estimatedWaitMinutes: { type: ['integer', 'null'] },
          },
        },
      },
      counters: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'number', 'status', 'serving'],
          properties: {
            id: { type: 'string' },
            number: { type: 'integer' },
            status: { type: 'string', enum: ['closed', 'open', 'paused'] },
            serving: nullable({
              type: 'object',
              required: ['number', 'serviceId', 'status'],
              properties: { number: { type: 'string' }, serviceId: { type: 'string' }, status: { type: 'string', enum: ['called', 'serving'] } },
            }),
          },
        },
      },
      recentCalls: {
        type: 'array',
        description: 'The last 10 calls and recalls, newest first',
        items: {
          type: 'object',
          required: ['number', 'serviceId', 'counterId', 'counterNumber', 'at', 'kind'],
          properties: {
            number: { type: 'string' },
            serviceId: { type: 'string' },
            counterId: { type: 'string' },
            counterNumber: { type: 'integer' },
            at: time,
            kind: { type: 'string', enum: ['call', 'recall'] },
          },
        },
      },
      priorityGroups: {
        type: 'array',
        items: { type: 'object', required: ['id', 'name', 'icon'], properties: { id: { type: 'string' }, name: localized, icon: { type: ['string', 'null'] } } },
      },
      closing: nullable({
        type: 'object',
        description: 'Set once the supervisor closed the day: no more tickets today',
        required: ['mode', 'at'],
        properties: { mode: { type: 'string', enum: ['serve', 'cancel', 'carry-over'] }, at: time },
      }),
      carriedOver: {
        type: 'array',
        description: 'Visitors carried over from the last working day, still waiting: old number -> number today',
        items: { type: 'object', required: ['from', 'to', 'serviceId'], properties: { from: { type: 'string' }, to: { type: 'string' }, serviceId: { type: 'string' } } },
      },
      dossiers: nullable({
        type: 'object',
        description: 'The results board and counts; null when the display shows neither',
        required: ['resultsReady', 'counts', 'layout', 'rotateSeconds'],
        properties: {
          resultsReady: {
            type: 'array',
            items: {
              type: 'object',
              required: ['code', 'applicantMasked', 'collectAt', 'readyAt'],
              properties: { code: { type: 'string' }, applicantMasked: { type: 'string' }, collectAt: { type: ['string', 'null'] }, readyAt: time },
            },
          },
          counts: nullable({
            type: 'object',
            required: ['early', 'onTime', 'late', 'overdue', 'month'],
            properties: {
              early: { type: 'integer' },
              onTime: { type: 'integer' },
              late: { type: 'integer' },
              overdue: { type: 'integer' },
              month: { type: 'string', example: '2026-11' },
            },
          }),
          layout: { type: 'string', enum: ['beside', 'rotate'] },
          rotateSeconds: { type: 'integer' },
        },
      }),
      display: {
        type: 'object',
        required: ['notice', 'voice'],
        properties: {
          notice: nullable(localized),
          voice: {
            type: 'object',
            required: ['enabled', 'dialect', 'style', 'repeat', 'english', 'template'],
            properties: {
              enabled: { type: 'boolean' },
              dialect: { type: 'string', enum: ['north', 'south'] },
              style: { type: 'string', enum: ['number', 'digits'] },
              repeat: { type: 'integer', minimum: 1, maximum: 5 },
              english: { type: 'boolean' },
              template: { type: 'string', enum: ['kinh-moi', 'xin-moi'] },
            },
          },
        },
      },
    },
  },
  'What public screens show: numbers, services and counters; nothing personal.',
);

const timeliness = {
  type: 'object',
  description:
    'Early / on time / late in working days. kind early | on-time; late with finished and workingDaysLate; in-time with msLeft and workingDaysLeft; closed (no deadline applies).',
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['early', 'on-time', 'late', 'in-time', 'closed'] },
    finished: { type: 'boolean' },
    workingDaysLate: { type: 'integer', minimum: 1 },
    msLeft: { type: 'integer' },
    workingDaysLeft: { type: 'integer' },
  },
};

const dossierLookup = {
  type: 'object',
  description: "A dossier as its applicant may see it: the name masked.",
  required: ['code', 'procedure', 'field', 'applicantMasked', 'receivedAt', 'dueAt', 'status', 'delivery', 'collectAt', 'timeliness', 'history'],
  properties: {
    code: { type: 'string' },
    procedure: { type: 'string' },
    field: { type: ['string', 'null'] },
    applicantMasked: { type: 'string', example: 'Nguyễn V. A.' },
    receivedAt: time,
    dueAt: time,
    status: { type: 'integer', minimum: 1, maximum: 10, description: 'National status code: 9 result ready, 10 result returned, ...' },
    delivery: { type: 'string', enum: ['centre', 'post', 'electronic'] },
    collectAt: { type: ['string', 'null'] },
    timeliness: ref('Timeliness'),
    history: {
      type: 'array',
      items: { type: 'object', required: ['at', 'status'], properties: { at: time, status: { type: 'integer' } } },
    },
  },
};

const minutes = { type: ['number', 'null'], description: 'Minutes, rounded to 0.1; null when there is nothing to measure' };
const reportFigures = {
  type: 'object',
  required: [
    'key', 'tickets', 'served', 'noShows', 'transfers', 'cancelled', 'waitAverageMinutes', 'waitP90Minutes', 'serviceAverageMinutes',
    'serviceP90Minutes', 'estimateErrorMinutes', 'ratings',
  ],
  properties: {
    key: { type: 'string', description: "A service, counter or officer id, or 'total'" },
    tickets: { type: 'integer', description: 'Taken (per service) or called (per counter or officer)' },
    served: { type: 'integer' },
    noShows: { type: 'integer' },
    transfers: { type: 'integer' },
    cancelled: { type: 'integer' },
    waitAverageMinutes: minutes,
    waitP90Minutes: minutes,
    serviceAverageMinutes: minutes,
    serviceP90Minutes: minutes,
    estimateErrorMinutes: minutes,
    ratings: {
      type: 'object',
      required: ['veryGood', 'good', 'poor'],
      properties: { veryGood: { type: 'integer' }, good: { type: 'integer' }, poor: { type: 'integer' } },
    },
  },
};
const report = {
  type: 'object',
  required: ['from', 'to', 'groupBy', 'days', 'rows', 'total', 'busiestHours', 'labels'],
  properties: {
    from: day,
    to: day,
    groupBy: { type: 'string', enum: ['service', 'counter', 'officer'] },
    days: { type: 'integer' },
    rows: { type: 'array', items: ref('ReportFigures') },
    total: ref('ReportFigures'),
    busiestHours: { type: 'array', items: { type: 'integer' }, minItems: 24, maxItems: 24, description: 'Tickets taken per local hour 0-23' },
    labels: { type: 'object', additionalProperties: { type: 'string' }, description: "Names of the rows' keys" },
  },
};

const health = {
  type: 'object',
  required: ['status', 'bootId', 'seq', 'day', 'startedAt', 'journal'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    bootId: { type: 'string' },
    seq: { type: 'integer', description: 'The current version of the stored state (as Versioned.seq)' },
    day,
    startedAt: time,
    journal: {
      type: 'object',
      description: "What the start replayed from the day's journal, and any damage it dropped",
      required: ['replayed', 'tornTail', 'dropped'],
      properties: {
        replayed: { type: 'integer' },
        tornTail: { type: 'boolean', description: 'A last line cut off by a crash was dropped' },
        dropped: {
          type: 'array',
          items: { type: 'object', required: ['line', 'reason'], properties: { line: { type: 'integer' }, reason: { type: 'string' } } },
        },
      },
    },
  },
};

const changed = {
  type: 'object',
  required: ['code', 'changed'],
  properties: { code: { type: 'string' }, changed: { type: 'boolean', description: 'false when nothing differed (the same push twice is one change)' } },
};

/** What each HTTP status means here, and the codes that come with it (http-status.ts). */
const STATUS_TEXT: Record<number, string> = {
  400: 'The request is not valid',
  401: 'No valid API key or session',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Refused in the current state',
  410: 'Lapsed',
  413: 'The body is too large (INVALID_PAYLOAD)',
  422: 'Refused',
  429: 'Too many requests (RATE_LIMITED): wait retryAfterSeconds',
  500: 'A bug (INTERNAL)',
  503: 'Nothing was done: STORAGE_FAILED, or SHUTTING_DOWN (send it again)',
};
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before sending it again', schema: { type: 'integer' } } };

/** Error responses: the status, the codes it may carry on this route. */
const errors = (codes: Record<number, string[]>) =>
  Object.fromEntries(
    Object.entries(codes).map(([status, list]) => [
      status,
      {
        description: `${STATUS_TEXT[Number(status)] ?? 'Error'}: ${list.join(', ')}`,
        ...(status === '429' || status === '503' ? { headers: retryAfter } : {}),
        content: json(ref('Error')),
      },
    ]),
  );

const language = { name: 'Accept-Language', in: 'header', required: false, description: 'en... for English messages, anything else Vietnamese', schema: { type: 'string', example: 'vi' } };
const integrationAuth = (scope: 'dossiers' | 'tickets') => ({
  security: [{ apiKey: [] }, { apiKeyHeader: [] }],
  'x-luot-scope': scope,
});
const authErrors = { 401: ['NOT_LOGGED_IN'], 403: ['FORBIDDEN', 'ORIGIN_NOT_ALLOWED'] };
const writeErrors = { 503: ['STORAGE_FAILED', 'SHUTTING_DOWN'] };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Lượt hub API',
    version: '1.1.0',
    description: [
      'REST API of a Lượt hub, for other systems on the office network. Screens use the Socket.IO protocol in docs/protocol.md, which describes these routes too (section 8).',
      'Integrations authenticate with an API key the supervisor issued (apikey:issue), as "Authorization: Bearer <key>" or "X-Api-Key: <key>"; a key has scopes: "dossiers" (push dossiers) and "tickets" (take numbers, list the day\'s tickets). Reports take a supervisor\'s session token instead.',
      'Errors are JSON { error, message } with the status of the code. Any other path or method under /api/ is 404 NOT_FOUND. A request from a browser page of another site is 403 ORIGIN_NOT_ALLOWED. While the hub stops, every request but GET and HEAD is 503 SHUTTING_DOWN with Retry-After: nothing was done, send it again.',
    ].join('\n\n'),
  },
  paths: {
    '/api/health': {
      get: {
        summary: 'Whether the hub runs, and what it loaded at start',
        responses: { '200': { description: 'Running', content: json(ref('Health')) } },
      },
    },
    '/api/queue': {
      get: {
        summary: 'The public queue snapshot',
        responses: { '200': { description: 'Snapshot', content: json(ref('PublicState')) } },
      },
    },
    '/api/openapi.json': {
      get: {
        summary: 'This document',
        responses: { '200': { description: 'The OpenAPI document', content: json({ type: 'object' }) } },
      },
    },
    '/api/tickets': {
      post: {
        summary: 'Take a number for a visitor (an API key with the "tickets" scope)',
        ...integrationAuth('tickets'),
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              "The integration's own key for this take (8-64 of A-Z a-z 0-9 - _): the same key again during the service day gets the same ticket, byte for byte, and is never rate-limited; the same key with another body is 422 IDEMPOTENCY_CONFLICT. Without it every request is a new ticket.",
            schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
          },
          language,
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: z.toJSONSchema(restTakeBody) } },
        },
        responses: {
          '201': { description: 'The ticket (not printed: it has no kiosk)', content: json(ref('TicketIssued')) },
          ...errors({
            400: ['INVALID_PAYLOAD'],
            ...authErrors,
            404: ['UNKNOWN_SERVICE', 'UNKNOWN_PRIORITY_GROUP'],
            409: ['SERVICE_CLOSED', 'DAILY_LIMIT_REACHED', 'NUMBERS_EXHAUSTED'],
            413: ['INVALID_PAYLOAD'],
            422: ['IDEMPOTENCY_CONFLICT'],
            429: ['RATE_LIMITED'],
            ...writeErrors,
          }),
        },
      },
      get: {
        summary: "The day's tickets as stored, in the order they were taken (an API key with the \"tickets\" scope)",
        ...integrationAuth('tickets'),
        parameters: [language],
        responses: {
          '200': {
            description: 'Versioned: compare seq (and bootId) to know whether anything changed',
            headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
            content: json(ref('DayTickets')),
          },
          ...errors(authErrors),
        },
      },
    },
    '/api/dossiers': {
      post: {
        summary: 'Create or update a dossier by its code (an API key with the "dossiers" scope); the same push twice is one change',
        ...integrationAuth('dossiers'),
        parameters: [language],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(dossierInputSchema, { io: 'input' }) } } },
        responses: {
          '200': { description: 'Stored', content: json(ref('DossierChanged')) },
          ...errors({
            400: ['INVALID_PAYLOAD', 'INVALID_DOSSIER_CODE', 'DUE_BEFORE_RECEIVED'],
            ...authErrors,
            413: ['INVALID_PAYLOAD'],
            ...writeErrors,
          }),
        },
      },
    },
    '/api/dossiers/{code}/status': {
      post: {
        summary: 'Append a status change (national codes 1-10) to a dossier (an API key with the "dossiers" scope)',
        ...integrationAuth('dossiers'),
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }, language],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(statusChangeSchema, { io: 'input' }) } } },
        responses: {
          '200': { description: 'Stored (the same status at the same time twice is one change)', content: json(ref('DossierChanged')) },
          ...errors({ 400: ['INVALID_PAYLOAD'], ...authErrors, 404: ['UNKNOWN_DOSSIER'], 413: ['INVALID_PAYLOAD'], ...writeErrors }),
        },
      },
    },
    '/api/dossiers/import': {
      post: {
        summary: 'Load many dossiers at once, all or nothing (up to 50,000 rows, 64 MB; an API key with the "dossiers" scope)',
        ...integrationAuth('dossiers'),
        parameters: [language],
        requestBody: {
          required: true,
          content: json({ type: 'object', required: ['dossiers'], properties: { dossiers: { type: 'array', maxItems: 50_000, items: z.toJSONSchema(dossierInputSchema, { io: 'input' }) } } }),
        },
        responses: {
          '200': {
            description: 'Imported',
            content: json({
              type: 'object',
              required: ['received', 'created', 'updated', 'unchanged'],
              properties: { received: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' } },
            }),
          },
          '422': {
            description: 'Nothing imported (INVALID_PAYLOAD): every rejected row with index, field and reason',
            content: json({
              allOf: [
                ref('Error'),
                {
                  type: 'object',
                  required: ['rejected'],
                  properties: {
                    rejected: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['index', 'field', 'reason'],
                        properties: { index: { type: 'integer' }, field: { type: 'string' }, reason: { type: 'string' } },
                      },
                    },
                  },
                },
              ],
            }),
          },
          ...errors({ 400: ['INVALID_PAYLOAD'], ...authErrors, 413: ['INVALID_PAYLOAD'], ...writeErrors }),
        },
      },
    },
    '/api/dossiers/lookup': {
      get: {
        summary:
          "A visitor's lookup by code and the key printed on the receipt (masked name only); wrong tries from one address are slowed down per dossier code",
        parameters: [
          { name: 'code', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 60 } },
          { name: 'key', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 20 } },
          language,
        ],
        responses: {
          '200': { description: 'The dossier (Cache-Control: no-store)', content: json(ref('DossierLookupView')) },
          ...errors({ 400: ['INVALID_PAYLOAD'], 403: ['ORIGIN_NOT_ALLOWED'], 404: ['DOSSIER_NOT_FOUND'], 429: ['RATE_LIMITED'] }),
        },
      },
    },
    '/api/reports': {
      get: {
        summary: 'Queue figures per service, counter or officer over a period (supervisors, with their session token)',
        security: [{ session: [] }],
        parameters: [
          { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', required: true, description: 'Not before from, at most 365 days after it', schema: { type: 'string', format: 'date' } },
          { name: 'groupBy', in: 'query', schema: { type: 'string', enum: ['service', 'counter', 'officer'], default: 'service' } },
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv', 'xlsx'], default: 'json' } },
          language,
        ],
        responses: {
          '200': {
            description: 'The report: JSON, or a download luot-<groupBy>-<from>-<to>.csv (UTF-8 with BOM) or .xlsx',
            content: {
              'application/json': { schema: ref('LabelledReport') },
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
            },
          },
          ...errors({ 400: ['INVALID_PAYLOAD'], 401: ['NOT_LOGGED_IN', 'SESSION_EXPIRED'], 403: ['FORBIDDEN', 'ORIGIN_NOT_ALLOWED'] }),
        },
      },
    },
    '/api/booking/options': {
      get: {
        summary: 'Whether the centre takes bookings, its bookable fields and rules (the booking page, no account: docs/protocol.md section 13)',
        responses: { '200': { description: 'The options', content: json(ref('BookingOptions')) } },
      },
    },
    '/api/booking/days': {
      get: {
        summary: "A field's days (today and the horizon) with their slots and places left",
        parameters: [{ name: 'serviceId', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 40 } }, language],
        responses: {
          '200': { description: 'The days', content: json({ type: 'object', required: ['serviceId', 'days'], properties: { serviceId: { type: 'string' }, days: { type: 'array', items: ref('BookingDay') } } }) },
          ...errors({ 400: ['INVALID_PAYLOAD'], 404: ['BOOKING_OFF', 'UNKNOWN_SERVICE'] }),
        },
      },
    },
    '/api/booking/holds': {
      post: {
        summary: 'Hold a place in a slot while the citizen confirms (an SMS code is sent when the centre checks phones); limited per phone and per address',
        parameters: [language],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(bookingHoldSchema, { io: 'input' }) } } },
        responses: {
          '201': { description: 'Held', content: json(ref('BookingHold')) },
          ...errors({ 400: ['INVALID_PAYLOAD'], 403: ['BOOKING_BANNED', 'ORIGIN_NOT_ALLOWED'], 404: ['BOOKING_OFF', 'UNKNOWN_SERVICE', 'SLOT_NOT_OFFERED'], 409: ['SLOT_CLOSED', 'SLOT_FULL', 'BOOKING_LIMIT_SERVICE', 'BOOKING_LIMIT_DAY'], 422: ['IDEMPOTENCY_CONFLICT'], 429: ['RATE_LIMITED'], ...writeErrors }),
        },
      },
    },
    '/api/booking/holds/{holdId}/code': {
      post: {
        summary: 'Send a new SMS code for a hold (at most 3 in all)',
        parameters: [{ name: 'holdId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } }, language],
        responses: {
          '200': { description: 'Sent', content: json({ type: 'object', required: ['codeSentTo'], properties: { codeSentTo: { type: 'string', example: '091****678' } } }) },
          ...errors({ 400: ['INVALID_PAYLOAD'], 404: ['HOLD_NOT_FOUND'], 429: ['OTP_TRIES_EXCEEDED'], ...writeErrors }),
        },
      },
    },
    '/api/booking/confirm': {
      post: {
        summary: 'Confirm a hold (with the SMS code when one was sent): the booking code, its QR and slot',
        parameters: [language],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(bookingConfirmSchema, { io: 'input' }) } } },
        responses: {
          '201': { description: 'Booked', content: json(ref('Booking')) },
          ...errors({ 400: ['INVALID_PAYLOAD', 'OTP_WRONG'], 404: ['HOLD_NOT_FOUND'], 409: ['SLOT_FULL', 'SLOT_CLOSED', 'BOOKING_LIMIT_SERVICE', 'BOOKING_LIMIT_DAY'], 422: ['IDEMPOTENCY_CONFLICT'], 429: ['OTP_TRIES_EXCEEDED'], ...writeErrors }),
        },
      },
    },
    '/api/booking/lookup': {
      post: {
        summary: 'A booking by its code and phone number (in the body, never the address); a wrong pair never says which half was wrong',
        parameters: [language],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(bookingAccessSchema, { io: 'input' }) } } },
        responses: { '200': { description: 'The booking (Cache-Control: no-store)', content: json(ref('Booking')) }, ...errors({ 400: ['INVALID_PAYLOAD'], 404: ['BOOKING_NOT_FOUND'], 429: ['RATE_LIMITED'] }) },
      },
    },
    '/api/booking/move': {
      post: {
        summary: 'Move a booking to another slot of its field (code and phone)',
        parameters: [language],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(bookingMoveSchema, { io: 'input' }) } } },
        responses: {
          '200': { description: 'Moved', content: json(ref('Booking')) },
          ...errors({ 400: ['INVALID_PAYLOAD'], 404: ['BOOKING_NOT_FOUND', 'SLOT_NOT_OFFERED'], 409: ['BOOKING_CANCELLED', 'BOOKING_CHECKED_IN', 'BOOKING_STARTED', 'SLOT_FULL', 'SLOT_CLOSED'], 422: ['IDEMPOTENCY_CONFLICT'], 429: ['RATE_LIMITED'], ...writeErrors }),
        },
      },
    },
    '/api/booking/cancel': {
      post: {
        summary: 'Cancel a booking (code and phone), up to its slot start',
        parameters: [language],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(bookingCancelSchema, { io: 'input' }) } } },
        responses: {
          '200': { description: 'Cancelled', content: json(ref('Booking')) },
          ...errors({ 400: ['INVALID_PAYLOAD'], 404: ['BOOKING_NOT_FOUND'], 409: ['BOOKING_CANCELLED', 'BOOKING_CHECKED_IN', 'BOOKING_STARTED'], 422: ['IDEMPOTENCY_CONFLICT'], 429: ['RATE_LIMITED'], ...writeErrors }),
        },
      },
    },
    '/api/booking/export': {
      get: {
        summary: "A period's bookings as CSV or XLSX (supervisors, with their session token)",
        security: [{ session: [] }],
        parameters: [
          { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['csv', 'xlsx'], default: 'csv' } },
          language,
        ],
        responses: {
          '200': {
            description: 'A download luot-bookings-<from>-<to>.csv (UTF-8 with BOM) or .xlsx',
            content: { 'text/csv': { schema: { type: 'string' } }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
          ...errors({ 400: ['INVALID_PAYLOAD'], 401: ['NOT_LOGGED_IN', 'SESSION_EXPIRED'], 403: ['FORBIDDEN', 'ORIGIN_NOT_ALLOWED'] }),
        },
      },
    },
    '/audio/clips/{file}': {
      get: {
        summary: "A voice clip of the wall display; a recording in the data folder's clips/ replaces the bundled placeholder",
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9-]{1,60}\\.wav$' } }],
        responses: {
          '200': { description: 'The clip (revalidated with its ETag)', content: { 'audio/wav': { schema: { type: 'string', contentMediaType: 'audio/wav' } } } },
          ...errors({ 404: ['NOT_FOUND'] }),
        },
      },
    },
  },
  components: {
    schemas: {
      Error: errorBody,
      TicketIssued: ticketIssued,
      PublicState: publicView,
      DayTicket: dayTicket,
      DayTickets: versioned(
        { type: 'object', required: ['day', 'tickets'], properties: { day, tickets: { type: 'array', items: ref('DayTicket') } } },
        "The day's tickets as stored.",
      ),
      DossierChanged: changed,
      DossierLookupView: dossierLookup,
      Timeliness: timeliness,
      ReportFigures: reportFigures,
      LabelledReport: report,
      Health: health,
      BookingOptions: {
        type: 'object',
        required: ['enabled', 'services', 'horizonDays', 'phoneCheck', 'holdMinutes', 'checkIn', 'limits'],
        properties: {
          enabled: { type: 'boolean' },
          services: { type: 'array', items: { type: 'object', required: ['serviceId', 'name', 'policy'], properties: { serviceId: { type: 'string' }, name: localized, policy: { type: 'string', enum: ['slot', 'remote'] } } } },
          horizonDays: { type: 'integer' },
          phoneCheck: { type: 'string', enum: ['sms', 'off'] },
          holdMinutes: { type: 'integer' },
          checkIn: { type: 'object', properties: { earlyMinutes: { type: 'integer' }, lateMinutes: { type: 'integer' } } },
          limits: { type: 'object', properties: { perPhonePerDay: { type: 'integer' }, perServicePerDay: { type: 'integer' } } },
        },
      },
      BookingDay: {
        type: 'object',
        required: ['day', 'weekday', 'closed', 'slots'],
        properties: {
          day,
          weekday: { type: 'integer', minimum: 1, maximum: 7 },
          closed: { oneOf: [{ type: 'null' }, { const: 'day-off' }, { type: 'object', required: ['reason'], properties: { reason: localized } }] },
          slots: {
            type: 'array',
            items: {
              type: 'object',
              required: ['start', 'end', 'time', 'places', 'left', 'open'],
              properties: { start: time, end: time, time: { type: 'string', example: '08:30' }, places: { type: 'integer' }, left: { type: 'integer' }, open: { type: 'boolean' } },
            },
          },
        },
      },
      BookingHold: {
        type: 'object',
        required: ['holdId', 'serviceId', 'slotStart', 'slotEnd', 'heldUntil', 'codeRequired', 'codeSentTo'],
        properties: { holdId: { type: 'string' }, serviceId: { type: 'string' }, slotStart: time, slotEnd: time, heldUntil: time, codeRequired: { type: 'boolean' }, codeSentTo: { type: ['string', 'null'] } },
      },
      Booking: {
        type: 'object',
        required: ['code', 'qr', 'status', 'serviceId', 'serviceName', 'day', 'slotStart', 'slotEnd', 'time', 'name', 'phoneMasked', 'checkIn', 'ticketNumber', 'cancelledBy', 'cancelReason', 'canChange'],
        properties: {
          code: { type: 'string', example: 'K7QM3-XPA9D' },
          qr: { type: 'string', description: 'What the QR holds: the booking page with the code and its check tag' },
          status: { type: 'string', enum: ['confirmed', 'cancelled', 'checked-in', 'no-show'] },
          serviceId: { type: 'string' },
          serviceName: localized,
          day,
          slotStart: time,
          slotEnd: time,
          time: { type: 'string', example: '09:00' },
          name: { type: 'string' },
          phoneMasked: { type: 'string', example: '091****678' },
          checkIn: { type: 'object', properties: { opensAt: time, closesAt: time } },
          ticketNumber: { type: ['string', 'null'] },
          cancelledBy: { type: ['string', 'null'], enum: ['citizen', 'centre', null] },
          cancelReason: nullable(localized),
          canChange: { type: 'boolean' },
        },
      },
    },
    responses: {
      NotFound: {
        description: 'Any other path or method under /api/: NOT_FOUND',
        content: json(ref('Error')),
      },
    },
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'An API key the supervisor issued for the integration (apikey:issue), with the scope the route needs' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'The same API key, in a header of its own' },
      session: { type: 'http', scheme: 'bearer', description: "A supervisor's session token (session:login)" },
    },
  },
} as const;
