import type { Response } from 'express';
import { translate, type Lang } from '../i18n';
import type { ErrorCode } from '../protocol/error-codes';
import { HTTP_STATUS } from './http-status';

/** An error answer of the REST API: the code with its status, and a message ready to show. */
export function sendError(res: Response, code: ErrorCode, lang: Lang, status = HTTP_STATUS[code], retryAfterSeconds?: number): void {
  const message = translate(lang, `error.${code}`, retryAfterSeconds ? { seconds: retryAfterSeconds } : undefined);
  res.status(status).json(retryAfterSeconds ? { error: code, message, retryAfterSeconds } : { error: code, message });
}
