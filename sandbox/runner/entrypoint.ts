import { existsSync } from 'node:fs';
import { basename } from 'node:path';

export interface AlgorithmCommand {
  /** The entrypoint's program as written, e.g. "python3". */
  program: string;
  /** What is actually spawned. */
  command: string;
  args: string[];
}

/** Local stand-ins for the interpreters Ocean algorithm images provide. */
function localInterpreter(program: string): string | undefined {
  switch (basename(program)) {
    case 'node':
      return process.execPath;
    case 'python':
    case 'python3':
      return 'python3';
    case 'sh':
      return '/bin/sh';
    case 'bash':
      return existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
    default:
      return undefined;
  }
}

/**
 * Turns an Ocean entrypoint such as "python3 $ALGO" into a local command, $ALGO replaced by the
 * algorithm's path. Undefined when the program has no local stand-in (Ocean: the container cannot start).
 */
export function resolveEntrypoint(entrypoint: string, algorithmPath: string): AlgorithmCommand | undefined {
  const [program = '', ...rest] = entrypoint.trim().split(/\s+/);
  const command = localInterpreter(program);
  if (command === undefined) return undefined;
  return { program, command, args: rest.map((arg) => arg.replaceAll('$ALGO', algorithmPath)) };
}

/** The program named by an entrypoint, for error messages. */
export function entrypointProgram(entrypoint: string): string {
  return entrypoint.trim().split(/\s+/)[0] ?? '';
}
