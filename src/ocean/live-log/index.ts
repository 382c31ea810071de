export { DockerFrameDecoder, type LogPiece, type LogStreamName } from './frame-decoder';
export { LineSplitter, MAX_LINE_BYTES, type LogLine } from './line-splitter';
export { LiveLogReader } from './log-reader';
