import { z } from 'zod';
import { ERROR_CODES } from '../protocol/error-codes';
import { dossierInputSchema, statusChangeSchema } from '../domain/dossier-register';

/** The OpenAPI 3 description of the REST API, served at /api/openapi.json. */

const restTakeBody = z.strictObject({
  serviceId: z.string().min(1).max(40),
  priorityGroup: z.string().min(1).max(40).nullable().optional(),
});
export { restTakeBody };

const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', enum: [...ERROR_CODES] },
    message: { type: 'string', description: 'In Vietnamese, or English with Accept-Language: en' },
    retryAfterSeconds: { type: 'integer' },
  },
};

const localized = {
  type: 'object',
  required: ['vi', 'en'],
  properties: { vi: { type: 'string' }, en: { type: 'string' } },
};

const ticketIssued = {
  type: 'object',
  required: ['ticketId', 'number', 'serviceId', 'priorityGroup', 'peopleAhead', 'estimatedWaitMinutes', 'takenAt', 'day'],
  properties: {
    ticketId: { type: 'string' },
    number: { type: 'string', example: 'A025' },
    serviceId: { type: 'string', example: 'ho-tich' },
    priorityGroup: { type: ['string', 'null'] },
    peopleAhead: { type: 'integer', minimum: 0 },
    estimatedWaitMinutes: { type: ['integer', 'null'], description: 'null when no counter for the service is open' },
    takenAt: { type: 'integer', description: 'milliseconds since 1970 (UTC)' },
    day: { type: 'string', format: 'date', description: "the centre's local service day" },
  },
};

const publicView = {
  type: 'object',
  description: 'What public screens show: numbers, services and counters; nothing personal.',
  required: ['bootId', 'seq', 'serverTime', 'view'],
  properties: {
    bootId: { type: 'string' },
    seq: { type: 'integer' },
    serverTime: { type: 'integer' },
    view: {
      type: 'object',
      properties: {
        day: { type: 'string', format: 'date' },
        centre: { type: 'object', properties: { name: localized, authority: { oneOf: [localized, { type: 'null' }] } } },
        services: {
          type: 'array',
          items: {
            type: 'object',
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
            properties: {
              id: { type: 'string' },
              number: { type: 'integer' },
              status: { type: 'string', enum: ['closed', 'open', 'paused'] },
              serving: {
                type: ['object', 'null'],
                properties: { number: { type: 'string' }, serviceId: { type: 'string' }, status: { type: 'string' } },
              },
            },
          },
        },
        recentCalls: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              number: { type: 'string' },
              serviceId: { type: 'string' },
              counterId: { type: 'string' },
              counterNumber: { type: 'integer' },
              at: { type: 'integer' },
              kind: { type: 'string', enum: ['call', 'recall'] },
            },
          },
        },
      },
    },
  },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Lượt hub API',
    version: '1.0.0',
    description:
      'REST API of a Lượt hub, for other systems on the office network. Screens use the Socket.IO protocol in docs/protocol.md.',
  },
  paths: {
    '/api/health': {
      get: {
        summary: 'Whether the hub runs, and what it loaded at start',
        responses: {
          '200': {
            description: 'Running',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    status: { type: 'string', enum: ['ok'] },
                    bootId: { type: 'string' },
                    seq: { type: 'integer' },
                    day: { type: 'string' },
                    startedAt: { type: 'integer' },
                    journal: { type: 'object', description: 'What the start replayed, and any damage it dropped' },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/api/queue': {
      get: {
        summary: 'The public queue snapshot',
        responses: { '200': { description: 'Snapshot', content: { 'application/json': { schema: { $ref: '#/components/schemas/PublicState' } } } } },
      },
    },
    '/api/tickets': {
      post: {
        summary: 'Take a number for a service',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'Send the same key again to get the same ticket instead of a new one (8-64 of A-Z a-z 0-9 - _).',
            schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
          },
          { name: 'Accept-Language', in: 'header', required: false, schema: { type: 'string', example: 'vi' } },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: z.toJSONSchema(restTakeBody) } },
        },
        responses: {
          '201': { description: 'The ticket', content: { 'application/json': { schema: { $ref: '#/components/schemas/TicketIssued' } } } },
          ...errors(400, 404, 409, 413, 503),
        },
      },
    },
    '/api/dossiers': {
      post: {
        summary: 'Create or update a dossier by its code (the one-stop software); the same push twice is one change',
        security: [{ apiKey: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(dossierInputSchema, { io: 'input' }) } } },
        responses: {
          '200': {
            description: 'Stored (changed: false when nothing differed)',
            content: { 'application/json': { schema: { type: 'object', properties: { code: { type: 'string' }, changed: { type: 'boolean' } } } } },
          },
          ...errors(400, 401),
        },
      },
    },
    '/api/dossiers/{code}/status': {
      post: {
        summary: 'Append a status change (national codes 1-10) to a dossier',
        security: [{ apiKey: [] }],
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(statusChangeSchema, { io: 'input' }) } } },
        responses: { '200': { description: 'Stored' }, ...errors(400, 401, 404) },
      },
    },
    '/api/dossiers/import': {
      post: {
        summary: 'Load many dossiers at once, all or nothing (up to 50,000)',
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['dossiers'], properties: { dossiers: { type: 'array', items: z.toJSONSchema(dossierInputSchema, { io: 'input' }) } } },
            },
          },
        },
        responses: {
          '200': { description: 'Counts: received, created, updated, unchanged' },
          '422': { description: 'Nothing imported; every rejected row with index, field and reason' },
          ...errors(400, 401),
        },
      },
    },
    '/api/dossiers/lookup': {
      get: {
        summary: "A visitor's lookup by code and the key printed on the receipt (masked name only); wrong tries are slowed down",
        parameters: [
          { name: 'code', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'key', in: 'query', required: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'The dossier' }, ...errors(400, 404, 429) },
      },
    },
    '/api/reports': {
      get: {
        summary: 'Queue figures per service, counter or officer over a period (supervisors, session token)',
        security: [{ session: [] }],
        parameters: [
          { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
          { name: 'groupBy', in: 'query', schema: { type: 'string', enum: ['service', 'counter', 'officer'] } },
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv', 'xlsx'] } },
        ],
        responses: { '200': { description: 'The report' }, ...errors(400, 401, 403) },
      },
    },
  },
  components: {
    schemas: { Error: errorBody, TicketIssued: ticketIssued, PublicState: publicView },
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'An API key the supervisor issued for the integration' },
      session: { type: 'http', scheme: 'bearer', description: "A supervisor's session token (session:login)" },
    },
  },
} as const;
