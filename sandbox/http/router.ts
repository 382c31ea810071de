import type { ServerResponse } from 'node:http';
import type { SandboxRequest } from './request';

export type Handler = (req: SandboxRequest, res: ServerResponse) => void | Promise<void>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** Routes `METHOD /path/:param` patterns; the first match wins. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), segments: pattern.split('/'), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    const parts = path.split('/');
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const required = pattern.filter((s) => !s.endsWith('?')).length;
  if (parts.length < required || parts.length > pattern.length) return undefined;
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i] ?? '';
    const part = parts[i];
    if (segment.startsWith(':')) {
      const optional = segment.endsWith('?');
      if (part === undefined || part === '') {
        if (optional) continue;
        return undefined;
      }
      params[segment.slice(1, optional ? -1 : undefined)] = decodeURIComponent(part);
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}
