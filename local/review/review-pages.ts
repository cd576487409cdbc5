import { html } from '../../functions/domain/evidence/html.js';
import type { DevIdentity } from '../dev-identities.js';
import type { HttpApiResponse } from '../http-api/result.js';
import { reviewPage, type ReviewPageInput } from './review-page.js';

/*
 * Pages for people at the local stack, beside the API: /review (the period's verification, what awaits sign-off,
 * its incidents) and /review/report (the period's evidence report). They are API clients, as the dev auditor,
 * calling GET routes only: read-only by construction, and only ever on 127.0.0.1.
 */

export const REVIEW_PATH = '/review';
export const REVIEW_REPORT_PATH = '/review/report';
/** The period the page shows when the address names none: the last 90 days. */
const DEFAULT_DAYS = 90;

export interface ReviewPagesOptions {
  /** The local API's base URL (known once it listens). */
  readonly apiUrl: () => string;
  /** Who the pages call the API as: an auditor, who can read everything and change nothing here. */
  readonly reviewer: DevIdentity;
  /** The reviewer's bearer token of this start. */
  readonly reviewerToken: string;
}

export type LocalPageHandler = (method: string, path: string, rawQueryString: string) => Promise<HttpApiResponse | undefined>;

const htmlResponse = (statusCode: number, text: string, extra: Record<string, string> = {}): HttpApiResponse => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", ...extra },
  cookies: [],
  body: Buffer.from(text, 'utf8'),
});

const problemPage = (statusCode: number, message: string, extra: Record<string, string> = {}): HttpApiResponse =>
  htmlResponse(statusCode, html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>irdr review</title></head><body><h1>Cannot show this page</h1><p>${message}</p></body></html>`.text, extra);

/** The page handler for the local HTTP server: undefined for any other path. */
export function reviewPages(options: ReviewPagesOptions): LocalPageHandler {
  const call = async (path: string, accept = 'application/json') => {
    const response = await fetch(`${options.apiUrl()}${path}`, { headers: { authorization: `Bearer ${options.reviewerToken}`, accept } });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  };
  const json = async <T>(path: string): Promise<T> => {
    const answer = await call(path);
    if (answer.status !== 200) throw new PageProblem(answer.status, (JSON.parse(answer.text) as { message?: string }).message ?? `GET ${path}: ${answer.status}`);
    return JSON.parse(answer.text) as T;
  };

  return async (method, path, rawQueryString) => {
    if (path !== REVIEW_PATH && path !== REVIEW_REPORT_PATH) return undefined;
    if (method !== 'GET' && method !== 'HEAD') return problemPage(405, 'These pages are read-only: GET them.', { allow: 'GET, HEAD' });
    const query = new URLSearchParams(rawQueryString);
    const now = Date.now();
    const from = query.get('from') ?? new Date(now - DEFAULT_DAYS * 86_400_000).toISOString();
    const to = query.get('to') ?? new Date(now + 60_000).toISOString();
    const period = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    try {
      if (path === REVIEW_REPORT_PATH) {
        const report = await call(`/evidence?${period}`, 'text/html');
        if (report.status !== 200) throw new PageProblem(report.status, (JSON.parse(report.text) as { message?: string }).message ?? `the report answered ${report.status}`);
        return htmlResponse(200, report.text);
      }
      const [verification, unreviewed, incidents] = await Promise.all([
        json<ReviewPageInput['verification'] & { period: ReviewPageInput['period'] }>(`/evidence/verify?${period}`),
        json<{ unreviewed: ReviewPageInput['unreviewed'] }>(`/evidence/unreviewed?${period}`),
        json<{ incidents: ReviewPageInput['incidents'] }>(`/incidents?${period}&limit=100`),
      ]);
      return htmlResponse(
        200,
        reviewPage({
          period: verification.period,
          reviewer: `${options.reviewer.displayName} (${options.reviewer.userArn})`,
          verification,
          unreviewed: unreviewed.unreviewed,
          incidents: incidents.incidents,
          reportHref: `${REVIEW_REPORT_PATH}?${period}`,
        }),
      );
    } catch (error) {
      if (error instanceof PageProblem) return problemPage(error.status, error.message);
      throw error;
    }
  };
}

/** A refusal from the API (a bad period, a report too large) shown to the reader as it was given. */
class PageProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
