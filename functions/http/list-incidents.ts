import { requireEnvironment } from '../aws/environment.js';
import { listIncidents } from '../aws/incident-store.js';
import { ListIncidentsParameters, encodePageToken, resolveListing } from '../domain/incident-listing.js';
import { monthPartitionsNewestFirst } from '../domain/keys.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseQueryParameters } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * GET /incidents?status=&severity=&mode=&from=&to=&limit=&nextToken=: incidents opened in a period
 * (default: the last 30 days), newest first; `nextToken` is present while more may follow.
 */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readIncidents');
  const parameters = parseQueryParameters(event, ListIncidentsParameters);
  const listing = resolveListing(parameters, new Date());
  if (!listing.ok) throw new HttpError(400, listing.message);
  const { query, position } = listing;
  if (position && !monthPartitionsNewestFirst('INCIDENT', query.from, query.to).includes(position.month)) {
    throw new HttpError(400, 'nextToken is not one this API issued; drop it to list from the first page');
  }
  const page = await listIncidents(tableName, query, position, parameters.limit);
  return jsonResponse(200, {
    incidents: page.incidents,
    ...(page.next && { nextToken: encodePageToken(query, page.next) }),
  });
});
