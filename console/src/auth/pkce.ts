/*
 * PKCE (RFC 7636, S256) and the OAuth `state`: random values from the browser's CSPRNG, base64url without padding.
 * The verifier never leaves this tab until the code is exchanged; only its SHA-256 goes to the authorize endpoint.
 */

/** 32 random bytes as base64url: a 43-character verifier (RFC 7636 wants 43 to 128 unreserved characters) or state. */
export function randomBase64Url(byteCount = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(ASCII verifier)). */
export async function codeChallengeOf(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
