export { DockerFrameStripper, stripDockerFrames } from './log-frames';
export { DEFAULT_TAR_LIMITS, extractTarFiles, openNewFile, readTarFiles, type OpenFile, type TarFile, type TarFileData, type TarLimits } from './tar';
export { readLimited, type ReadOptions } from './read';
export { STREAM_BUFFER_BYTES } from './buffer-size';
export { writeLimited } from './write-limited';
