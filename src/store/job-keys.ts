/**
 * Key names shared by the context and Redis stores: `ocean-c2d:<connection>:job:<jobId>`. Every
 * character but letters, digits, `_` and `-` is written as `%XX`, so that a job id holding a dot
 * or a bracket cannot be read by Node-RED's context as a nested property.
 */
export function keyPart(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** The text a key part was made from. */
export function fromKeyPart(part: string): string {
  const latin1 = part.replace(/%([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

export interface JobKeys {
  /** What every key of the connection starts with. */
  prefix: string;
  /** Where a job's FollowedJob is kept. */
  job(jobId: string): string;
  /** Where the owner of a job holds its lease (Redis). */
  lease(jobId: string): string;
  /** The set of the connection's job ids (Redis). */
  index: string;
  /** What the connection's paid jobs committed. */
  spending: string;
  /** Held while one instance checks and reserves a budget (Redis). */
  spendingLock: string;
}

export function jobKeys(connection: string): JobKeys {
  const prefix = `ocean-c2d:${keyPart(connection)}:`;
  return {
    prefix,
    job: (jobId) => `${prefix}job:${keyPart(jobId)}`,
    lease: (jobId) => `${prefix}lease:${keyPart(jobId)}`,
    index: `${prefix}jobs`,
    spending: `${prefix}spending`,
    spendingLock: `${prefix}spending:lock`,
  };
}
