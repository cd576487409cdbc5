import { consolePrincipalParts } from '../../functions/domain/console-caller.js';

/**
 * Who acted, as a person reads it: a console user (`…/<Role>/CognitoIdentityCredentials/<sub>`) as their group's role
 * and user pool sub, the ARN's noise dropped; anyone else exactly as recorded.
 */
export function actorLabel(actor: string): string {
  const person = consolePrincipalParts(actor);
  return person ? `console user ${person.sub} (${person.role})` : actor;
}
