import { basename } from 'node:path';

/** A file name that cannot leave its folder or trip a file system. */
export function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\w.-]/g, '_').replace(/^\.+/, '_');
  return base === '' ? 'result' : base.slice(0, 200);
}
