export { DockerFrameStripper, stripDockerFrames } from './log-frames';
export { DEFAULT_TAR_LIMITS, extractTarFiles, readTarFiles, type TarFile, type TarFileData, type TarLimits } from './tar';
export { readLimited } from './read';
export { ByteLimit } from './byte-limit';
