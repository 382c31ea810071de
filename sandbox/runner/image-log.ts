import { createHash } from 'node:crypto';
import type { RunnerAlgorithm } from './types';

/** The repository as `docker pull` names it: without a registry host, `library/` for official images. */
function repositoryPath(image: string): string {
  const parts = image.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  return parts.length === 1 ? `library/${parts[0]}` : parts.join('/');
}

/**
 * Ocean Node's image.log for an image that is already present, e.g.
 * "1 : Pulling from feas/busybox\nDigest: sha256:…\nStatus: Image is up to date for 127.0.0.1:5000/feas/busybox:1\n…".
 * The digest is the container checksum when it is one, else a stable stand-in derived from image:tag.
 */
export function imageLogText(container: RunnerAlgorithm['container']): string {
  const tag = container.tag || 'latest';
  const reference = `${container.image}:${tag}`;
  const checksum = container.checksum ?? '';
  const digest = /^sha256:[0-9a-f]{64}$/.test(checksum) ? checksum : `sha256:${createHash('sha256').update(reference).digest('hex')}`;
  return (
    `${tag} : Pulling from ${repositoryPath(container.image)}\n` +
    `Digest: ${digest}\n` +
    `Status: Image is up to date for ${reference}\n` +
    `Successfully pulled image: ${reference}\n`
  );
}
