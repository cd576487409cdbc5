import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { headerLine } from '../domain/plain-text.js';
import { mail } from './ses-client.js';

export interface OutgoingEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** An HTML alternative to the text body. */
  readonly html?: string;
}

/**
 * Sends one email (text, and HTML when given) through SES v2; returns SES's message id. The subject is held to one line
 * whatever the caller built it from (a finding's title, a record stored before titles were checked): no `\r\nBcc:`.
 */
export async function sendEmail(email: OutgoingEmail): Promise<string> {
  const result = await mail.send(
    new SendEmailCommand({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [...email.to] },
      Content: {
        Simple: {
          Subject: { Data: headerLine(email.subject), Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            ...(email.html !== undefined && { Html: { Data: email.html, Charset: 'UTF-8' } }),
          },
        },
      },
    }),
  );
  if (!result.MessageId) throw new Error('SES accepted the email but returned no MessageId');
  return result.MessageId;
}
