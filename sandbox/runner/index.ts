export { startRunnerJob } from './runner';
export { dockerFrames, packOutputs } from './outputs-tar';
export type {
  LogChunk,
  RunnerAlgorithm,
  RunnerFailure,
  RunnerInput,
  RunnerInputFile,
  RunnerJob,
  RunnerJobSpec,
  RunnerOutcome,
  RunnerPhase,
  RunnerSnapshot,
} from './types';
