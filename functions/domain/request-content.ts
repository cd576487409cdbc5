/*
 * What a request body must be labelled to be read: a JSON route reads UTF-8 JSON and nothing else, the emailed link's
 * form reads a UTF-8 form. A body labelled otherwise (text/plain, a form sent to a JSON route, UTF-16, gzip) is refused
 * before anything reads it, instead of being guessed at.
 */

export type BodyMediaType = 'application/json' | 'application/x-www-form-urlencoded';

export interface ContentRefusal {
  readonly statusCode: 415;
  readonly message: string;
}

/** The refusal for a body labelled other than `accepted` (UTF-8, not compressed); undefined when it may be read. */
export function refusedRequestContent(
  header: (name: string) => string | undefined,
  hasBody: boolean,
  accepted: BodyMediaType,
): ContentRefusal | undefined {
  if (!hasBody) return undefined;
  const expected = `send Content-Type: ${accepted} (UTF-8), uncompressed`;
  const encoding = header('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    return { statusCode: 415, message: `Content-Encoding ${JSON.stringify(encoding)} is not accepted: ${expected}, with no Content-Encoding` };
  }
  const contentType = header('content-type');
  if (!contentType) return { statusCode: 415, message: `the body has no Content-Type: ${expected}` };
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  if (mediaType.toLowerCase() !== accepted) {
    return { statusCode: 415, message: `a ${JSON.stringify(mediaType.slice(0, 100))} body is not accepted here: ${expected}` };
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim());
    const charset = value.replace(/^"(.*)"$/, '$1').toLowerCase();
    if (name.toLowerCase() === 'charset' && charset !== 'utf-8' && charset !== 'utf8') {
      return { statusCode: 415, message: `charset ${JSON.stringify(charset.slice(0, 40))} is not accepted: ${expected}` };
    }
  }
  return undefined;
}
