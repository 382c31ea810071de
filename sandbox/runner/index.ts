export { startRunnerJob } from './runner';
export { dockerFrame, dockerFrames, packOutputs } from './outputs-tar';
export type {
  LogChunk,
  LogFollower,
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
