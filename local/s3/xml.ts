/*
 * The little XML S3 speaks: documents built from nested [name, value] trees, and the few flat request bodies
 * (versioning, tagging, public access block, Object Lock, Delete) read by element name.
 */

export type XmlNode = readonly [name: string, value: string | number | boolean | readonly XmlNode[] | undefined];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

function render([name, value]: XmlNode): string {
  if (value === undefined) return '';
  const inner = Array.isArray(value) ? (value as readonly XmlNode[]).map(render).join('') : escapeXml(String(value));
  return `<${name}>${inner}</${name}>`;
}

/** A whole response document; the root carries S3's namespace as AWS sends it. */
export function xmlDocument(root: string, children: readonly XmlNode[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${children.map(render).join('')}</${root}>`;
}

/** An error document: S3's errors carry no namespace. */
export function xmlErrorDocument(children: readonly XmlNode[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${children.map(render).join('')}</Error>`;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity]!;
  });
}

/** The raw inner text of every `<name>` element (attributes allowed, nesting of the same name not). */
export function innerElements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>|<${name}(?:\\s[^>]*)?/>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The text of the first `<name>` element, unescaped; undefined when there is none. */
export function elementText(xml: string, name: string): string | undefined {
  const [inner] = innerElements(xml, name);
  return inner === undefined ? undefined : unescapeXml(inner);
}
