import type { AlgorithmContainer } from '../../ocean';

/**
 * Containers for code typed into the node. Provider v2 also needs the image digest
 * ("sha256:…"): set it in the node's checksum field for such a Provider.
 */
export const CONTAINER_PRESETS: Record<string, AlgorithmContainer> = {
  node: { entrypoint: 'node $ALGO', image: 'node', tag: '20-alpine' },
  python: { entrypoint: 'python3 $ALGO', image: 'python', tag: '3.11-slim' },
  shell: { entrypoint: 'sh $ALGO', image: 'busybox', tag: 'latest' },
};
