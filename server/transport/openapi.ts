import { z } from 'zod';
import { ERROR_CODES } from '../protocol/error-codes';

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
  },
  components: { schemas: { Error: errorBody, TicketIssued: ticketIssued, PublicState: publicView } },
} as const;
