import Negotiator from 'negotiator';
import { irdrConfig } from '../config.js';
import { buildSignedStatement, type StatementSources } from '../aws/continuity-statement.js';
import { estateInventory } from '../aws/estate-coverage.js';
import { statementHtml } from '../domain/evidence/continuity-statement-html.js';
import { statementPdf } from '../domain/evidence/continuity-statement-pdf.js';
import type { ContinuityStatement } from '../domain/evidence/continuity-statement-schema.js';
import { StatementPeriodQuery, resolveStatementPeriod } from '../domain/evidence/continuity-statement-period.js';
import { tableArnTemplateFrom } from '../domain/evidence/estate-coverage.js';
import { ExportDeadlineReached, exportDeadlineGuard, trailNoun } from '../domain/evidence/export-deadline.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, lambdaResponseBytes } from '../domain/lambda-limits.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, headerValue, parseQueryParameters, type ApiResult } from './http-shell.js';

const STATEMENT_MEDIA_TYPES = ['application/json', 'text/html', 'application/pdf'] as const;
type StatementMediaType = (typeof STATEMENT_MEDIA_TYPES)[number];
/** What is kept of the invocation's 29 s for computing, signing and answering once the trails are read. */
const STATEMENT_RESERVE_MS = 10_000;
const CLI_STATEMENT = 'run irdr evidence statement --period, which has no limit';
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * GET /evidence/statement?period=12m (or ?from=&to=): the public continuity statement of the period, signed with the
 * export's key, naming the full export it summarises by its manifest's SHA-256. Accept: application/json (default) or
 * text/html (the one-page statement) or application/pdf (the same page as a PDF, carrying the signed JSON it is drawn from). `sources` is the export function's (same table, same signer: a key has one signer).
 */
export function statementHandler(sources: () => Omit<StatementSources, 'inventory'>) {
  return apiHandler(async (event, context) => {
    requireRole(event, 'readEvidence');
    const query = parseQueryParameters(event, StatementPeriodQuery);
    const accept = headerValue(event, 'accept');
    const format = accept === undefined || accept.trim() === '' ? 'application/json' : new Negotiator({ headers: { accept } }).mediaType([...STATEMENT_MEDIA_TYPES]);
    if (!format) throw new HttpError(406, `GET /evidence/statement answers with ${STATEMENT_MEDIA_TYPES.join(' or ')}: ask for one of them in Accept`);
    const period = resolveStatementPeriod(query, new Date());
    const { statement } = await buildSignedStatement(
      // The tables are this function's account and region's: their ARNs follow from its own.
      { ...sources(), inventory: () => estateInventory(tableArnTemplateFrom(context.invokedFunctionArn)) },
      period,
      exportDeadlineGuard(() => context.getRemainingTimeInMillis(), STATEMENT_RESERVE_MS),
    ).catch((error: unknown) => {
      if (!(error instanceof ExportDeadlineReached)) throw error;
      const { phase, collected, total } = error.progress;
      throw new HttpError(
        422,
        `the statement of ${period.from} .. ${period.to} summarises more than one API call can read in time (${collected} of ${total} ${trailNoun(phase)} trails were read): ` +
          `ask for a shorter period, or ${CLI_STATEMENT}`,
        { phase, trailsRead: collected, trailsInPhase: total },
      );
    });
    const result = await statementResult(format as StatementMediaType, statement);
    const bytes = lambdaResponseBytes(result);
    if (bytes > LAMBDA_RESPONSE_LIMIT_BYTES) {
      throw new HttpError(422, `the statement is ${megabytes(bytes)}, over the ${megabytes(LAMBDA_RESPONSE_LIMIT_BYTES)} an API response can carry: ${CLI_STATEMENT}`, {
        bytes,
        limitBytes: LAMBDA_RESPONSE_LIMIT_BYTES,
      });
    }
    return result;
  });
}

async function statementResult(format: StatementMediaType, statement: ContinuityStatement): Promise<ApiResult> {
  switch (format) {
    case 'text/html':
      return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: statementHtml(statement) };
    case 'application/pdf':
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="continuity-statement.pdf"' },
        body: Buffer.from(await statementPdf(statement)).toString('base64'),
        isBase64Encoded: true,
      };
    case 'application/json':
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(statement, null, 2)}\n` };
  }
}

/** The configured public aliases of the drill plans (config evidence.statement.planAliases). */
export const configuredPlanAliases = (): Readonly<Record<string, string>> => irdrConfig.evidence.statement.planAliases;
