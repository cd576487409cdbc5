import { createServer } from 'node:http';
import { listen } from '../listen.js';
import { refuseForeignHosts } from '../loopback-host.js';
import { LocalDrata } from './drata.js';
import { INTEGRATION_SCOPES, LocalVanta, MANAGE_VANTA_SCOPES, drillPlanResourceType } from './vanta.js';
import { send, webRequest } from './wire.js';

/** The document and resource type the local Vanta has, and the local Drata's workspace: config/irdr.config.json names them to push locally. */
export const LOCAL_VANTA_DOCUMENT_ID = 'irdr-continuity-evidence';
export const LOCAL_VANTA_RESOURCE_ID = 'irdr-drill-plans';
export const LOCAL_DRATA_WORKSPACE_ID = 1;

export interface LocalCompliancePlatforms {
  /** Base URLs, as the client's VANTA_API_URL and DRATA_API_URL. */
  readonly vantaUrl: string;
  readonly drataUrl: string;
  readonly vanta: LocalVanta;
  readonly drata: LocalDrata;
  stop(): Promise<void>;
}

/**
 * Vanta under /vanta and Drata under /drata on one local port. Credentials are read from the local secret (whatever
 * value it holds), as the real platforms know the ones issued to the account.
 */
export async function startLocalCompliancePlatforms(options: {
  readonly host: string;
  readonly port: number;
  readonly credentials: () => { vanta?: { documents: { clientId: string; clientSecret: string }; resources: { clientId: string; clientSecret: string } }; drata?: { apiKey: string } } | undefined;
}): Promise<LocalCompliancePlatforms> {
  const vanta = new LocalVanta(
    () => {
      const apps = options.credentials()?.vanta;
      return apps ? [{ ...apps.documents, allowedScopes: MANAGE_VANTA_SCOPES }, { ...apps.resources, allowedScopes: INTEGRATION_SCOPES }] : [];
    },
    new Set([LOCAL_VANTA_DOCUMENT_ID]),
    new Map([[LOCAL_VANTA_RESOURCE_ID, drillPlanResourceType()]]),
  );
  const drata = new LocalDrata(() => options.credentials()?.drata?.apiKey, new Set([LOCAL_DRATA_WORKSPACE_ID]));
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const [platform, prefix] = url.startsWith('/vanta/') ? [vanta, '/vanta'] : url.startsWith('/drata/') ? [drata, '/drata'] : [undefined, ''];
    request.url = url.slice(prefix.length);
    const handled = platform
      ? webRequest(request, 'http://local').then((webRequestOf) => platform.handle(webRequestOf))
      : Promise.resolve({ status: 404, body: { message: 'local compliance platforms: /vanta/... or /drata/...' } });
    handled.then(
      (reply) => send(response, reply),
      (error: unknown) => send(response, { status: 500, body: { message: (error as Error).message } }),
    );
  });
  // A DNS-rebinding page must not read what arrived nor push a fake sync: only loopback Hosts, as every local server.
  refuseForeignHosts(server, 'Vanta and Drata');
  const listening = await listen(server, options.host, options.port);
  return { vantaUrl: `${listening.endpoint}/vanta`, drataUrl: `${listening.endpoint}/drata`, vanta, drata, stop: () => listening.close() };
}
