/**
 * Pulls a human-readable message out of an error body. The two backends answer errors in many
 * shapes (protocol doc section 12): a JSON string literal, `{"error": "..."}`, `{"error": {resource: code}}`,
 * flask-sieve's `{"message", "errors": {field: [..]}}`, plain text, or an Express HTML error page.
 */
const MAX_MESSAGE_LENGTH = 300;

export interface ParsedErrorBody {
  message: string;
  /** Field names a validation error mentioned (flask-sieve `errors`, or `{resource: code}` maps). */
  fields: string[];
  json?: unknown;
}

export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (!trimmed) return { message: '', fields: [] };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { message: clip(plainText(trimmed)), fields: [] };
  }
  const { message, fields } = messageFromJson(json);
  return { message: clip(message), fields, json };
}

function messageFromJson(value: unknown): { message: string; fields: string[] } {
  if (typeof value === 'string') return { message: value, fields: [] };
  if (!isRecord(value)) return { message: JSON.stringify(value), fields: [] };
  const parts: string[] = [];
  const fields: string[] = [];
  const { error, errors, message } = value;
  if (typeof error === 'string') parts.push(error);
  else if (isRecord(error)) collectFieldMessages(error, parts, fields);
  if (typeof message === 'string' && !(isRecord(errors) && message === 'Validation error')) parts.push(message);
  if (isRecord(errors)) collectFieldMessages(errors, parts, fields);
  if (parts.length === 0) parts.push(JSON.stringify(value));
  return { message: parts.join('; '), fields };
}

function collectFieldMessages(map: Record<string, unknown>, parts: string[], fields: string[]): void {
  for (const [field, detail] of Object.entries(map)) {
    fields.push(field);
    const text = Array.isArray(detail) ? detail.map(String).join(', ') : String(detail);
    parts.push(`${field}: ${text}`);
  }
}

function plainText(body: string): string {
  if (!body.startsWith('<')) return body.split('\n')[0] ?? body;
  const pre = /<pre>([\s\S]*?)<\/pre>/i.exec(body);
  const inner = pre?.[1] ?? body;
  const text = inner
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  const firstLine = text.split('\n').map((line) => line.trim()).find((line) => line.length > 0);
  return firstLine ?? '';
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
