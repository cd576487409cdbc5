/**
 * S3's UriEncode, which S3 signs a key's path segments with: every byte but A-Z a-z 0-9 - _ . ~ percent-encoded
 * (encodeURIComponent leaves ! ' ( ) * bare, and a link to such a key would fail its own signature).
 */
export const s3UriEncode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
