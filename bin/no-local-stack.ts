/*
 * A command pointed at the local stack (`eval "$(npx irdr local env)"`) when none serves there: the connection is
 * refused on this machine. Said as such, naming the endpoint and how to start one, instead of ECONNREFUSED's trace.
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface Refusal {
  readonly address: string;
  readonly port: number;
}

/** The refused loopback connection behind an error (the SDK's own, or fetch's cause, or one of an AggregateError's). */
function loopbackRefusal(error: unknown, depth = 0): Refusal | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const { code, address, port, cause, errors } = error as { code?: unknown; address?: unknown; port?: unknown; cause?: unknown; errors?: unknown };
  if (code === 'ECONNREFUSED' && typeof address === 'string' && typeof port === 'number') return LOOPBACK.has(address) ? { address, port } : undefined;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = loopbackRefusal(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** "no local stack answers at …" when the error is a refused connection to this machine; undefined otherwise. */
export function noLocalStackMessage(error: unknown, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const refusal = loopbackRefusal(error);
  if (!refusal) return undefined;
  const variables = Object.entries(environment)
    .filter(([name, value]) => (name.startsWith('AWS_ENDPOINT_URL') || name === 'IRDR_API_URL') && value !== undefined && portOf(value) === refusal.port)
    .map(([name]) => name);
  const where = `${refusal.address}:${refusal.port}${variables.length > 0 ? ` (${variables.join(', ')})` : ''}`;
  return `no local stack answers at ${where}: start one with \`npm start\`, then \`eval "$(npx irdr local env)"\` points irdr at it`;
}

function portOf(url: string): number | undefined {
  try {
    const parsed = new URL(url);
    return LOOPBACK.has(parsed.hostname.replace(/^\[|\]$/g, '')) && parsed.port !== '' ? Number(parsed.port) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pointed at no stack at all (no `irdr local env` in this shell) and with no AWS credentials or region to reach AWS with:
 * said as such, naming both ways out, instead of the SDK's trace.
 */
export function noTargetMessage(error: unknown): string | undefined {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  const missing = name === 'CredentialsProviderError' ? 'no AWS credentials' : typeof message === 'string' && /region is missing/i.test(message) ? 'no AWS region' : undefined;
  if (!missing) return undefined;
  return `${missing} to reach AWS with, and no local stack named in this shell: for the local stack, \`eval "$(npx irdr local env)"\` (it says whether one runs); for AWS, give credentials and a region (AWS_PROFILE, AWS_REGION)`;
}
