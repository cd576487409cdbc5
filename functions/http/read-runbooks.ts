import { bundledRunbookDefinitions } from '../aws/environment.js';
import { irdrConfig } from '../config.js';
import { onCallAt } from '../domain/on-call/on-call-now.js';
import { PublishedRunbooks, runbookSummary } from '../domain/published-runbook.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse } from './http-shell.js';

/** Compiled into this bundle from workflows/runbooks at deploy time: nothing reads YAML at run time. */
const runbooks = PublishedRunbooks.parse(JSON.parse(bundledRunbookDefinitions()));

/** GET /runbooks (each runbook's identity), GET /runbooks/{runbookId} (with its definition), GET /on-call (whom their pages go to now). */
export const handler = apiHandler(async (event) => {
  if (event.routeKey === 'GET /on-call') {
    requireRole(event, 'readOnCall');
    const at = new Date();
    return jsonResponse(200, { at: at.toISOString(), roles: onCallAt(irdrConfig, at) });
  }
  requireRole(event, 'readRunbooks');
  const runbookId = event.pathParameters?.runbookId;
  if (runbookId === undefined) return jsonResponse(200, { runbooks: runbooks.map(runbookSummary) });
  const runbook = runbooks.find((candidate) => candidate.id === runbookId);
  if (!runbook) throw new HttpError(404, `no runbook with id "${runbookId}"; GET /runbooks lists them: ${runbooks.map((r) => r.id).join(', ')}`);
  return jsonResponse(200, { runbook });
});
