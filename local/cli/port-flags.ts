/** The port flags of `irdr local start` and `irdr demo`, with what each moves: one list for both and their messages. */
export const PORT_FLAGS = {
  port: { flag: '--port', service: 'the HTTP API' },
  sfnPort: { flag: '--sfn-port', service: 'the Step Functions API' },
  dynamodbPort: { flag: '--dynamodb-port', service: 'DynamoDB' },
  sesPort: { flag: '--ses-port', service: 'the SES mailbox' },
  eventsPort: { flag: '--events-port', service: 'the EventBridge API' },
  lambdaPort: { flag: '--lambda-port', service: 'the Lambda Invoke API' },
} as const;

export type PortFlags = { readonly [K in keyof typeof PORT_FLAGS]: number };

/**
 * A start that failed on a busy port, said as the flag that moves it (instead of EADDRINUSE's stack trace); undefined
 * for any other failure.
 */
export function busyPortMessage(error: unknown, ports: PortFlags): string | undefined {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE' || typeof port !== 'number') return undefined;
  const busy = (Object.keys(PORT_FLAGS) as Array<keyof typeof PORT_FLAGS>).find((name) => ports[name] === port);
  const what = busy ? `${PORT_FLAGS[busy].service}'s port ${port}` : `port ${port}`;
  const move = busy ? `: ${PORT_FLAGS[busy].flag} <port> moves it (0 picks a free one)` : '';
  return `${what} is in use (another irdr stack, or another program)${move}`;
}
